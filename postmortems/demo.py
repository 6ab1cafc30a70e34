"""Demo incidents, postmortems and action items for `make run` (idempotent)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from postmortems import recurring, similar
from postmortems.models import (
    ActionItem,
    ContributingFactor,
    Incident,
    Postmortem,
    Service,
    TimelineEntry,
    Why,
)

SERVICES = [
    ("Checkout", "checkout", "Payments"),
    ("Search", "search", "Discovery"),
    ("Accounts", "accounts", "Identity"),
    ("Orders database", "orders-db", "Data platform"),
]

K = TimelineEntry.Kind

INCIDENTS = [
    {
        "title": "Checkout 5xx after connection pool exhaustion",
        "severity": Incident.Severity.SEV2, "days_ago": 9, "customer_facing": True,
        "services": ["checkout", "orders-db"],
        "minutes": {"detected": 4, "acknowledged": 7, "mitigated": 38, "resolved": 95},
        "summary": "Checkout returned **HTTP 500** for about half of requests for 34 minutes.",
        "postmortem": {
            "state": Postmortem.State.PUBLISHED,
            "executive_summary": "A retry storm from the checkout service exhausted the orders "
                                 "database connection pool. Payments failed for 34 minutes "
                                 "until the pool size was raised and retries were capped.",
            "customers_affected": 4200, "impact_minutes": 34, "revenue_impact": "18500.00",
            "revenue_currency": "EUR", "support_tickets": 57,
            "timeline": [
                (0, K.TRIGGER, "Deploy 2024.11.3 of checkout raises client timeouts."),
                (4, K.ALERT, "Checkout 5xx ratio above 2% for 2 minutes."),
                (7, K.ACKNOWLEDGED, "On-call acknowledges the page."),
                (22, K.ROOT_CAUSE, "Orders DB shows 100% of connections in use."),
                (38, K.MITIGATED, "Pool size raised to 200; retries capped at 2."),
                (95, K.RECOVERED, "Error ratio back to baseline for 30 minutes."),
            ],
            "whys": [
                ("Why did checkout return 500s?", "Requests to the orders database timed out."),
                ("Why did they time out?", "Every connection in the pool was in use."),
                ("Why was the pool exhausted?",
                 "Unbounded retries multiplied the load after a slow query.",),
                ("Why were retries unbounded?",
                 "The HTTP client default allows unlimited retries and nothing checks it."),
                ("Why does nothing check it?",
                 "Connection pool exhausted by unbounded client retries: no retry budget "
                 "is enforced in the shared client library."),
            ],
            "factors": ["Pool saturation had no alert.", "Deploy happened at peak traffic."],
            "actions": [
                ("P0", "Cap retries in the shared HTTP client", "owner", 20, "OPS-101",
                 "done", 3),
                ("P1", "Add a retry budget check to CI", "owner", 30, "OPS-102", "open", 4),
                ("P2", "Alert on connection pool saturation above 80%", "owner", -3,
                 "OPS-103", "in_progress", None),
            ],
        },
    },
    {
        "title": "Search latency spike during reindex",
        "severity": Incident.Severity.SEV3, "days_ago": 4, "customer_facing": True,
        "services": ["search"],
        "minutes": {"detected": 12, "acknowledged": 15, "mitigated": 41, "resolved": 60},
        "summary": "Search p99 latency rose to 4 s while a full reindex ran.",
        "postmortem": {
            "state": Postmortem.State.DRAFT,
            "executive_summary": "A full reindex competed with live queries for disk I/O.",
            "customers_affected": 900, "impact_minutes": 29,
            "timeline": [
                (0, K.TRIGGER, "Nightly reindex starts an hour late, at peak traffic."),
                (12, K.ALERT, "Search p99 latency above 2 s."),
                (41, K.MITIGATED, "Reindex paused."),
            ],
            "whys": [
                ("Why was search slow?", "The reindex saturated disk I/O."),
                ("Why did the reindex run at peak?",
                 "The scheduler retried a failed start without checking the time window."),
            ],
            "factors": ["No I/O limit on the reindex job."],
            "actions": [
                ("P1", "Throttle reindex I/O", None, 14, "", "open", None),
                ("P1", "Refuse reindex starts outside the window", "owner", 21, "SRCH-7",
                 "open", 2),
            ],
        },
    },
    {
        "title": "Accounts login errors from connection pool exhaustion",
        "severity": Incident.Severity.SEV2, "days_ago": 30, "customer_facing": True,
        "services": ["accounts"],
        "minutes": {"detected": 6, "acknowledged": 9, "mitigated": 25, "resolved": 70},
        "summary": "Logins failed for a quarter of users for 20 minutes.",
        "postmortem": {
            "state": Postmortem.State.PUBLISHED,
            "executive_summary": "Client retries exhausted the accounts database pool.",
            "customers_affected": 12000, "impact_minutes": 20,
            "timeline": [
                (0, K.TRIGGER, "Cache node restart sends all reads to the database."),
                (6, K.ALERT, "Login error ratio above 5%."),
                (25, K.MITIGATED, "Cache node back; retries drained."),
            ],
            "whys": [
                ("Why did logins fail?", "The accounts database refused new connections."),
                ("Why?", "Connection pool exhausted by client retries after a cache miss storm."),
            ],
            "factors": ["Retries had no jitter."],
            "actions": [
                ("P1", "Add jitter and a retry budget to the accounts client", "owner", -20,
                 "ACC-12", "done", 2),
                ("P2", "Alert on database connection refusals", "owner", -10, "ACC-13",
                 "wont_do", None),
            ],
        },
    },
    {
        "title": "Stale prices shown for 10 minutes",
        "severity": Incident.Severity.SEV4, "days_ago": 2, "customer_facing": False,
        "services": ["checkout"], "status": Incident.Status.OPEN,
        "minutes": {"detected": 3},
        "summary": "A price cache kept old values after a bulk update.",
        "postmortem": None,
        "quick": {
            "what_happened": "Product pages showed old prices for 10 minutes after a bulk "
                             "price update.",
            "trigger": "Bulk price update through the admin import.",
            "detection": "A customer asked why the basket total differed from the page.",
            "resolution": "Flushed the price cache by hand.",
            "root_cause_sentence": "The price cache is not invalidated by bulk updates.",
            "immediate_fix": "Cache flush added to the import runbook.",
            "long_term_fix_ticket": "PRICE-42",
        },
    },
]


def at_minutes(started_at, minutes):
    return started_at + timedelta(minutes=minutes) if minutes is not None else None


@transaction.atomic
def load(user):
    """Create the demo data set owned by ``user``; running it twice changes nothing."""
    services = {}
    for name, slug, team in SERVICES:
        services[slug] = Service.objects.get_or_create(
            slug=slug, defaults={"name": name, "team": team})[0]
    now = timezone.now().replace(second=0, microsecond=0)
    for spec in INCIDENTS:
        if Incident.objects.filter(title=spec["title"]).exists():
            continue
        started_at = now - timedelta(days=spec["days_ago"], hours=3)
        minutes = spec["minutes"]
        incident = Incident.objects.create(
            title=spec["title"], severity=spec["severity"], owner=user,
            status=spec.get("status", Incident.Status.RESOLVED),
            customer_facing=spec["customer_facing"], summary=spec["summary"],
            started_at=started_at,
            detected_at=at_minutes(started_at, minutes.get("detected")),
            acknowledged_at=at_minutes(started_at, minutes.get("acknowledged")),
            mitigated_at=at_minutes(started_at, minutes.get("mitigated")),
            resolved_at=at_minutes(started_at, minutes.get("resolved")),
        )
        incident.services.set([services[slug] for slug in spec["services"]])
        if spec.get("quick"):
            Postmortem.objects.create(incident=incident, author=user,
                                      template=Postmortem.Template.QUICK, **spec["quick"])
        document = spec["postmortem"]
        if document is None:
            continue
        postmortem = Postmortem.objects.create(
            incident=incident, author=user, executive_summary=document["executive_summary"],
            customers_affected=document.get("customers_affected"),
            impact_minutes=document.get("impact_minutes"),
            revenue_impact=document.get("revenue_impact"),
            revenue_currency=document.get("revenue_currency", "USD"),
            support_tickets=document.get("support_tickets"),
        )
        for offset, kind, text in document["timeline"]:
            TimelineEntry.objects.create(postmortem=postmortem, kind=kind, text=text,
                                         at=started_at + timedelta(minutes=offset))
        whys = []
        for position, (question, answer) in enumerate(document["whys"], start=1):
            whys.append(Why.objects.create(
                postmortem=postmortem, position=position, question=question, answer=answer,
                is_root_cause=position == len(document["whys"])))
        for position, text in enumerate(document["factors"], start=1):
            ContributingFactor.objects.create(postmortem=postmortem, position=position,
                                              text=text)
        for priority, text, owner, due_in, ticket, status, why in document["actions"]:
            ActionItem.objects.create(
                incident=incident, priority=priority, text=text,
                owner=user if owner else None, due=(now + timedelta(days=due_in)).date(),
                ticket=ticket, status=status,
                wont_do_reason="Covered by the retry budget alert." if status == "wont_do"
                else "",
                addresses_why=whys[why - 1] if why else None,
            )
        if document["state"] == Postmortem.State.PUBLISHED:
            postmortem.state = Postmortem.State.PUBLISHED
            postmortem.published_at = started_at + timedelta(days=2)
            postmortem.save(update_fields=["state", "published_at"])
    # The dashboard reads stored links between similar root causes, the editor each
    # postmortem's similar incidents (stored again here, all at once, with every cause in).
    recurring.link_all_root_causes()
    similar.store_all_similar_incidents()
