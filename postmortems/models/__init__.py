"""The postmortems domain, split by responsibility:

- catalogue: the small service catalogue incidents and SLOs refer to;
- incidents: incidents, their UTC key times and the "postmortem required?" rules;
- documents: the postmortem document and its timeline;
- analysis: the 5-whys chain and the contributing factors (numbered, one root cause);
- actions: action items and the orphaned/overdue rules, written once in SQL;
- action_tally: how many items per status and priority, kept by the database (triggers);
- due_tally: how many incidents need a postmortem not yet published, kept the same way;
- service_starts: each incident-service link with the incident's start, kept the same way;
- meetings: the review meeting, its agenda and notes per section;
- review_record: attendees, dissenting views, decisions and accepted orphans;
- recurring: stored links between similar root causes, and per root cause the other
  incidents they point to (the dashboard reads those); per postmortem, the other incidents
  whose causes look like its own (the editor's "Seen before?");
- intake: alert groups received from monitoring and the incident each opened or joined;
- trash: an incident deleted from the site and everything under it hidden until restored or
  purged (the default manager of each model, HidesTrashed);
- EditConflict (refused stale edits) lives with the rest of the revisions machinery in
  postmortems/revisions/.
"""

from postmortems.models.action_tally import ActionItemTally
from postmortems.models.actions import ActionItem, ActionItemQuerySet
from postmortems.models.analysis import ContributingFactor, Why
from postmortems.models.catalogue import Service
from postmortems.models.documents import Postmortem, PublishBlocked, ShownEntry, TimelineEntry
from postmortems.models.due_tally import PostmortemDueTally
from postmortems.models.incident_queries import IncidentQuerySet
from postmortems.models.incidents import Incident
from postmortems.models.intake import AlertGroup, ReceivedAlert
from postmortems.models.meetings import Agenda, Meeting, MeetingCloseBlocked, MeetingSection
from postmortems.models.recurring import RecurringCause, RecurringCauseLink, SimilarIncident
from postmortems.models.review_record import Attendee, Decision, DissentingView, OrphanAcceptance
from postmortems.models.service_starts import IncidentServiceStart
from postmortems.revisions.models import EditConflict
from postmortems.revisions.presence import Presence

__all__ = [
    "ActionItem",
    "ActionItemQuerySet",
    "ActionItemTally",
    "Agenda",
    "AlertGroup",
    "Attendee",
    "ContributingFactor",
    "Decision",
    "DissentingView",
    "EditConflict",
    "Incident",
    "IncidentQuerySet",
    "IncidentServiceStart",
    "Meeting",
    "MeetingCloseBlocked",
    "MeetingSection",
    "OrphanAcceptance",
    "Postmortem",
    "PostmortemDueTally",
    "Presence",
    "PublishBlocked",
    "ReceivedAlert",
    "RecurringCause",
    "RecurringCauseLink",
    "Service",
    "ShownEntry",
    "SimilarIncident",
    "TimelineEntry",
    "Why",
]
