"""Forms: every time field is UTC, says so, and is typed as YYYY-MM-DD HH:MM (24-hour)."""

import functools

from django import forms
from django.contrib.auth import get_user_model
from django.urls import reverse

from postmortems.fields import UserChoiceField, UTCDateField, UTCDateTimeField, user_choices
from postmortems.models import (
    ActionItem,
    ContributingFactor,
    Incident,
    Postmortem,
    Service,
    TimelineEntry,
    Why,
)
from postmortems.revisions.concurrency import VersionedFormMixin
from postmortems.statements import Statement


def watch_for_blame(form, names, form_id=None):
    """As the author types, ask the blameless check for hints (htmx; without JS the hints
    appear after saving). ``form_id`` ties fields rendered outside their <form> to it."""
    url = reverse("postmortems:blameless_check")
    for name in names:
        if name not in form.fields:
            continue
        attrs = form.fields[name].widget.attrs
        attrs.update({
            "hx-get": url, "hx-trigger": "input changed delay:600ms",
            "hx-target": f"#hints-{form[name].auto_id}", "hx-swap": "innerHTML",
        })
        if form_id:
            attrs["form"] = form_id


def utc_label(label):
    return f"{label} (UTC)"


class IncidentForm(VersionedFormMixin, forms.ModelForm):
    started_at = UTCDateTimeField(label=utc_label("Started"))
    detected_at = UTCDateTimeField(label=utc_label("Detected"), required=False)
    acknowledged_at = UTCDateTimeField(label=utc_label("Acknowledged"), required=False)
    mitigated_at = UTCDateTimeField(label=utc_label("Mitigated"), required=False)
    resolved_at = UTCDateTimeField(label=utc_label("Resolved"), required=False)

    class Meta:
        model = Incident
        fields = [
            "title", "severity", "status", "services", "owner", "customer_facing", "data_loss",
            "security", "near_miss", "could_have_been_severe", "novel_failure_mode", "summary",
            "started_at", "detected_at", "acknowledged_at", "mitigated_at", "resolved_at",
        ]
        widgets = {
            "services": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = get_user_model().objects.filter(is_active=True)
        self.fields["services"].queryset = Service.objects.all()
        for name in ["started_at", "detected_at", "acknowledged_at", "mitigated_at",
                     "resolved_at"]:
            self.fields[name].help_text = "UTC, 24-hour: YYYY-MM-DD HH:MM, seconds optional."
        watch_for_blame(self, ["summary"])


def offer_imported_notes(form):
    """The imported notes are edited where an import left some; otherwise the field is not on
    the form at all (so a save never touches it)."""
    if not form.instance.imported_notes:
        del form.fields["imported_notes"]


class KeyTimesForm(VersionedFormMixin, forms.ModelForm):
    """Some of the incident's key times, set from the timeline (a key time's row, or pasted
    [detected] lines): the incident's own fields, its ordering rule and its version."""

    def _update_errors(self, errors):
        # Incident.clean names the later of two times out of order, which may not be on this
        # form: say it on the field that is.
        if hasattr(errors, "error_dict"):
            first = next(name for name in self.fields if name != "version")
            remapped = {}
            for name, messages in errors.error_dict.items():
                remapped.setdefault(name if name in self.fields else first, []).extend(messages)
            errors = forms.ValidationError(remapped)
        super()._update_errors(errors)


def key_times_form(names, *args, **kwargs):
    form_class = forms.modelform_factory(
        Incident, form=KeyTimesForm, fields=list(names),
        field_classes=dict.fromkeys(names, UTCDateTimeField))
    return form_class(*args, **kwargs)


class StandardPostmortemForm(VersionedFormMixin, forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offer_imported_notes(self)
        for field in self.fields.values():
            field.widget.attrs["form"] = "document-form"
        watch_for_blame(self, ["executive_summary", "impact_notes"], "document-form")

    class Meta:
        model = Postmortem
        fields = [
            "executive_summary", "customers_affected", "impact_minutes", "revenue_impact",
            "revenue_currency", "support_tickets", "impact_notes", "imported_notes",
        ]
        widgets = {
            "executive_summary": forms.Textarea(attrs={"rows": 5}),
            "impact_notes": forms.Textarea(attrs={"rows": 3}),
            "imported_notes": forms.Textarea(attrs={"rows": 6}),
        }


class QuickPostmortemForm(VersionedFormMixin, forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offer_imported_notes(self)
        watch_for_blame(self, ["what_happened", "trigger", "detection", "resolution",
                               "root_cause_sentence"])

    class Meta:
        model = Postmortem
        fields = [
            "what_happened", "trigger", "detection", "resolution", "root_cause_sentence",
            "immediate_fix", "long_term_fix_ticket", "imported_notes",
        ]
        widgets = {name: forms.Textarea(attrs={"rows": 2}) for name in [
            "what_happened", "trigger", "detection", "resolution", "root_cause_sentence",
            "immediate_fix", "imported_notes",
        ]}


class StartPostmortemForm(forms.Form):
    template = forms.ChoiceField(choices=Postmortem.Template.choices, widget=forms.RadioSelect,
                                 initial=Postmortem.Template.STANDARD)


class TimelineEntryForm(VersionedFormMixin, forms.ModelForm):
    at = UTCDateTimeField(label=utc_label("Time"), help_text="UTC, 24-hour: YYYY-MM-DD HH:MM[:SS].")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        watch_for_blame(self, ["text"])

    class Meta:
        model = TimelineEntry
        fields = ["at", "kind", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


class TimelinePasteForm(forms.Form):
    lines = forms.CharField(
        label="Paste timeline lines",
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "| 09:12 | First alert fired |\n"
                                     "- 09:15 - On-call acknowledged\n"
                                     "10:05 [alert] 5xx above 2%\n"
                                     "2026-03-04T10:12:00Z Rolled back"}),
        help_text="One entry a line: the guide's table rows (| 09:12 | event |), bullets "
                  "(- 09:12 - event), chat copies ([9:12 AM] name: text), HH:MM[:SS] text or "
                  "an ISO-8601 time; an optional [kind] after the time. Times are UTC, on the "
                  "incident's start date (past midnight when they go backwards).",
    )


class WhyForm(VersionedFormMixin, forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        watch_for_blame(self, ["question", "answer"])

    class Meta:
        model = Why
        fields = ["question", "answer", "is_root_cause"]
        widgets = {
            "question": forms.TextInput(),
            "answer": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"is_root_cause": "This answer is the root cause"}

    def versioned_values(self):
        values = super().versioned_values()
        if values.get("is_root_cause"):
            del values["is_root_cause"]  # moved here by set_root_cause, after the save
        return values

    def save_versioned(self, user=None, reason=None):
        """A new why joins the end of the chain; ticking "root cause" moves the mark here
        from the other why (one root cause per chain)."""
        if self.instance.pk is None:
            return Why.objects.append(self.save(commit=False), user=user, reason=reason)
        why = super().save_versioned(user, reason)
        if self.cleaned_data.get("is_root_cause"):
            why = Why.objects.set_root_cause(why, user=user)
        return why


class ContributingFactorForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = ContributingFactor
        fields = ["text"]
        widgets = {"text": forms.TextInput()}
        labels = {"text": "Contributing factor"}

    def save_versioned(self, user=None, reason=None):
        """A new factor joins the end of the list."""
        if self.instance.pk is None:
            return ContributingFactor.objects.append(self.save(commit=False), user=user,
                                                     reason=reason)
        return super().save_versioned(user, reason)


class ActionItemForm(VersionedFormMixin, forms.ModelForm):
    """An action item: on its own page and the postmortem's, or (``in_meeting``) as a row of
    the review meeting's screen, without the links to whys and factors. ``users``: the
    owner choices (user_choices), computed once by a page with many of these forms; ``whys``
    and ``factors``: the incident's, when the page has read them."""

    class Meta:
        model = ActionItem
        fields = ["priority", "text", "owner", "due", "ticket", "status", "wont_do_reason",
                  "addresses_why", "addresses_factor"]
        widgets = {
            "wont_do_reason": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"due": "Due date (UTC)"}
        field_classes = {"due": UTCDateField}

    def __init__(self, *args, incident, users=None, in_meeting=False, whys=None, factors=None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.incident = incident
        self.fields["owner"] = UserChoiceField(
            choices=user_choices() if users is None else users, required=False, label="Owner")
        if in_meeting:
            del self.fields["addresses_why"], self.fields["addresses_factor"]
            self.fields["due"].label = "Due (UTC)"
            self.fields["wont_do_reason"].label = "Reason if won't do"
            self.fields["wont_do_reason"].widget = forms.TextInput()
            return
        self.fields["addresses_why"].queryset = Why.objects.filter(
            postmortem__incident=incident
        )
        self.fields["addresses_why"].label_from_instance = (
            lambda why: f"Why {why.position}: {why.answer or why.question}"[:120]
        )
        self.fields["addresses_factor"].queryset = ContributingFactor.objects.filter(
            postmortem__incident=incident
        )
        # The incident's whys and factors as a page has read them already: their choices
        # without reading them again (the querysets still check what is posted).
        for name, rows in [("addresses_why", whys), ("addresses_factor", factors)]:
            if rows is not None:
                field = self.fields[name]
                field.choices = [("", field.empty_label),
                                 *((row.pk, field.label_from_instance(row)) for row in rows)]


class IncidentFilterForm(forms.Form):
    POSTMORTEM_CHOICES = [
        ("", "Any"),
        ("needed", "Required but missing or unpublished"),
        ("none", "No postmortem"),
        *Postmortem.State.choices,
    ]
    q = forms.CharField(label="Search", required=False,
                        widget=forms.TextInput(attrs={"placeholder": "title, summary, whys"}))
    severity = forms.TypedChoiceField(choices=[("", "Any"), *Incident.Severity.choices],
                                      coerce=int, empty_value=None, required=False)
    status = forms.ChoiceField(choices=[("", "Any"), *Incident.Status.choices], required=False)
    # The services as (id, name) values, read once with the form: not a ModelChoiceField, whose
    # 50 Service objects, their choice wrappers and a query for the chosen one cost more than
    # the rest of the filters. Its error is ModelChoiceField's.
    service = forms.TypedChoiceField(
        coerce=int, empty_value=None, required=False,
        error_messages={"invalid_choice": forms.ModelChoiceField.default_error_messages[
            "invalid_choice"]})
    started_from = UTCDateField(label="Started from (UTC)", required=False)
    started_to = UTCDateField(label="Started until (UTC)", required=False)
    postmortem = forms.ChoiceField(choices=POSTMORTEM_CHOICES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", "Any"),
                                          *Service.objects.values_list("pk", "name")]


class ActionFilterForm(forms.Form):
    SORTS = [("due", "Due date, soonest first"), ("-due", "Due date, latest first"),
             ("priority", "Priority")]
    status = forms.ChoiceField(
        choices=[("", "Any"), ("active", "Open or in progress"), *ActionItem.Status.choices],
        required=False,
    )
    owner = forms.ChoiceField(choices=[("", "Anyone"), ("mine", "Mine")], required=False)
    priority = forms.ChoiceField(choices=[("", "Any"), *ActionItem.Priority.choices],
                                 required=False)
    service = forms.ModelChoiceField(Service.objects.only("name"), required=False,
                                     empty_label="Any")
    orphaned = forms.BooleanField(required=False, label="Orphaned only")
    overdue = forms.BooleanField(required=False, label="Overdue only")
    sort = forms.ChoiceField(choices=SORTS, required=False)

    @staticmethod
    @functools.cache
    def services_statement():
        """The service field's choices, (id, name) in its queryset's order, as a statement
        compiled once per process: the tracker reads them in its page's round trip
        (statements.run) and gives them to show_services."""
        queryset = ActionFilterForm.base_fields["service"].queryset
        return Statement.of(queryset.values_list("pk", "name"))

    def show_services(self, rows):
        """The service field's choices from services_statement's rows, so rendering it reads
        no services of its own (the same options: a service is shown by its name)."""
        field = self.fields["service"]
        field.choices = [("", field.empty_label), *rows]
