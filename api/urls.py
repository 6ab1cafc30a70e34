"""/api/v1/: the REST API (one module per resource), its OpenAPI 3 schema and browsable docs
(Swagger UI from vendored files), and the Alertmanager intake. Every view here answers 401
JSON instead of the login redirect of the pages."""

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from api import (
    actions,
    alertmanager,
    factors,
    incidents,
    meetings,
    postmortems,
    services,
    slos,
    timeline,
    whys,
)
from trackers import webhooks as tracker_webhooks

app_name = "api"

router = DefaultRouter(trailing_slash=True, use_regex_path=False)
router.include_format_suffixes = False  # JSON only: no .json, .api suffix routes
router.register("incidents", incidents.IncidentViewSet, basename="incident")
router.register("postmortems", postmortems.PostmortemViewSet, basename="postmortem")
router.register("timeline-entries", timeline.TimelineEntryViewSet, basename="timeline-entry")
router.register("whys", whys.WhyViewSet, basename="why")
router.register("factors", factors.FactorViewSet, basename="factor")
router.register("action-items", actions.ActionItemViewSet, basename="action-item")
router.register("services", services.ServiceViewSet, basename="service")
router.register("meetings", meetings.MeetingViewSet, basename="meeting")
router.register("slos", slos.SLOViewSet, basename="slo")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("alertmanager/", alertmanager.AlertmanagerWebhook.as_view(), name="alertmanager"),
    path("trackers/<int:pk>/webhook/", tracker_webhooks.receive, name="tracker_webhook"),
    path("trackers/<str:kind>/webhook/", tracker_webhooks.receive_by_kind,
         name="tracker_kind_webhook"),
    path("", include(router.urls)),
]


def _outside_the_login_wall(patterns):
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            _outside_the_login_wall(pattern.url_patterns)
        else:
            login_not_required(pattern.callback)


_outside_the_login_wall(urlpatterns)
