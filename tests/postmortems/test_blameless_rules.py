"""The blameless language rules: each flags blame-focused wording and lets neutral text be."""

import pytest

from postmortems import blameless

POSITIVE = [
    ("who-caused", "We need to find out who caused the outage."),
    ("human-error", "Root cause: human error during the deploy."),
    ("should-have", "The on-call engineer should have checked the dashboard."),
    ("should-have", "Someone could've noticed earlier."),
    ("careless", "A careless change to the config."),
    ("careless", "This was negligence."),
    ("fault-of", "It was the fault of the database team."),
    ("fault-of", "It was Bob's fault."),
    ("failed-to", "The operator failed to run the migration."),
    ("failed-to", "Ops forgot to renew the certificate."),
    ("person-as-cause", "The outage was caused by Alice pushing a bad config."),
    ("person-as-cause", "@bob broke the load balancer."),
    ("person-as-cause", "Alice's typo in the rule took the site down."),
]

NEGATIVE = [
    "What conditions allowed the bad config to reach production?",
    "The deploy pipeline has no canary stage, so the change reached all hosts at once.",
    "Alice rolled back the release at 10:42 UTC.",
    "The error rate alert fired at 10:05 UTC.",
    "Connection pool exhausted after the retry storm.",
    "The certificate expired because renewal was a manual step.",
    "Bob paged the database team.",
    "The failover failed over to the standby.",
    "",
]


@pytest.mark.parametrize(("rule", "text"), POSITIVE)
def test_blame_focused_wording_is_flagged(rule, text):
    findings = blameless.check(text, people=["alice", "Alice", "bob", "Bob"])
    assert rule in [finding.rule for finding in findings]
    assert all(finding.hint for finding in findings)


@pytest.mark.parametrize("text", NEGATIVE)
def test_neutral_wording_is_not_flagged(text):
    assert blameless.check(text, people=["alice", "Alice", "bob", "Bob"]) == []


def test_every_rule_has_a_positive_case():
    covered = {rule for rule, _ in POSITIVE}
    assert covered == {rule.name for rule in blameless.RULES} | {"person-as-cause"}


def test_findings_come_in_order_of_appearance_with_the_phrase():
    findings = blameless.check("Human error. Who caused it?")
    assert [(f.rule, f.phrase) for f in findings] == [
        ("human-error", "Human error"), ("who-caused", "Who caused"),
    ]
