"""The site's URL patterns, and the changing URLs the role tests walk through: shared by the
login-wall, role and bad-input tests (a plain module, so no test module imports another)."""

import inspect

from django.urls import URLPattern, URLResolver, get_resolver


def all_patterns(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from all_patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield name, prefix + str(entry.pattern), entry


NAMESPACES = ("postmortems", "meetings", "revisions", "trackers")


def allowed_methods(view):
    """The methods a view accepts, read from its require_http_methods decorator (None: any)."""
    while view is not None:
        nonlocals = inspect.getclosurevars(view).nonlocals
        if "request_method_list" in nonlocals:
            return set(nonlocals["request_method_list"])
        view = getattr(view, "__wrapped__", None)
    return None


def mutating_url_names():
    names = set()
    for name, _route, pattern in all_patterns():
        if not name or name.split(":")[0] not in NAMESPACES:
            continue
        methods = allowed_methods(pattern.callback)
        if methods is None or "POST" in methods:
            names.add(name)
    return names


def incident(w):
    return [w["incident"].pk]


# name → (URL args from the world, POST data). Data is plausible; validity does not matter:
# the role is checked before the form.
MUTATING = {
    "postmortems:incident_create": (lambda w: [], {"title": "x"}),
    "postmortems:incident_import": (lambda w: [], {"text": "# nothing"}),
    "postmortems:incident_edit": (incident, {"title": "x"}),
    "postmortems:postmortem_start": (incident, {"template": "standard"}),
    "postmortems:postmortem_edit": (incident, {"executive_summary": "x"}),
    "postmortems:postmortem_switch": (incident, {}),
    "postmortems:postmortem_state": (incident, {"action": "review"}),
    "postmortems:timeline_add": (incident, {"entry-text": "x"}),
    "postmortems:timeline_paste": (incident, {"paste-lines": "10:00 x"}),
    "postmortems:key_time_edit": (lambda w: [w["incident"].pk, "detected_at"],
                                  {"key-detected_at": "2026-03-04T10:05:00"}),
    "postmortems:timeline_edit": (lambda w: [w["entry"].pk], {"edit-text": "x"}),
    "postmortems:timeline_delete": (lambda w: [w["entry"].pk], {}),
    "postmortems:why_add": (incident, {"why-question": "Why?"}),
    "postmortems:why_edit": (lambda w: [w["why"].pk], {"why-question": "Why?"}),
    "postmortems:why_delete": (lambda w: [w["why"].pk], {}),
    "postmortems:factor_add": (incident, {"factor-text": "x"}),
    "postmortems:factor_edit": (lambda w: [w["factor"].pk], {"factor-text": "x"}),
    "postmortems:factor_delete": (lambda w: [w["factor"].pk], {}),
    "postmortems:action_add": (incident, {"action-text": "x"}),
    "postmortems:action_edit": (lambda w: [w["item"].pk], {"action-text": "x"}),
    "meetings:start": (incident, {}),
    "meetings:notes": (lambda w: [w["meeting"].pk, "opening"], {"notes-opening-notes": "x"}),
    "meetings:timing": (lambda w: [w["meeting"].pk], {"opening": "60"}),
    "meetings:attendee_add": (lambda w: [w["meeting"].pk], {"attendee-name": "Guest 2"}),
    "meetings:attendee_remove": (lambda w: [w["meeting"].pk, w["attendee"].pk], {}),
    "meetings:dissent_add": (lambda w: [w["meeting"].pk],
                             {"dissent-name": "Kim", "dissent-text": "No"}),
    "meetings:dissent_delete": (lambda w: [w["meeting"].pk, w["dissent"].pk], {}),
    "meetings:decision_add": (lambda w: [w["meeting"].pk], {"decision-text": "Yes"}),
    "meetings:decision_delete": (lambda w: [w["meeting"].pk, w["decision"].pk], {}),
    "meetings:item_add": (lambda w: [w["meeting"].pk], {"item-new-text": "x"}),
    "meetings:item_edit": (lambda w: [w["meeting"].pk, w["item"].pk], {"item-x-text": "x"}),
    "meetings:item_accept_orphan": (lambda w: [w["meeting"].pk, w["item"].pk],
                                    {"accept-x-reason": "fine"}),
    "meetings:close": (lambda w: [w["meeting"].pk], {}),
    "revisions:restore": (lambda w: ["timelineentry", w["deleted_entry"].history_id], {}),
    "revisions:conflict_discard": (lambda w: [w["conflict"].pk], {"next": "/"}),
    "postmortems:incident_delete": (incident, {}),
    "postmortems:trash_restore": (lambda w: [w["trashed"].pk], {}),
    "postmortems:trash_purge": (lambda w: [w["trashed"].pk], {}),
    "trackers:ticket_create": (lambda w: [w["item"].pk], {"next": "/actions/"}),
    "trackers:ticket_link": (lambda w: [w["item"].pk], {"reference": "OPS-1"}),
    "trackers:ticket_unlink": (lambda w: [w["item"].pk], {}),
    "trackers:connection_create": (lambda w: [], {"name": "x"}),
    "trackers:connection_edit": (lambda w: [w["tracker"].pk], {"name": "x"}),
    "trackers:connection_delete": (lambda w: [w["tracker"].pk], {}),
}
# Creating incidents is not "editing one's own": it needs the editor role.
NEEDS_EDITOR_ROLE = {"postmortems:incident_create", "postmortems:incident_import"}
# Deleting an incident and the trash: admins only (not editors, not the owner).
NEEDS_ADMIN_ROLE = {"postmortems:incident_delete", "postmortems:trash_restore",
                    "postmortems:trash_purge",
                    # Tracker connections make the server call the URL an admin gives.
                    "trackers:connection_create", "trackers:connection_edit",
                    "trackers:connection_delete"}
# The admins' pages that change nothing (the login wall and the role test read them too).
ADMIN_PAGES = {"postmortems:trash": lambda w: []}


# --- Pages: what a person reaches with a browser (the accessibility walk visits each) ----------

def get_url_names():
    """The site's named URLs a browser may GET, in the apps and the pages around them (the
    Django admin and the machine API left out, the API docs kept)."""
    names = set()
    for name, route, pattern in all_patterns():
        if not name or route.startswith("admin/"):
            continue
        if name.startswith(("api:", "slos:api_")) and name != "api:docs":
            continue
        methods = allowed_methods(pattern.callback)
        if methods is None or "GET" in methods:
            names.add(name)
    return names


def pk(key):
    return lambda w: [w[key].pk]


# name → the pages it shows: (label, URL args from the world, query string). The world is
# built in tests/browser/test_accessibility.py (highlighted rows, both templates, a closed
# meeting). A page added to the site must be added here (or to NOT_PAGES, saying why).
PAGES = {
    "home": [("dashboard", lambda w: [], "")],
    "login": [("login", lambda w: [], "")],
    "password_change": [("password change", lambda w: [], "")],
    "accounts:profile": [("profile", lambda w: [], "")],
    "accounts:users": [("users and roles", lambda w: [], "")],
    "accounts:invitation": [("invitation link (not valid)", lambda w: ["not-a-token"], "")],
    "postmortems:incident_list": [("incidents", lambda w: [], "")],
    "postmortems:incident_create": [("incident form (new)", lambda w: [], "")],
    "postmortems:incident_import": [("import", lambda w: [], "")],
    "postmortems:incident_detail": [("incident", incident, ""),
                                    ("incident (quick)", pk("quick_incident"), "")],
    "postmortems:incident_edit": [("incident form", incident, "")],
    "postmortems:postmortem_edit": [("editor (standard)", incident, ""),
                                    ("editor (quick)", pk("quick_incident"), "")],
    "postmortems:postmortem_print": [("print view", incident, "")],
    "postmortems:timeline_edit": [("timeline entry form", pk("entry"), "")],
    "postmortems:why_edit": [("why form", pk("why"), "")],
    "postmortems:factor_edit": [("contributing factor form", pk("factor"), "")],
    "postmortems:action_add": [("action item form (new)", incident, "")],
    "postmortems:action_list": [("action tracker", lambda w: [], ""),
                                ("action tracker (orphaned)", lambda w: [], "?orphaned=1")],
    "postmortems:action_edit": [("action item form", pk("item"), "")],
    "meetings:list": [("meetings and agenda", incident, "")],
    "meetings:run": [(f"meeting screen ({key})", pk("meeting"), f"?section={key}")
                     for key in ("opening", "timeline", "analysis", "actions", "closing")],
    "meetings:record": [("meeting record", pk("closed_meeting"), "")],
    "revisions:postmortem_history": [("postmortem history", incident, "")],
    "revisions:action_item_history": [("action item history", pk("item"), "")],
    "revisions:conflict_reopen": [("refused edit reopened", pk("conflict"), "")],
    "slos:dashboard": [("SLO dashboard", lambda w: [], "")],
    "slos:create": [("SLO form (new)", lambda w: [], "")],
    "slos:detail": [("SLO panel", pk("slo"), "")],
    "slos:edit": [("SLO form", pk("slo"), "")],
    "slos:import": [("SLO import", lambda w: [], "")],
    "slos:data_sources": [("data sources", lambda w: [], "")],
    "slos:data_source_create": [("data source form (new)", lambda w: [], "")],
    "slos:data_source_edit": [("data source form", pk("source"), "")],
    "slos:incident_slos": [("incident SLOs", incident, "")],
    "slos:report": [("monthly SLO report", lambda w: [], ""),
                    ("monthly SLO report (a past month)", lambda w: [], "?month=2026-01")],
    "slos:slo_report": [("one SLO's months", pk("slo"), "")],
    "trackers:connections": [("ticket trackers", lambda w: [], "")],
    "trackers:ticket": [("action item ticket", pk("item"), "")],
}
# GET URLs that are not pages: fragments swapped into a page, feeds, files, health checks.
NOT_PAGES = {
    "healthz", "metrics", "logout",
    # Single sign-on: a redirect to the provider, and the provider's redirect back.
    "accounts:sso_login", "accounts:sso_callback",
    "postmortems:postmortem_live", "postmortems:postmortem_section", "postmortems:timeline_row",
    "postmortems:why_row", "postmortems:factor_row",
    "postmortems:postmortem_export", "postmortems:action_csv", "postmortems:blameless_check",
    "meetings:changes", "meetings:section",
    "slos:export", "slos:rules", "slos:report_csv",
    # Swagger UI's own page (drf-spectacular-sidecar), not this site's markup.
    "api:docs",
    # Admins' pages (viewers and editors get 403): axe runs on them in tests/browser/test_trash.py.
    "postmortems:incident_delete", "postmortems:trash", "postmortems:trash_purge",
    # Admins' pages: axe runs on them in tests/browser/test_trackers.py.
    "trackers:connection_create", "trackers:connection_edit",
}

# Read-only pages of the SLO app added with the monthly report (GET only; every role reads them):
# name → URL args from the world.
READ_ONLY = {
    "slos:report": lambda w: [],
    "slos:report_csv": lambda w: [],
    "slos:slo_report": lambda w: [w["slo"].pk],
}


def users_page_url_names():
    """The changing URLs of the users page (accounts/users/…)."""
    return {name for name, route, pattern in all_patterns()
            if name and route.startswith("accounts/users/")
            and "POST" in (allowed_methods(pattern.callback) or {"POST"})}


# The users page's changes: admins only. name → (URL args from the world, POST data).
ADMIN_ONLY = {
    "accounts:user_invite": (lambda w: [], {"email": "new.sre@example.com", "role": "viewer"}),
    "accounts:user_role": (lambda w: [w["owner"].pk], {"role": "editor"}),
    "accounts:user_deactivate": (lambda w: [w["owner"].pk], {}),
    "accounts:user_reactivate": (lambda w: [w["owner"].pk], {}),
    "accounts:user_reinvite": (lambda w: [w["owner"].pk], {}),
}
# Pages without the login wall besides the login page, /healthz and /metrics: single sign-on
# (404 unless configured) and the invitation link (a page saying the link is not valid).
PUBLIC_ACCOUNT_PAGES = {"accounts:sso_login", "accounts:sso_callback", "accounts:invitation"}
