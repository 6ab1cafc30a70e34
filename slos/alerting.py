"""What makes an SLO's alerts actionable (pure, no I/O): the labels they carry for routing and
the annotations a person reads when paged.

* labels: the service's own labels, then the SLO's, then the ones the rules rely on (``slo``,
  ``slo_revision``, ``service``, ``severity``), which neither may override;
* annotations: ``summary``, a ``description`` with the burn rate and the budget left (read by
  Prometheus when the alert fires), ``runbook_url`` when the SLO has one, and ``slo_url``, the
  SLO's page under the site's base URL (setting ``SITE_URL``);
* text from the SLO (its name) is written literally: ``{{`` in a name never reaches
  Prometheus's template engine.
"""

import re

LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
RESERVED_LABELS = {"slo", "slo_revision", "service", "severity", "alertname", "side"}


def label_errors(labels):
    """Why a label mapping cannot go on an alert, or [] when it can."""
    if not isinstance(labels, dict):
        return ['Give labels as a mapping, e.g. {"team": "payments"}.']
    errors = []
    for name, value in labels.items():
        if not isinstance(name, str) or not LABEL_NAME.fullmatch(name) or name.startswith("__"):
            errors.append(f"{name!r} is not a Prometheus label name (letters, digits, _).")
        elif name in RESERVED_LABELS:
            errors.append(f"{name!r} is set by the rules themselves; choose another name.")
        elif not isinstance(value, str | int | float) or isinstance(value, bool):
            errors.append(f"the value of {name!r} must be text.")
    return errors


def literal(text):
    """Text that Prometheus's template engine prints as written."""
    return re.sub(r"(\{\{|\}\})", lambda m: '{{ "' + m.group(1) + '" }}', str(text))


def routing_labels(service_labels, slo_labels, rule_labels):
    merged = {str(k): str(v) for k, v in (service_labels or {}).items()}
    merged.update({str(k): str(v) for k, v in (slo_labels or {}).items()})
    merged.update(rule_labels)
    return merged


def budget_left_query(selector, budget_text):
    return f"1 - slo:sli_error:ratio_window{selector} / {budget_text}"


def burn_query(metric, selector, budget_text):
    return f"{metric}{selector} / {budget_text}"


def _value_of(query, format_):
    """A template that prints the first value of a query, or "unknown"."""
    return ('{{ with query "' + query.replace('"', '\\"') + '" }}{{ . | first | value | '
            + format_ + ' }}{{ else }}unknown{{ end }}')


def annotations(slo, summary, description, slo_url, selector, budget_text, burn_metric=None):
    """The annotations of one alert; ``description`` gets burn and budget left appended."""
    parts = [literal(description)]
    if burn_metric:
        parts.append("Burn rate now: " + _value_of(
            burn_query(burn_metric, selector, budget_text), 'printf "%.1f"') + "x.")
    parts.append("Error budget left: " + _value_of(
        budget_left_query(selector, budget_text), "humanizePercentage") + ".")
    result = {"summary": literal(summary), "description": " ".join(parts),
              "slo_url": slo_url}
    if slo.runbook_url:
        result["runbook_url"] = slo.runbook_url
    return result
