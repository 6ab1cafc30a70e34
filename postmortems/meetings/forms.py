"""Forms of the review meeting. The edit forms carry the version they are based on
(VersionedFormMixin); user pickers take a precomputed choice list so that a page with many
inline forms asks for the users once."""

from django import forms
from django.contrib.auth import get_user_model

from postmortems.forms import TimelineEntryForm
from postmortems.models import (
    ActionItem,
    Attendee,
    Decision,
    DissentingView,
    MeetingSection,
    OrphanAcceptance,
)
from postmortems.people import display_name
from postmortems.revisions.concurrency import VersionedFormMixin


def user_choices(empty_label="— nobody yet —"):
    """[(pk, name)] of active users, one query; pass to the forms of a page."""
    users = get_user_model().objects.filter(is_active=True).order_by("username")
    return [("", empty_label)] + [
        (str(user.pk), display_name(user)) for user in users
    ]


class UserChoiceField(forms.TypedChoiceField):
    """A user picker from a precomputed choice list; cleans to the user (or None)."""

    def __init__(self, *, choices, **kwargs):
        super().__init__(choices=choices, coerce=int, empty_value=None, **kwargs)

    def clean(self, value):
        pk = super().clean(value)
        if pk is None:
            return None
        user = get_user_model().objects.filter(pk=pk, is_active=True).first()
        if user is None:
            raise forms.ValidationError("Pick an active user.", code="invalid_choice")
        return user

    def prepare_value(self, value):
        return getattr(value, "pk", value)


class SectionNotesForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = MeetingSection
        fields = ["notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}
        labels = {"notes": "Notes for this section"}


class TimingForm(forms.Form):
    """Seconds spent per section, as measured by the meeting screen's timer."""

    MAX_SECONDS = 24 * 3600

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        for section in sections:
            self.fields[section.key] = forms.IntegerField(
                min_value=0, max_value=self.MAX_SECONDS, required=False
            )


class AttendeeForm(forms.ModelForm):
    class Meta:
        model = Attendee
        fields = ["user", "name"]
        labels = {"user": "Attendee (a user)", "name": "…or a name"}

    def __init__(self, *args, users, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.meeting = meeting
        self.fields["user"] = UserChoiceField(choices=users, required=False,
                                              label="Attendee (a user)")
        self.fields["name"].widget.attrs["placeholder"] = "a guest"

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("user") and not (cleaned.get("name") or "").strip():
            raise forms.ValidationError({"name": "Pick a user or write a name."})
        user = cleaned.get("user")
        if user and self.instance.meeting.attendees.filter(user=user).exists():
            raise forms.ValidationError({"user": "Already listed as attending."})
        return cleaned


class DissentForm(forms.ModelForm):
    class Meta:
        model = DissentingView
        fields = ["user", "name", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}
        labels = {"user": "Whose view (a user)", "name": "…or a name",
                  "text": "Dissenting view"}

    def __init__(self, *args, users, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.meeting = meeting
        self.fields["user"] = UserChoiceField(choices=users, required=False,
                                              label="Whose view (a user)")


class DecisionForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}
        labels = {"text": "Decision"}

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.meeting = meeting


class MeetingTimelineEntryForm(TimelineEntryForm):
    """A timeline entry edited in the meeting (the postmortem page's form, versioned)."""

    def __init__(self, *args, postmortem=None, **kwargs):
        super().__init__(*args, **kwargs)
        if postmortem is not None:
            self.instance.postmortem = postmortem


class MeetingActionItemForm(VersionedFormMixin, forms.ModelForm):
    """An action item settled in the meeting: owner, due date, ticket, status."""

    class Meta:
        model = ActionItem
        fields = ["priority", "text", "owner", "due", "ticket", "status", "wont_do_reason"]
        widgets = {
            "due": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "wont_do_reason": forms.TextInput(),
        }
        labels = {"due": "Due (UTC)", "wont_do_reason": "Reason if won't do"}

    def __init__(self, *args, incident, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.incident = incident
        self.fields["owner"] = UserChoiceField(choices=users, required=False, label="Owner")


class AcceptOrphanForm(forms.ModelForm):
    class Meta:
        model = OrphanAcceptance
        fields = ["reason"]
        widgets = {"reason": forms.TextInput(attrs={"placeholder": "why it may stay so"})}
        labels = {"reason": "Accept as orphaned because"}
