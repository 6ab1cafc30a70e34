from django.contrib import admin

from accounts.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "scope", "created_at", "last_used_at"]
    list_filter = ["scope"]
    readonly_fields = ["key_digest"]
