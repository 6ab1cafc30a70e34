from django.contrib import admin
from django.urls import include, path

from accounts.views import PasswordChangeView
from accounts.views.signin import LoginView, LogoutView
from config import views
from postmortems.views import dashboard

urlpatterns = [
    path("", dashboard.dashboard, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("metrics", views.metrics, name="metrics"),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("accounts/password/", PasswordChangeView.as_view(), name="password_change"),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("postmortems.urls")),
    path("", include("postmortems.meetings.urls")),
    path("", include("postmortems.revisions.urls")),
    path("", include("config.moved")),
    path("", include("slos.urls")),
    path("", include("trackers.urls")),
    path("api/v1/", include("api.urls")),
]

handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
