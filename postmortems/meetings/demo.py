"""Demo data for the review meeting: a closed meeting on the published demo postmortem, so
`make run` shows a meeting record and its summary. Running it twice changes nothing."""

from datetime import timedelta

from django.db import transaction

from postmortems.models import Meeting, Postmortem

NOTES = {
    "timeline": "Paging took 9 minutes: the alert went to a muted channel.",
    "analysis": "Pool size was tuned for the old traffic pattern; no alert on saturation.",
}
SPENT_MINUTES = {"opening": 4, "timeline": 17, "analysis": 21, "actions": 12, "closing": 6}


@transaction.atomic
def load(user):
    postmortem = (Postmortem.objects.filter(state=Postmortem.State.PUBLISHED)
                  .order_by("incident__started_at").first())
    if postmortem is None or postmortem.meetings.exists():
        return None
    meeting = Meeting.start(postmortem, user)
    Meeting.objects.filter(pk=meeting.pk).update(
        started_at=postmortem.published_at - timedelta(hours=3))
    meeting.refresh_from_db()
    meeting.attendees.create(name="Sam (payments team)")
    for section in meeting.sections.all():
        section.notes = NOTES.get(section.key, "")
        section.actual_seconds = SPENT_MINUTES[section.key] * 60
        section.save()
    meeting.dissenting_views.create(
        name="Sam (payments team)",
        text="A bigger pool only hides the leak; the fix is in the client's retry loop.")
    meeting.decisions.create(text="Alert on pool saturation above 80% for 5 minutes.")
    meeting.close(user)
    return meeting
