from django.urls import path

from postmortems.views import actions, incidents, postmortems, timeline

app_name = "postmortems"

urlpatterns = [
    path("incidents/", incidents.incident_list, name="incident_list"),
    path("incidents/new/", incidents.incident_create, name="incident_create"),
    path("incidents/import/", incidents.incident_import, name="incident_import"),
    path("incidents/<int:pk>/", incidents.incident_detail, name="incident_detail"),
    path("incidents/<int:pk>/edit/", incidents.incident_edit, name="incident_edit"),
    path("incidents/<int:pk>/postmortem/", postmortems.postmortem_edit, name="postmortem_edit"),
    path("incidents/<int:pk>/postmortem/start/", postmortems.postmortem_start,
         name="postmortem_start"),
    path("incidents/<int:pk>/postmortem/switch/", postmortems.postmortem_switch,
         name="postmortem_switch"),
    path("incidents/<int:pk>/postmortem/state/", postmortems.postmortem_state,
         name="postmortem_state"),
    path("incidents/<int:pk>/postmortem/export.md", postmortems.postmortem_export,
         name="postmortem_export"),
    path("incidents/<int:pk>/postmortem/print/", postmortems.postmortem_print,
         name="postmortem_print"),
    path("incidents/<int:pk>/timeline/", timeline.timeline_add, name="timeline_add"),
    path("incidents/<int:pk>/timeline/paste/", timeline.timeline_paste,
         name="timeline_paste"),
    path("incidents/<int:pk>/key-times/<str:name>/", timeline.key_time_edit,
         name="key_time_edit"),
    path("timeline/<int:pk>/", timeline.timeline_row, name="timeline_row"),
    path("timeline/<int:pk>/edit/", timeline.timeline_edit, name="timeline_edit"),
    path("timeline/<int:pk>/delete/", timeline.timeline_delete, name="timeline_delete"),
    path("incidents/<int:pk>/whys/", postmortems.why_add, name="why_add"),
    path("whys/<int:pk>/edit/", postmortems.why_edit, name="why_edit"),
    path("whys/<int:pk>/delete/", postmortems.why_delete, name="why_delete"),
    path("incidents/<int:pk>/factors/", postmortems.factor_add, name="factor_add"),
    path("factors/<int:pk>/delete/", postmortems.factor_delete, name="factor_delete"),
    path("incidents/<int:pk>/actions/new/", actions.action_add, name="action_add"),
    path("actions/", actions.action_list, name="action_list"),
    path("actions/export.csv", actions.action_csv, name="action_csv"),
    path("actions/<int:pk>/edit/", actions.action_edit, name="action_edit"),
    path("blameless-check/", postmortems.blameless_check, name="blameless_check"),
]
