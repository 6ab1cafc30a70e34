from django.urls import path

from slos.views import api, incidents, pages, reports, sources

app_name = "slos"

urlpatterns = [
    path("slos/", pages.dashboard, name="dashboard"),
    path("slos/new/", pages.create, name="create"),
    path("slos/<int:pk>/", pages.detail, name="detail"),
    path("slos/<int:pk>/edit/", pages.edit, name="edit"),
    path("slos/<int:pk>/report/", reports.slo_report, name="slo_report"),
    path("slos/report/", reports.month_report, name="report"),
    path("slos/report.csv", reports.month_report_csv, name="report_csv"),
    path("slos/<int:pk>/poll/", pages.poll_now, name="poll"),
    path("slos/<int:pk>/delete/", pages.delete, name="delete"),
    path("slos/import/", pages.import_slos, name="import"),
    path("slos/export.yml", pages.export, name="export"),
    path("slos/rules.yml", pages.rules_yml, name="rules"),
    path("slos/data-sources/", sources.data_sources, name="data_sources"),
    path("slos/data-sources/new/", sources.data_source_edit, name="data_source_create"),
    path("slos/data-sources/<int:pk>/edit/", sources.data_source_edit, name="data_source_edit"),
    path("slos/incidents/<int:incident_pk>/", incidents.incident_slos, name="incident_slos"),
    path("api/slos/", api.slo_list, name="api_list"),
    path("api/slos/<int:pk>/", api.slo_detail, name="api_detail"),
    path("api/slos/<int:pk>/gate", api.slo_gate, name="api_gate"),
    path("api/services/<slug:slug>/gate", api.service_gate, name="api_service_gate"),
]
