"""Forms of the review meeting. The edit forms carry the version they are based on
(VersionedFormMixin); the user picker (postmortems.fields.UserChoiceField) takes a precomputed
choice list so that a page with many inline forms asks for the users once. Action items are
edited with the postmortem page's ActionItemForm."""

from django import forms

from postmortems.fields import UserChoiceField
from postmortems.models import (
    Agenda,
    Attendee,
    Decision,
    DissentingView,
    MeetingSection,
    OrphanAcceptance,
)
from postmortems.revisions.concurrency import VersionedFormMixin


class SectionNotesForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = MeetingSection
        fields = ["notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}
        labels = {"notes": "Notes for this section"}


class TimingForm(forms.Form):
    """Seconds spent per section (by key), as measured by the meeting screen's timer."""

    MAX_SECONDS = 24 * 3600

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key in Agenda.KEYS:
            self.fields[key] = forms.IntegerField(min_value=0, max_value=self.MAX_SECONDS,
                                                  required=False)


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
        attendees = self.instance.meeting.attendees
        if user and attendees.filter(user=user).exists():
            raise forms.ValidationError({"user": "Already listed as attending."})
        name = " ".join((cleaned.get("name") or "").split())
        if not user and attendees.filter(user__isnull=True, name__iexact=name).exists():
            raise forms.ValidationError({"name": f"{name} is already listed as attending."})
        cleaned["name"] = name
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


class AcceptOrphanForm(forms.ModelForm):
    class Meta:
        model = OrphanAcceptance
        fields = ["reason"]
        widgets = {"reason": forms.TextInput(attrs={"placeholder": "why it may stay so"})}
        labels = {"reason": "Accept as orphaned because"}
