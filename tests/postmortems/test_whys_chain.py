"""The 5 whys: an ordered chain, the root cause marked, shown as a chain; factors as a list."""

import pytest

from postmortems.models import Why

pytestmark = pytest.mark.django_db


def add(client, pm, question, answer, root=False):
    data = {"why-question": question, "why-answer": answer}
    if root:
        data["why-is_root_cause"] = "on"
    return client.post(f"/incidents/{pm.incident_id}/whys/", data)


def test_whys_are_numbered_in_order_and_only_one_is_the_root_cause(editor_client, make):
    pm = make.postmortem()
    for n in range(1, 6):
        assert add(editor_client, pm, f"Why {n}?", f"Answer {n}", root=n >= 4).status_code == 302
    chain = list(pm.whys.values_list("position", "is_root_cause"))
    assert chain == [(1, False), (2, False), (3, False), (4, False), (5, True)]
    content = editor_client.get(f"/incidents/{pm.incident_id}/postmortem/").content.decode()
    assert 'class="why-chain"' in content
    assert content.count("Root cause</span>") == 1
    assert "Add why 6" in content


def test_deleting_a_why_closes_the_gap(editor_client, make):
    pm = make.postmortem()
    whys = [make.why(pm, n, f"Why {n}?") for n in (1, 2, 3)]
    editor_client.post(f"/whys/{whys[1].pk}/delete/")
    assert list(pm.whys.values_list("position", "question")) == [(1, "Why 1?"), (2, "Why 3?")]
    assert Why.history.filter(id=whys[1].pk, history_type="-").exists()


def test_editing_a_why(editor_client, make):
    pm = make.postmortem()
    why = make.why(pm)
    assert editor_client.get(f"/whys/{why.pk}/edit/").status_code == 200
    response = editor_client.post(f"/whys/{why.pk}/edit/", {
        "why-question": "Why did it fail?", "why-answer": "A limit.", "why-is_root_cause": "on"})
    assert response.status_code == 302
    why.refresh_from_db()
    assert (why.answer, why.is_root_cause) == ("A limit.", True)
    assert editor_client.post(f"/whys/{why.pk}/edit/", {"why-question": ""}).status_code == 400


def test_contributing_factors_are_a_list(editor_client, make):
    pm = make.postmortem()
    editor_client.post(f"/incidents/{pm.incident_id}/factors/", {"factor-text": "No canary"})
    editor_client.post(f"/incidents/{pm.incident_id}/factors/", {"factor-text": "Peak traffic"})
    assert list(pm.factors.values_list("position", "text")) == [
        (1, "No canary"), (2, "Peak traffic")]
    first = pm.factors.first()
    editor_client.post(f"/factors/{first.pk}/delete/")
    assert list(pm.factors.values_list("text", flat=True)) == ["Peak traffic"]
