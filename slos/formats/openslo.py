"""OpenSLO v1 (https://openslo.com): import and export, all or nothing.

A file holds YAML documents separated by ``---``: ``Service``, ``SLI``, ``SLO``,
``AlertPolicy`` and ``AlertCondition`` (``apiVersion: openslo/v1``). What they mean here:

* an SLO's indicator (inline ``indicator`` or ``indicatorRef`` to an SLI document) is a
  ``ratioMetric`` of ``good``/``total`` or ``bad``/``total`` Prometheus queries
  (``metricSource.spec.query``); good events are ``total - bad``. A query's range is written
  ``{{.window}}`` (as Sloth does), as a literal range (read as the SLO window), or not at all
  (a counter selector, read as ``sum(increase(<selector>[window]))``);
* ``objectives[0].target`` (0.999) or ``targetPercent`` (99.9) is the target; ``timeWindow``
  a rolling ``duration`` (7d, 28d, 30d), or a calendar one (``isRolling: false`` with
  ``calendar: {startTime, timeZone}``) of ``duration: 1M`` (the month) or ``1w`` (the ISO week):
  UTC only, and the start time must begin a month (the 1st, 00:00) or a week (a Monday, 00:00);
  export writes ``startTime: 2026-01-01 00:00:00`` (a month) or ``2024-01-01 00:00:00`` (a
  Monday) with ``timeZone: UTC``;
* ``AlertPolicy`` conditions of kind ``burnrate`` whose ``lookbackWindow`` is 1h, 6h, 1d or 3d
  set the fast, slow, fast ticket and ticket burn alerts (``threshold`` is the factor,
  ``severity`` the label);
* ``spec.service`` names the service (slug or name), else the import option, the name's
  prefix, or "unassigned", as for the definitions format.

Export writes one Service document per service and one SLO document per SLO with its
indicator and alert policy inline, queries written with ``{{.window}}``.
"""

import re
from datetime import date, datetime

import yaml

from slos import definitions
from slos.formats import safe_yaml

API_VERSION = "openslo/v1"
PLACEHOLDER = "{{.window}}"
_RANGE = re.compile(r"\[\s*\d+[smhdwy]\s*\]")
_SEPARATOR = re.compile(r"^---[ \t]*$", re.M)
LOOKBACKS = {"1h": "fast_burn", "6h": "slow_burn", "1d": "fast_ticket", "3d": "ticket"}
CALENDAR_DURATIONS = {"1M": "monthly", "1w": "weekly"}
CALENDAR_EXPORT = {"monthly": ("1M", "2026-01-01 00:00:00"),
                   "weekly": ("1w", "2024-01-01 00:00:00")}
UTC_NAMES = {"UTC", "Etc/UTC", "Etc/GMT", "GMT", "Z"}


def load_documents(text):
    """The documents of the file; raises definitions.ImportRefused."""
    if len(text.encode()) > safe_yaml.MAX_BYTES:
        raise definitions.ImportRefused([f"the file is over {safe_yaml.MAX_BYTES:,} bytes"])
    documents = []
    for index, part in enumerate(_SEPARATOR.split(text), start=1):
        if not part.strip():
            continue
        try:
            documents.append((index, safe_yaml.load(part)))
        except safe_yaml.YAMLRefused as refused:
            raise definitions.ImportRefused(
                [f"document {index}: {error}" for error in refused.errors]) from None
    return documents


def to_definitions(documents):
    """(entries in the definitions format, problems as "where: what")."""
    problems, by_kind = [], {}
    for index, document in documents:
        if not isinstance(document, dict) or document.get("apiVersion") != API_VERSION:
            problems.append(f"document {index}.apiVersion: {API_VERSION} is required")
            continue
        name = (document.get("metadata") or {}).get("name") if isinstance(
            document.get("metadata"), dict) else None
        by_kind.setdefault(document.get("kind"), {})[name] = (index, document)
    slis = {name: doc.get("spec") or {} for name, (_i, doc) in by_kind.get("SLI", {}).items()}
    policies = {name: doc.get("spec") or {}
                for name, (_i, doc) in by_kind.get("AlertPolicy", {}).items()}
    entries = []
    for name, (index, document) in by_kind.get("SLO", {}).items():
        where = f"document {index} (SLO {name})"
        entry, entry_problems = _entry(document, slis, policies)
        problems += [f"{where}.{message}" for message in entry_problems]
        entries.append(entry)
    if not entries and not problems:
        problems.append("the file holds no document of kind SLO")
    return entries, problems


def _entry(document, slis, policies):
    problems = []
    metadata, spec = document.get("metadata") or {}, document.get("spec") or {}
    if not isinstance(spec, dict):
        return {}, ["spec: a mapping is required"]
    window, window_problem = _window(spec.get("timeWindow"))
    if window_problem:
        problems.append(window_problem)
    indicator = spec.get("indicator") or {}
    indicator_spec = indicator.get("spec") if isinstance(indicator, dict) else None
    if indicator_spec is None and spec.get("indicatorRef"):
        indicator_spec = slis.get(spec["indicatorRef"])
        if indicator_spec is None:
            problems.append(f"spec.indicatorRef: no SLI named {spec['indicatorRef']!r}")
    good, total, ratio_problems = _ratio(indicator_spec or {}, window)
    problems += ratio_problems
    objectives = spec.get("objectives") or [{}]
    objective = objectives[0] if isinstance(objectives, list) and objectives else {}
    target = objective.get("targetPercent")
    if target is None and isinstance(objective.get("target"), int | float):
        target = round(objective["target"] * 100, 6)
    entry = {"name": metadata.get("displayName") or metadata.get("name"),
             "description": spec.get("description") or "", "target": target,
             "window": window, "sli": {"good": good, "total": total}}
    if spec.get("service"):
        entry["service"] = spec["service"]
    alerts, alert_problems = _alerts(spec.get("alertPolicies") or [], policies)
    problems += alert_problems
    if alerts:
        entry["alerts"] = alerts
    return entry, problems


def _window(windows):
    window = (windows or [{}])[0] if isinstance(windows, list) else {}
    if not isinstance(window, dict):
        return "", "spec.timeWindow[0]: a mapping with duration and isRolling is required"
    duration = str(window.get("duration") or "")
    if "calendar" not in window and window.get("isRolling") is not False:
        return duration, ""
    where = "spec.timeWindow[0]"
    kind = CALENDAR_DURATIONS.get(duration)
    if kind is None:
        return "", (f"{where}.duration: a calendar window of {duration[:20]!r} is not "
                    "supported; use 1M (the month) or 1w (the ISO week)")
    if window.get("isRolling") is True:  # omitted with a calendar: false (the spec's rule)
        return "", f"{where}.isRolling: a window with a calendar must say isRolling: false"
    calendar = window.get("calendar")
    if not isinstance(calendar, dict):
        return "", f"{where}.calendar: startTime and timeZone are required"
    if str(calendar.get("timeZone") or "") not in UTC_NAMES:
        return "", (f"{where}.calendar.timeZone: only UTC calendars are supported (periods "
                    f"are UTC here), not {str(calendar.get('timeZone'))[:40]!r}")
    start = _start_time(calendar.get("startTime"))
    if start is None:
        return "", (f"{where}.calendar.startTime: a time like 2026-01-01 00:00:00 is "
                    "required")
    if start.time() != datetime.min.time() or (
            kind == "monthly" and start.day != 1) or (kind == "weekly" and start.weekday()):
        return "", (f"{where}.calendar.startTime: {start:%Y-%m-%d %H:%M:%S} does not begin a "
                    f"{'month (the 1st' if kind == 'monthly' else 'week (a Monday'}, 00:00)")
    return kind, ""


def _start_time(value):
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    try:
        return datetime.fromisoformat(str(value or "").strip().replace("Z", ""))
    except ValueError:
        return None


def _time_window(slo):
    if slo.window in CALENDAR_EXPORT:
        duration, start = CALENDAR_EXPORT[slo.window]
        return [{"duration": duration, "isRolling": False,
                 "calendar": {"startTime": start, "timeZone": "UTC"}}]
    return [{"duration": slo.window, "isRolling": True}]


def _ratio(indicator, window):
    ratio = indicator.get("ratioMetric") if isinstance(indicator, dict) else None
    if not isinstance(ratio, dict):
        return "", "", ["spec.indicator.spec.ratioMetric: a good/total or bad/total ratio "
                        "of Prometheus queries is required"]
    queries, problems = {}, []
    for side in ("good", "bad", "total"):
        source = ratio.get(side)
        if source is None:
            continue
        query = ((source.get("metricSource") or {}).get("spec") or {}).get("query") \
            if isinstance(source, dict) else None
        if not query:
            problems.append(f"spec.indicator.spec.ratioMetric.{side}.metricSource.spec.query: "
                            "a Prometheus query is required")
            continue
        queries[side] = _with_window(str(query))
    if "total" not in queries or not ({"good", "bad"} & set(queries)):
        return "", "", problems or ["spec.indicator.spec.ratioMetric: total and good (or bad) "
                                    "are required"]
    good = queries.get("good") or f"({queries['total']}) - ({queries['bad']})"
    return good, queries["total"], problems


def _with_window(query):
    """The range as the $window placeholder: {{.window}}, a literal range, or none."""
    if PLACEHOLDER in query:
        return query.replace(PLACEHOLDER, "$window")
    if _RANGE.search(query):
        return _RANGE.sub("[$window]", query)
    return f"sum(increase({query.strip()}[$window]))"


def _alerts(references, policies):
    alerts, problems = {}, []
    for index, reference in enumerate(references):
        policy = policies.get(reference) if isinstance(reference, str) else \
            (reference.get("spec") if isinstance(reference, dict) else None)
        if policy is None:
            problems.append(f"spec.alertPolicies[{index}]: no AlertPolicy {reference!r}")
            continue
        for number, condition in enumerate(policy.get("conditions") or []):
            spec = (condition or {}).get("spec") or {}
            rule = spec.get("condition") or {}
            where = f"spec.alertPolicies[{index}].conditions[{number}]"
            name = LOOKBACKS.get(str(rule.get("lookbackWindow")))
            if rule.get("kind") != "burnrate" or name is None:
                problems.append(f"{where}: only burnrate conditions over 1h, 6h, 1d or 3d are "
                                "supported")
                continue
            alerts[name] = {"burn_rate": rule.get("threshold")}
            if spec.get("severity"):
                alerts[name]["severity"] = str(spec["severity"])
    return alerts, problems


def import_text(text, default_service=None, data_source=None):
    """Create or update the SLOs of an OpenSLO file; raises definitions.ImportRefused."""
    entries, problems = to_definitions(load_documents(text))
    if problems:
        raise definitions.ImportRefused([f"OpenSLO {message}" for message in problems])
    return definitions.import_document({"slos": entries}, default_service, data_source,
                                       where="OpenSLO SLO documents")


def export(slos):
    slos = list(slos)
    documents = []
    for service in {slo.service_id: slo.service for slo in slos}.values():
        documents.append({"apiVersion": API_VERSION, "kind": "Service",
                          "metadata": {"name": service.slug, "displayName": service.name},
                          "spec": {"description": service.description or ""}})
    for slo in slos:
        conditions = [
            {"kind": "AlertCondition", "metadata": {"name": f"{slo.slug}-{row['name']}"},
             "spec": {"severity": row["severity"], "condition": {
                 "kind": "burnrate", "op": "gte", "threshold": round(row["burn_rate"], 6),
                 "lookbackWindow": row["long_window"], "alertAfter": row["short_window"]}}}
            for row in slo.alert_rows()]
        documents.append({
            "apiVersion": API_VERSION, "kind": "SLO",
            "metadata": {"name": slo.slug, "displayName": slo.name},
            "spec": {
                "description": slo.description, "service": slo.service.slug,
                "indicator": {"metadata": {"name": f"{slo.slug}-sli"}, "spec": {"ratioMetric": {
                    "counter": True,
                    "good": _source(slo.good_query), "total": _source(slo.total_query)}}},
                "timeWindow": _time_window(slo),
                "budgetingMethod": "Occurrences",
                "objectives": [{"displayName": slo.name, "target": float(slo.target / 100)}],
                "alertPolicies": [{"kind": "AlertPolicy", "metadata": {"name": f"{slo.slug}-burn"},
                                   "spec": {"conditions": conditions}}],
            },
        })
    return yaml.safe_dump_all(documents, sort_keys=False, allow_unicode=True, width=1000)


def _source(query):
    return {"metricSource": {"type": "Prometheus",
                             "spec": {"query": query.replace("$window", PLACEHOLDER)}}}
