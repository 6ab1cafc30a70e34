"""URLs of the review meeting (namespace ``meetings``). Its timeline is edited through the
postmortem editor's views (postmortems:timeline_*), with ``?meeting=<id>``."""

from django.urls import path

from postmortems.meetings import views

app_name = "meetings"

urlpatterns = [
    path("incidents/<int:incident_id>/meetings/", views.meeting_list, name="list"),
    path("incidents/<int:incident_id>/meetings/start/", views.meeting_start, name="start"),
    path("meetings/<int:pk>/", views.meeting_run, name="run"),
    path("meetings/<int:pk>/record/", views.meeting_record, name="record"),
    path("meetings/<int:pk>/changes/", views.meeting_changes, name="changes"),
    path("meetings/<int:pk>/sections/<slug:key>/", views.meeting_section, name="section"),
    path("meetings/<int:pk>/sections/<slug:key>/notes/", views.section_notes, name="notes"),
    path("meetings/<int:pk>/timing/", views.meeting_timing, name="timing"),
    path("meetings/<int:pk>/attendees/add/", views.attendee_add, name="attendee_add"),
    path("meetings/<int:pk>/attendees/<int:attendee_id>/remove/", views.attendee_remove,
         name="attendee_remove"),
    path("meetings/<int:pk>/dissent/add/", views.dissent_add, name="dissent_add"),
    path("meetings/<int:pk>/dissent/<int:dissent_id>/delete/", views.dissent_delete,
         name="dissent_delete"),
    path("meetings/<int:pk>/decisions/add/", views.decision_add, name="decision_add"),
    path("meetings/<int:pk>/decisions/<int:decision_id>/delete/", views.decision_delete,
         name="decision_delete"),
    path("meetings/<int:pk>/actions/add/", views.item_add, name="item_add"),
    path("meetings/<int:pk>/actions/<int:item_id>/edit/", views.item_edit, name="item_edit"),
    path("meetings/<int:pk>/actions/<int:item_id>/accept-orphan/", views.item_accept_orphan,
         name="item_accept_orphan"),
    path("meetings/<int:pk>/close/", views.meeting_close, name="close"),
]
