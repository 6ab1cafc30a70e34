"""Sloth's ``prometheus/v1`` SLO specs (https://sloth.dev), imported all or nothing.

What a spec means, in this app's terms:

* ``sli.events``: ``error_query`` and ``total_query`` with the range written ``{{.window}}``;
  good events are ``total - error``. ``sli.raw`` (an error-ratio query) and ``sli.plugin``
  cannot be split into good and total events and are refused, naming the field.
* ``objective`` is the target in percent; the window is Sloth's default, 30 days. Sloth has no
  calendar windows: an SLO asking for one (a ``window``, ``time_window``, ``period`` or
  ``calendar`` key) is refused, pointing to OpenSLO's calendar ``timeWindow``.
* Sloth's page alert is this app's fast (1h/5m, 14.4x) and slow (6h/30m, 6x) burn alerts, its
  ticket alert the fast ticket (1d/2h, 3x) and ticket (3d/6h, 1x) ones: the same windows and
  factors for a 30-day window.
  ``page_alert.labels.severity`` and ``ticket_alert.labels.severity`` set the severities.
* labels of the spec, of the SLO and of ``alerting`` go on every alert; an ``alerting``
  annotation ``runbook`` or ``runbook_url`` becomes the SLO's runbook link.
* the spec's ``service`` names the service (slug or name), else the import option, the name's
  prefix, or "unassigned", as for the definitions format.
"""

from slos import definitions
from slos.formats import safe_yaml

VERSION = "prometheus/v1"
WINDOW = "30d"
SLOTH_WINDOW = "{{.window}}"


def to_definitions(document):
    """(entries in the definitions format, problems as "where: what")."""
    if not isinstance(document, dict) or document.get("version") != VERSION:
        return [], [f"version: a Sloth spec says version: \"{VERSION}\""]
    slos = document.get("slos")
    if not isinstance(slos, list) or not slos:
        return [], ["slos: a Sloth spec lists its SLOs under slos:"]
    entries, problems = [], []
    for index, slo in enumerate(slos):
        where = f"slos[{index}] ({str((slo or {}).get('name', 'unnamed'))[:60]})" \
            if isinstance(slo, dict) else f"slos[{index}]"
        if not isinstance(slo, dict):
            problems.append(f"{where}: each SLO must be a mapping")
            continue
        entry, entry_problems = _entry(document, slo)
        problems += [f"{where}.{message}" for message in entry_problems]
        entries.append(entry)
    return entries, problems


CALENDAR_KEYS = ("window", "time_window", "timeWindow", "period", "slo_period", "calendar")


def _entry(document, slo):
    problems = [f"{key}: Sloth has no calendar (or other) windows: its SLOs are over a "
                "rolling 30 days. For a monthly or weekly SLO import OpenSLO with a calendar "
                "timeWindow (duration: 1M, isRolling: false), or change the window after import"
                for key in CALENDAR_KEYS if key in slo]
    sli = slo.get("sli") if isinstance(slo.get("sli"), dict) else {}
    events = sli.get("events") if isinstance(sli.get("events"), dict) else None
    if events is None:
        kind = "raw" if "raw" in sli else "plugin" if "plugin" in sli else "events"
        problems.append(f"sli.{kind}: only sli.events (error_query and total_query) can be "
                        "imported: good and total events are what this app measures")
        events = {}
    error = str(events.get("error_query") or "").replace(SLOTH_WINDOW, "$window")
    total = str(events.get("total_query") or "").replace(SLOTH_WINDOW, "$window")
    for key, value in (("error_query", error), ("total_query", total)):
        if events and not value:
            problems.append(f"sli.events.{key}: required")
    alerting = slo.get("alerting") if isinstance(slo.get("alerting"), dict) else {}
    labels = {**_mapping(document.get("labels")), **_mapping(slo.get("labels")),
              **_mapping(alerting.get("labels"))}
    annotations = _mapping(alerting.get("annotations"))
    entry = {
        "name": slo.get("name"), "description": slo.get("description") or "",
        "target": slo.get("objective"), "window": WINDOW,
        "sli": {"good": f"({total}) - ({error})" if error and total else "", "total": total},
        "labels": {k: v for k, v in labels.items() if k != "severity"},
        "runbook_url": annotations.get("runbook_url") or annotations.get("runbook") or "",
        "alerts": _severities(alerting),
    }
    if document.get("service") is not None:
        entry["service"] = document["service"]
    return entry, problems


def _severities(alerting):
    alerts = {}
    for sloth_alert, names in (("page_alert", ("fast_burn", "slow_burn")),
                               ("ticket_alert", ("fast_ticket", "ticket"))):
        severity = _mapping(_mapping(alerting.get(sloth_alert)).get("labels")).get("severity")
        if severity:
            alerts.update({name: {"severity": str(severity)} for name in names})
    return alerts


def _mapping(value):
    return value if isinstance(value, dict) else {}


def import_text(text, default_service=None, data_source=None):
    """Create or update the SLOs of a Sloth spec; raises definitions.ImportRefused."""
    try:
        document = safe_yaml.load(text)
    except safe_yaml.YAMLRefused as refused:
        raise definitions.ImportRefused(refused.errors) from None
    entries, problems = to_definitions(document)
    if problems:
        raise definitions.ImportRefused([f"Sloth spec {message}" for message in problems])
    return definitions.import_document({"slos": entries}, default_service, data_source,
                                       where="Sloth spec slos")
