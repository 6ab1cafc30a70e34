from django.contrib import admin

from slos.models import SLO, DataSource, IncidentImpact, ServiceAlertLabels


@admin.register(DataSource)
class DataSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "url", "auth", "timeout_seconds"]
    # Secrets are set on the site's own form, which never shows them back.
    exclude = ["bearer_token", "password"]


@admin.register(SLO)
class SLOAdmin(admin.ModelAdmin):
    list_display = ["name", "service", "target", "window", "query_check", "last_good_at"]
    list_filter = ["service", "window", "kind"]
    search_fields = ["name", "slug"]


@admin.register(IncidentImpact)
class IncidentImpactAdmin(admin.ModelAdmin):
    list_display = ["incident", "slo", "budget_consumed", "status", "measured_at"]


@admin.register(ServiceAlertLabels)
class ServiceAlertLabelsAdmin(admin.ModelAdmin):
    list_display = ["service", "labels"]
