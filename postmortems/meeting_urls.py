"""URLs of the review meeting, the history pages and restore (namespace ``meetings``)."""

from django.urls import path

from postmortems import history_views, meeting_views

app_name = "meetings"

urlpatterns = [
    path("incidents/<int:incident_id>/meetings/", meeting_views.meeting_list, name="list"),
    path("incidents/<int:incident_id>/meetings/start", meeting_views.meeting_start,
         name="start"),
    path("meetings/<int:pk>/", meeting_views.meeting_run, name="run"),
    path("meetings/<int:pk>/record", meeting_views.meeting_record, name="record"),
    path("meetings/<int:pk>/changes", meeting_views.meeting_changes, name="changes"),
    path("meetings/<int:pk>/sections/<slug:key>/", meeting_views.meeting_section,
         name="section"),
    path("meetings/<int:pk>/sections/<slug:key>/notes", meeting_views.section_notes,
         name="notes"),
    path("meetings/<int:pk>/timing", meeting_views.meeting_timing, name="timing"),
    path("meetings/<int:pk>/attendees/add", meeting_views.attendee_add, name="attendee_add"),
    path("meetings/<int:pk>/attendees/<int:attendee_id>/remove",
         meeting_views.attendee_remove, name="attendee_remove"),
    path("meetings/<int:pk>/dissent/add", meeting_views.dissent_add, name="dissent_add"),
    path("meetings/<int:pk>/dissent/<int:dissent_id>/delete", meeting_views.dissent_delete,
         name="dissent_delete"),
    path("meetings/<int:pk>/decisions/add", meeting_views.decision_add, name="decision_add"),
    path("meetings/<int:pk>/decisions/<int:decision_id>/delete",
         meeting_views.decision_delete, name="decision_delete"),
    path("meetings/<int:pk>/timeline/add", meeting_views.timeline_add, name="timeline_add"),
    path("meetings/<int:pk>/timeline/<int:entry_id>/edit", meeting_views.timeline_edit,
         name="timeline_edit"),
    path("meetings/<int:pk>/timeline/<int:entry_id>/delete", meeting_views.timeline_delete,
         name="timeline_delete"),
    path("meetings/<int:pk>/actions/add", meeting_views.item_add, name="item_add"),
    path("meetings/<int:pk>/actions/<int:item_id>/edit", meeting_views.item_edit,
         name="item_edit"),
    path("meetings/<int:pk>/actions/<int:item_id>/accept-orphan",
         meeting_views.item_accept_orphan, name="item_accept_orphan"),
    path("meetings/<int:pk>/close", meeting_views.meeting_close, name="close"),
    path("incidents/<int:incident_id>/postmortem/history/", history_views.postmortem_history,
         name="postmortem_history"),
    path("action-items/<int:item_id>/history/", history_views.action_item_history,
         name="action_item_history"),
    path("history/<slug:model>/<int:history_id>/restore", history_views.restore,
         name="restore"),
    path("conflicts/<int:pk>/discard", history_views.conflict_discard,
         name="conflict_discard"),
]
