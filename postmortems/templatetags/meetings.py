"""Template helpers of the review meeting and the history pages."""

from django import template

from postmortems.models import DissentingView

register = template.Library()


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template (None when missing)."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def mmss(seconds):
    """Seconds as MM:SS."""
    try:
        seconds = int(seconds)
    except (TypeError, ValueError):
        return "00:00"
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


@register.inclusion_tag("meetings/summaries.html")
def meeting_summaries(postmortem):
    """The closed review meetings of a postmortem: summary and dissenting views (two queries;
    one when there are none, and none when the page read that there are none:
    ``has_closed_meetings``, see views.editor.get_postmortem)."""
    meetings = list(postmortem.meetings.filter(closed_at__isnull=False).order_by("started_at")
                    ) if getattr(postmortem, "has_closed_meetings", True) else []
    dissent = list(DissentingView.objects.filter(meeting__in=[m.pk for m in meetings])
                   .select_related("user")) if meetings else []
    return {"meetings": meetings, "dissent": dissent, "postmortem": postmortem}
