"""SLO definitions as YAML, in the format of the SLO definition template:

    slos:
      - name: Checkout availability
        service: checkout            # service slug or name (or given by the importer)
        description: …
        target: 99.9
        window: 28d
        sli:
          good: sum(rate(http_requests_total{status!~"5.."}[28d]))
          total: sum(rate(http_requests_total[28d]))
        alerts:
          fast_burn: {burn_rate: 13.44, short_window: 5m, long_window: 1h, severity: critical}
          slow_burn: {burn_rate: 5.6, short_window: 30m, long_window: 6h, severity: warning}
          fast_ticket: {burn_rate: 2.8, short_window: 2h, long_window: 1d, severity: ticket}
          ticket: {burn_rate: 0.933333, short_window: 6h, long_window: 3d, severity: ticket}
          budget_exhausted: {severity: ticket}
          no_data: {severity: warning}
        min_events: 100              # no burn alert below 100 events in the long window
        runbook_url: https://runbooks.example.com/checkout
        labels: {team: payments}     # on every alert of the SLO

``window`` is a rolling window (7d, 28d, 30d) or a calendar period, ``monthly`` or ``weekly``
(UTC; ISO weeks from Monday). ``calendar: month`` (or ``week``) is read as the same thing, in place
of ``window``; export writes ``window: monthly``.

Export writes every field import reads, so template -> app -> template is the same file.
Import is all or nothing: every entry is validated first (the model's own ``clean()``), and
any error refuses the whole file with field-level messages such as ``slos[2].target: …``.
The file is read by the bounded loader (``slos.formats.safe_yaml``: size, depth, no aliases,
no NaN/NUL) and each field is bounded in length and range.
"""

from decimal import Decimal

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from postmortems.models import Service
from slos import budget
from slos.formats import safe_yaml
from slos.models import SLO, DataSource

ALERT_FIELDS = {"fast_burn": ("fast_burn_rate", "fast_severity"),
                "slow_burn": ("slow_burn_rate", "slow_severity"),
                "fast_ticket": ("fast_ticket_burn_rate", "fast_ticket_severity"),
                "ticket": ("ticket_burn_rate", "ticket_severity")}
ALERT_WINDOWS = {name: (long, short) for name, long, short, _ in budget.ALERT_SHARES}
# Alerts that have a severity and nothing else to set.
SEVERITY_ONLY = {"budget_exhausted": "exhausted_severity", "no_data": "no_data_severity"}
KNOWN_KEYS = {"name", "service", "description", "kind", "target", "window", "calendar", "sli",
              "alerts", "min_events", "runbook_url", "labels"}
MAX_MIN_EVENTS = 2**31 - 1
CALENDAR_SPELLINGS = {"month": SLO.Window.MONTHLY, "monthly": SLO.Window.MONTHLY,
                      "week": SLO.Window.WEEKLY, "weekly": SLO.Window.WEEKLY}
MAX_SLOS = 1000
# Text fields the model leaves unbounded (TextField), bounded here.
MAX_DESCRIPTION = 5000
MAX_QUERY = 5000
MAX_BURN_RATE = 1_000_000


class ImportRefused(Exception):
    """The file was refused whole; ``errors`` lists "where: what" messages."""

    def __init__(self, errors):
        super().__init__("; ".join(errors))
        self.errors = errors


def export(slos):
    entries = []
    for slo in slos:
        alerts = {}
        for name, (_rate_field, severity_field) in ALERT_FIELDS.items():
            long, short = ALERT_WINDOWS[name]
            alerts[name] = {"burn_rate": round(slo.burn_factors()[name], 6),
                            "short_window": short, "long_window": long,
                            "severity": getattr(slo, severity_field)}
        for name, severity_field in SEVERITY_ONLY.items():
            alerts[name] = {"severity": getattr(slo, severity_field)}
        entry = {
            "name": slo.name, "service": slo.service.slug, "description": slo.description,
            "kind": slo.kind, "target": float(slo.target), "window": slo.window,
            "sli": {"good": slo.good_query, "total": slo.total_query}, "alerts": alerts,
        }
        if slo.min_events is not None:
            entry["min_events"] = slo.min_events
        if slo.runbook_url:
            entry["runbook_url"] = slo.runbook_url
        if slo.alert_labels:
            entry["labels"] = slo.alert_labels
        entries.append(entry)
    return yaml.safe_dump({"slos": entries}, sort_keys=False, allow_unicode=True, width=1000)


def import_text(text, default_service=None, data_source=None):
    """Create or update SLOs (matched by service and name) from YAML text. Returns the saved
    SLOs; raises ImportRefused with every problem and saves nothing when any is found."""
    try:
        document = safe_yaml.load(text)
    except safe_yaml.YAMLRefused as refused:
        raise ImportRefused(refused.errors) from None
    return import_document(document, default_service, data_source)


def import_document(document, default_service=None, data_source=None, where="slos"):
    """The same from a parsed document in the definitions format (other formats convert to
    it); ``where`` names the list in messages."""
    if not isinstance(document, dict) or not isinstance(document.get("slos"), list):
        raise ImportRefused(["the file must be a mapping with a `slos:` list"])
    if len(document["slos"]) > MAX_SLOS:
        raise ImportRefused([f"the file holds {len(document['slos']):,} SLOs; the limit is "
                             f"{MAX_SLOS:,} a file (split it into several files)"])
    data_source = data_source or DataSource.default()
    services = {s.slug: s for s in Service.objects.all()}
    services.update({s.name.lower(): s for s in services.values()})
    existing = {(slo.service_id, slo.name): slo for slo in SLO.objects.all()}
    errors, objects, seen = [], [], set()
    for index, entry in enumerate(document["slos"]):
        if not isinstance(entry, dict):
            errors.append(f"{where}[{index}]: each SLO must be a mapping")
            continue
        entry_where = f"{where}[{index}] ({str(entry.get('name', 'unnamed'))[:60]})"
        problems, slo = _build(entry, services, default_service, data_source, existing)
        key = (slo.service_id, slo.name)
        if slo.name and key in seen:
            problems.append(("name", "appears twice in the file"))
        seen.add(key)
        errors += [f"{entry_where}.{field}: {message}" for field, message in problems]
        objects.append(slo)
    if not objects and not errors:
        errors.append("the `slos:` list is empty")
    if errors:
        raise ImportRefused(errors)
    with transaction.atomic():
        for slo in objects:
            if slo.service.pk is None:  # "unassigned", created with the first SLO it gets
                slo.service, _ = Service.objects.get_or_create(
                    slug=UNASSIGNED["slug"], defaults={"name": UNASSIGNED["name"]})
            if slo.pk is not None:  # a change: a write based on the older version is stale
                slo.version += 1
            slo._change_reason = "imported"
            slo.save()
    return objects


UNASSIGNED = {"slug": "unassigned", "name": "Unassigned"}


def service_from_name(name, services):
    """(service, why) for an entry naming none: the service whose slug or name starts the SLO
    name ("checkout-availability", "Checkout availability"), else the "unassigned" service
    (created on import when it does not exist)."""
    slug = slugify(name)
    matches = [s for key, s in services.items()
               if slug.startswith(f"{s.slug}-") or name.lower().startswith(f"{key} ")]
    if matches:
        service = max(matches, key=lambda s: len(s.slug))
        return service, f"the prefix of its name ({service.slug})"
    unassigned = services.get(UNASSIGNED["slug"]) or Service(**UNASSIGNED)
    return unassigned, "no service: key, import option or name prefix, so \"unassigned\""


def _scalar(value, field, problems, limit=None):
    """A text field's value: scalars as text, anything else (a list, a mapping) refused."""
    if value is None:
        return ""
    if isinstance(value, dict | list | set):
        problems.append((field, "a single value is required, not a list or a mapping"))
        return ""
    text = str(value)
    if limit is not None and len(text) > limit:
        problems.append((field, f"at most {limit:,} characters (it has {len(text):,})"))
        return text[:limit]
    return text


def _build(entry, services, default_service, data_source, existing):
    problems = []
    for key in sorted(set(entry) - KNOWN_KEYS, key=str):
        problems.append((str(key)[:60], "unknown field"))
    name = _scalar(entry.get("name"), "name", problems).strip()
    service, reason = default_service, "the service chosen for the import"
    if entry.get("service") is not None:
        given = _scalar(entry["service"], "service", problems, limit=150)
        service, reason = services.get(given.lower()), "its service: key"
        if service is None and given:
            problems.append(("service", f"no service {given!r} in the catalogue"))
    elif service is None:
        service, reason = service_from_name(name, services)
    slo = existing.get((service.pk, name)) if service is not None and name else None
    slo = slo or SLO(data_source=data_source)
    slo.service = service if service is not None else None
    slo.service_reason = reason
    slo.name = name
    slo.description = _scalar(entry.get("description"), "description", problems,
                              limit=MAX_DESCRIPTION)
    slo.kind = _scalar(entry.get("kind"), "kind", problems) or SLO.Kind.AVAILABILITY
    slo.window = _window(entry, problems)
    target = entry.get("target")
    if isinstance(target, bool) or not isinstance(target, int | float):
        problems.append(("target", "a number of percent is required, e.g. 99.9"))
        target = None
    slo.target = None if target is None else Decimal(str(target))
    sli = entry.get("sli")
    if not isinstance(sli, dict):
        problems.append(("sli", "a mapping with `good` and `total` PromQL expressions"))
        sli = {}
    slo.good_query = _scalar(sli.get("good"), "sli.good", problems, limit=MAX_QUERY)
    slo.total_query = _scalar(sli.get("total"), "sli.total", problems, limit=MAX_QUERY)
    problems += _alerts(entry.get("alerts"), slo)
    slo.runbook_url = _scalar(entry.get("runbook_url"), "runbook_url", problems, limit=500)
    slo.min_events = entry.get("min_events")
    if slo.min_events is not None and (
            isinstance(slo.min_events, bool) or not isinstance(slo.min_events, int)
            or not 0 <= slo.min_events <= MAX_MIN_EVENTS):
        problems.append(("min_events", f"a whole number of events from 0 to {MAX_MIN_EVENTS:,}"))
        slo.min_events = None
    slo.alert_labels = entry.get("labels") or {}
    try:
        slo.full_clean(exclude=["service", "data_source", "slug"]
                       if service is None or service.pk is None
                       else ["data_source", "slug"], validate_unique=False)
    except ValidationError as exc:
        field_names = {"good_query": "sli.good", "total_query": "sli.total"}
        for field, messages in exc.message_dict.items():
            for message in messages:
                problems.append((field_names.get(field, field), message))
    return problems, slo


def _window(entry, problems):
    """``window: 28d | monthly | weekly``, or ``calendar: month | week`` in its place."""
    window = _scalar(entry.get("window"), "window", problems).strip()
    if entry.get("calendar") is None:
        return window or SLO.Window.DAYS_28
    calendar = _scalar(entry.get("calendar"), "calendar", problems).strip().lower()
    if calendar not in CALENDAR_SPELLINGS:
        problems.append(("calendar", f"{calendar[:30]!r} is not a calendar period: use month "
                                     "or week"))
        return window or SLO.Window.DAYS_28
    if window and window != CALENDAR_SPELLINGS[calendar]:
        problems.append(("calendar", f"says {calendar} but window says {window[:30]}: give "
                                     "one of them"))
    return CALENDAR_SPELLINGS[calendar]


def _alerts(alerts, slo):
    problems = []
    if alerts is None:
        return problems
    names = [*ALERT_FIELDS, *SEVERITY_ONLY]
    if not isinstance(alerts, dict):
        return [("alerts", f"a mapping of {' / '.join(names)} settings")]
    for name, settings in alerts.items():
        if name not in names:
            problems.append((f"alerts.{str(name)[:60]}",
                             f"unknown alert: use {', '.join(names)}"))
            continue
        if not isinstance(settings, dict):
            problems.append((f"alerts.{name}", "a mapping"))
            continue
        if name in SEVERITY_ONLY:
            for key in sorted(set(settings) - {"severity"}, key=str):
                problems.append((f"alerts.{name}.{str(key)[:60]}",
                                 "unknown field: only severity is set for this alert"))
            if settings.get("severity"):
                setattr(slo, SEVERITY_ONLY[name], _scalar(
                    settings["severity"], f"alerts.{name}.severity", problems, limit=30))
            continue
        rate_field, severity_field = ALERT_FIELDS[name]
        rate = settings.get("burn_rate")
        if rate is not None:
            if isinstance(rate, bool) or not isinstance(rate, int | float) \
                    or not 0 < rate <= MAX_BURN_RATE:
                problems.append((f"alerts.{name}.burn_rate",
                                 f"a positive number up to {MAX_BURN_RATE:,}"))
            else:
                setattr(slo, rate_field, float(rate))
        long, short = ALERT_WINDOWS[name]
        for key, expected in (("long_window", long), ("short_window", short)):
            given = settings.get(key)
            if given is not None and str(given) != expected:
                problems.append((f"alerts.{name}.{key}",
                                 f"{given!r} is not supported: {name} uses {long} and {short} "
                                 "(the windows the poller reads)"))
        if settings.get("severity"):
            setattr(slo, severity_field, _scalar(settings["severity"],
                                                 f"alerts.{name}.severity", problems, limit=30))
    return problems
