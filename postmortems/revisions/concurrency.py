"""Optimistic concurrency, written once: every editable object carries a ``version``; a save
names the version it was based on and is refused when somebody saved meanwhile.

The rule, in ``save_versioned``: inside a transaction the row is locked (SELECT ... FOR UPDATE),
its version compared with the one the form was based on, and the version bumped by the save.
Two writers based on the same version are serialised by the lock: the first wins, the second
sees the new version. A stale save is then merged three-way against the base version (read back
from the history) when the two edits touched different fields, and refused with a ``Conflict``
when they touched the same field. A refused save is recorded (EditConflict) with the values sent,
so nothing typed is lost. Different objects have different rows and never conflict.

Views need two lines: ``VersionedFormMixin`` on the ModelForm (a hidden ``version`` field) and
``form.save_versioned(user)`` in place of ``form.save()``, catching ``Conflict`` to render
``conflict_response``.
"""

import inspect

from django import forms
from django.db import transaction
from django.shortcuts import render

from postmortems.revisions.field_values import (
    UNSET,
    base_values,
    current_value,
    display,
    jsonable,
    model_field,
    normalise,
)
from postmortems.revisions.models import EditConflict
from postmortems.views import is_htmx, safe_next


class Conflict(Exception):
    """A save based on an old version touched fields somebody else changed meanwhile.

    ``current`` is the object as saved now, ``yours`` the values you sent ({field: value}),
    ``fields`` the names both sides changed, ``record`` the EditConflict kept for it."""

    def __init__(self, current, yours, fields, base_version, record=None, form=None):
        self.current = current
        self.yours = yours
        self.fields = list(fields)
        self.base_version = base_version
        self.record = record
        self.form = form
        super().__init__(
            f"{current._meta.verbose_name} was changed by somebody else (now version "
            f"{current.version}, your edit was based on version {base_version})"
        )

    @property
    def changed_by(self):
        """Who saved the version yours clashed with, from the history (None when unknown)."""
        if not hasattr(self, "_changed_by"):
            record = (type(self.current).history
                      .filter(id=self.current.pk, version=self.current.version)
                      .select_related("history_user").order_by("-history_id").first())
            self._changed_by = record.history_user if record is not None else None
        return self._changed_by

    def rows(self):
        """[(label, theirs, yours, conflicting)] for the fields of the form, for display."""
        result = []
        names = self.form.fields if self.form is not None else self.yours
        for name in names:
            if name == "version" or name not in self.yours:
                continue
            field = model_field(self.current, name)
            if field is None:
                continue
            label = (self.form.fields[name].label if self.form is not None
                     else field.verbose_name) or name
            result.append({
                "name": name,
                "label": str(label)[:1].upper() + str(label)[1:],
                "theirs": display(self.current, field, current_value(self.current, field)),
                "yours": display(self.current, field, self.yours[name]),
                "conflicting": name in self.fields,
            })
        return result


class StaleDelete(Exception):
    """A delete based on an old version: somebody changed the object meanwhile."""

    def __init__(self, current, base_version):
        self.current = current
        self.base_version = base_version
        super().__init__(
            f"{current._meta.verbose_name} was changed by somebody else since you loaded it "
            f"(version {base_version} → {current.version}); look at it again before deleting."
        )


# --- The rule ------------------------------------------------------------------------------

def record_conflict(current, user, base_version, fields, yours):
    return EditConflict.objects.create(
        model=current._meta.label, object_id=current.pk,
        user=user if getattr(user, "is_authenticated", False) else None,
        base_version=base_version, current_version=current.version, fields=list(fields),
        attempted={name: jsonable(value) for name, value in yours.items()},
    )


def save_versioned(instance, base_version, values, user=None, reason=None, form=None):
    """Save ``values`` ({field name: value}) onto the object ``instance`` is, based on version
    ``base_version``. Returns the saved object (its version bumped). Raises Conflict when
    somebody saved meanwhile and changed a field you changed too (recorded as EditConflict)."""
    with transaction.atomic():
        _refuse_changes_in_trash(instance)
        current = type(instance)._default_manager.select_for_update(of=("self",)).get(
            pk=instance.pk)
        to_save, clashing, merged_from = _what_to_save(current, base_version, values)
        if not clashing:
            _write(current, to_save, user, reason, merged_from)
    if clashing:
        record = record_conflict(current, user, base_version, clashing, values)
        raise Conflict(current, values, clashing, base_version, record=record, form=form)
    return current


def _what_to_save(current, base_version, values):
    """(values to save, fields both sides changed, the version merged from): all your values
    when nobody saved since your base; else yours laid over theirs for the fields only you
    changed, or nothing when you both changed a field (the clash)."""
    if current.version == base_version:
        return values, [], None
    base = base_values(type(current), current.pk, base_version, list(values))
    changed_by_you, clashing = _changes(current, base, values)
    if clashing:
        return {}, sorted(clashing), None
    return {n: v for n, v in values.items() if n in changed_by_you}, [], base_version


def _changes(current, base, values):
    """(fields you changed from the base, fields they changed to something else too). With
    no base to compare with, any difference from the current value is a clash."""
    changed_by_you, clashing = set(), set()
    for name, value in values.items():
        field = current._meta.get_field(name)
        theirs = normalise(field, current_value(current, field))
        yours = normalise(field, value)
        if base is None or base[name] is UNSET:
            if yours != theirs:
                changed_by_you.add(name)
                clashing.add(name)
            continue
        original = normalise(field, base[name])
        if yours != original:
            changed_by_you.add(name)
            if theirs != original and theirs != yours:
                clashing.add(name)
    return changed_by_you, clashing


def _write(current, values, user, reason, merged_from):
    """Lay ``values`` on the locked row, bump its version, and save it with its history."""
    fields = {name: current._meta.get_field(name) for name in values}
    for name, value in values.items():
        if not fields[name].many_to_many:
            setattr(current, name, value)
    current.version = current.version + 1
    current._change_reason = _reason(current, reason, merged_from)
    if getattr(user, "is_authenticated", False):
        current._history_user = user  # outside a request too (commands, tests)
        _mark_merged(current, user)
    current.save()
    for name, value in values.items():
        if fields[name].many_to_many:
            getattr(current, name).set(value)


def _mark_merged(instance, user):
    """A user who saves an object after a refused edit of it has merged that edit."""
    EditConflict.objects.filter(
        model=instance._meta.label, object_id=instance.pk, user=user,
        outcome=EditConflict.Outcome.PENDING,
    ).update(outcome=EditConflict.Outcome.MERGED)


def _reason(instance, reason, merged_from):
    from postmortems.permissions import postmortem_of  # it imports the models, which import us

    parts = [reason] if reason else []
    if merged_from is not None:
        parts.append(f"merged with a concurrent edit (based on version {merged_from})")
    postmortem = postmortem_of(instance)
    if postmortem is not None and postmortem.is_published:
        parts.append("changed after publishing")
    return "; ".join(parts) or None


def create_tracked(instance, reason=None):
    """Save a new object, marking it in the history when its postmortem is published (and
    never into the trash: IncidentInTrash)."""
    with transaction.atomic():
        _refuse_changes_in_trash(instance)
        instance._change_reason = _reason(instance, reason, None)
        instance.save()
    return instance


def _refuse_changes_in_trash(instance):
    from postmortems.models.trash import refuse_changes_in_trash  # the models import us

    refuse_changes_in_trash(instance)


def update_tracked(queryset, user=None, reason=None, **values):
    """A bulk change that bumps each row's version and leaves a history row for each (where
    ``QuerySet.update`` would leave none). Returns how many rows changed."""
    changed = 0
    with transaction.atomic():
        for instance in queryset.select_for_update(of=("self",)):
            for name, value in values.items():
                setattr(instance, name, value)
            instance.version += 1
            instance._change_reason = _reason(instance, reason, None)
            if getattr(user, "is_authenticated", False):
                instance._history_user = user
            instance.save()
            changed += 1
    return changed


def delete_versioned(instance, base_version, reason=None):
    """Delete the object unless it changed since ``base_version`` (raises StaleDelete). The
    history keeps it: restore_deleted brings it back."""
    model = type(instance)
    with transaction.atomic():
        current = (model._default_manager.select_for_update(of=("self",))
                   .filter(pk=instance.pk).first())
        if current is None:
            return
        if base_version is not None and current.version != base_version:
            raise StaleDelete(current, base_version)
        current._change_reason = _reason(current, reason, None)
        current.delete()


def restore_deleted(history_record, reason="restored from history"):
    """Bring back a deleted object from its last history record (same pk, version bumped)."""
    model = history_record.instance_type
    with transaction.atomic():
        if model._default_manager.filter(pk=history_record.id).exists():
            return model._default_manager.get(pk=history_record.id)
        instance = history_record.instance
        instance.version = (history_record.version or 0) + 1
        instance._change_reason = _reason(instance, reason, None)
        instance.save(force_insert=True)
    return instance


# --- Forms ---------------------------------------------------------------------------------

# The arguments Django's forms take themselves; any other is the form's own.
DJANGO_FORM_KWARGS = (set(inspect.signature(forms.BaseForm.__init__).parameters)
                      | set(inspect.signature(forms.BaseModelForm.__init__).parameters))


class VersionedFormMixin(forms.Form):
    """Adds the hidden ``version`` the edit is based on, and ``save_versioned``.

    A form rendered by the site always carries the version. A post without one (a script, an
    old page) is based on the version loaded with the request: it cannot detect a conflict,
    but it still bumps the version and is recorded in the history."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1,
                                 required=False)

    def __new__(cls, *args, **kwargs):
        # The form's own constructor arguments (incident=..., users=...), kept to rebuild it
        # for the merge; read here because a subclass __init__ may consume them.
        form = super().__new__(cls)
        form._extra_kwargs = {key: value for key, value in kwargs.items()
                              if key not in DJANGO_FORM_KWARGS}
        return form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk is not None:
            self.initial.setdefault("version", instance.version)

    def save_versioned(self, user=None, reason=None):
        """Save the form: a new object is created; an existing one is saved against the
        version in the form (raises Conflict, see save_versioned)."""
        instance = self.instance
        if instance.pk is None:
            obj = create_tracked(self.save(commit=False), reason)
            self.save_m2m()
            return obj
        base = self.cleaned_data.get("version") or self.initial.get("version")
        saved = save_versioned(instance, base, self.versioned_values(), user=user,
                               reason=reason, form=self)
        self.instance = saved
        return saved

    def versioned_values(self):
        """{field name: cleaned value} of the model fields this form saves."""
        return {name: self.cleaned_data[name] for name in self.fields
                if name != "version" and name in self.cleaned_data
                and model_field(self.instance, name) is not None}

    def merge_form(self, conflict):
        """The same form, unbound, prefilled with your values over the current object and
        based on the current version: submitting it is the merge."""
        form = type(self)(instance=conflict.current, prefix=self.prefix, initial={
            **conflict.yours, "version": conflict.current.version,
        }, **self._extra_kwargs)
        for field in form.fields.values():
            # The merge form is its own <form>: fields tied to another form by id would not
            # be sent with it.
            field.widget.attrs.pop("form", None)
        return form


def save_or_conflict(request, form, reason=None, template=None, context=None):
    """``form.save_versioned(request.user)``; on a conflict, the response to return (409, or
    the conflict shown in the page's main area for htmx). None when saved.

        if (response := save_or_conflict(request, form)) is not None:
            return response
    """
    try:
        form.save_versioned(request.user, reason=reason)
    except Conflict as conflict:
        response = conflict_response(request, conflict, template=template, context=context)
        if is_htmx(request) and template is None:
            # htmx does not swap error answers by default: show the page's main area instead.
            response.status_code = 200
            response["HX-Retarget"] = "#main"
            response["HX-Reswap"] = "innerHTML"
            response["HX-Push-Url"] = "false"
        return response
    return None


def conflict_response(request, conflict, form=None, template=None, context=None):
    """The conflict page (HTTP 409): theirs beside yours, and the merge form."""
    form = form if form is not None else conflict.form
    merge = form.merge_form(conflict) if form is not None else None
    if template is None and is_htmx(request):
        template = "revisions/conflict_body.html"
    return render(request, template or "revisions/conflict.html", {
        "conflict": conflict,
        "rows": conflict.rows(),
        "merge_form": merge,
        "action": request.get_full_path(),  # the meeting screen names itself in it
        "back": safe_next(request, request.META.get("HTTP_REFERER") or ""),
        **(context or {}),
    }, status=409)
