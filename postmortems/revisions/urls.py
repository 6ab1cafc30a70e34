"""URLs of the edit history, restore and refused edits (namespace ``revisions``)."""

from django.urls import path

from postmortems.revisions import views

app_name = "revisions"

urlpatterns = [
    path("incidents/<int:incident_id>/postmortem/history/", views.postmortem_history,
         name="postmortem_history"),
    path("actions/<int:item_id>/history/", views.action_item_history,
         name="action_item_history"),
    path("history/<slug:model>/<int:history_id>/restore/", views.restore, name="restore"),
    path("conflicts/<int:pk>/", views.conflict_reopen, name="conflict_reopen"),
    path("conflicts/<int:pk>/discard/", views.conflict_discard, name="conflict_discard"),
]
