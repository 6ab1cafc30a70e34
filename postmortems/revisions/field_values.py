"""Field values as optimistic concurrency compares, shows and keeps them: the current value,
the value at a past version (read from the history), a comparable form, a display form, and
a JSON form for the record of a refused edit."""

import datetime

from django.core.exceptions import FieldDoesNotExist
from django.db import models

UNSET = object()  # the history does not know the value (an untracked many-to-many)


def model_field(instance, name):
    try:
        return instance._meta.get_field(name)
    except FieldDoesNotExist:  # a form-only field
        return None


def current_value(instance, field):
    if field.many_to_many:
        if instance.pk is None:
            return []
        return sorted(getattr(instance, field.name).values_list("pk", flat=True))
    return getattr(instance, field.attname)


def normalise(field, value):
    """Comparable form of a field value: FKs as pks, m2m as sorted pk lists."""
    if field.many_to_many:
        return sorted(getattr(item, "pk", item) for item in (value or []))
    if field.is_relation:
        return getattr(value, "pk", value)
    return value


def display(instance, field, value):
    if field.many_to_many:
        related = field.related_model.objects.filter(pk__in=normalise(field, value))
        return ", ".join(str(item) for item in related) or "—"
    if field.is_relation:
        pk = normalise(field, value)
        if pk is None:
            return "—"
        return str(field.related_model._default_manager.filter(pk=pk).first() or pk)
    if field.choices and value not in (None, ""):
        return dict(field.flatchoices).get(value, value)
    if value in (None, ""):
        return "—"
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def jsonable(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple, models.QuerySet)):
        return [jsonable(item) for item in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def base_values(model, pk, version, names):
    """The field values of version ``version`` of the object, read from its history; None
    when the history does not have that version."""
    record = model.history.filter(id=pk, version=version).order_by("-history_id").first()
    if record is None:
        return None
    values = {}
    for name in names:
        field = model._meta.get_field(name)
        if field.many_to_many:
            values[name] = base_m2m(record, field)
        else:
            values[name] = getattr(record, field.attname)
    return values


def base_m2m(record, field):
    """The related pks of an m2m field at that version, when the history tracks the field
    (HistoricalRecords(m2m_fields=...)); UNSET otherwise (a stale change is then a conflict)."""
    rows = getattr(record, field.name, None)
    if rows is None or not hasattr(rows, "values_list"):
        return UNSET
    return sorted(rows.values_list(field.m2m_reverse_field_name(), flat=True))
