from django.urls import path

from trackers import views

app_name = "trackers"

urlpatterns = [
    path("trackers/", views.connection_list, name="connections"),
    path("trackers/new/", views.connection_edit, name="connection_create"),
    path("trackers/<int:pk>/edit/", views.connection_edit, name="connection_edit"),
    path("trackers/<int:pk>/delete/", views.connection_delete, name="connection_delete"),
    path("actions/<int:pk>/ticket/", views.ticket, name="ticket"),
    path("actions/<int:pk>/ticket/create/", views.ticket_create, name="ticket_create"),
    path("actions/<int:pk>/ticket/link/", views.ticket_link, name="ticket_link"),
    path("actions/<int:pk>/ticket/unlink/", views.ticket_unlink, name="ticket_unlink"),
]
