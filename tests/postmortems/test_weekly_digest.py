"""The weekly digest: owners get their open/overdue items, incident owners their orphans;
Celery beat runs it, and so does `manage.py send_digest`."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from postmortems.digest import send_weekly_digest
from postmortems.tasks import send_weekly_digest as task

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def items(make, editor, admin):
    incident = make.incident("Checkout down", owner=editor)
    make.action_item(incident, "Ada's late item", owner=admin,
                     due=timezone.now().date() - timedelta(days=2))
    make.action_item(incident, "Ada's next item", owner=admin)
    make.action_item(incident, "Nobody's item", owner=None)
    return incident


def test_each_owner_gets_their_items_and_the_incident_owner_the_orphans(items):
    assert send_weekly_digest() == 2
    by_recipient = {message.to[0]: message for message in mail.outbox}
    admin = by_recipient["ada@example.com"]
    assert "2 open action items, 1 overdue" in admin.subject
    assert "Ada's late item — OVERDUE" in admin.body
    editor = by_recipient["erin@example.com"]
    assert "Nobody's item — no owner" in editor.body
    assert "Checkout down" in editor.body


def test_nobody_with_nothing_to_do_gets_mail(make):
    make.incident()
    assert send_weekly_digest() == 0
    assert mail.outbox == []


def test_the_command_and_the_task_run_the_same_job(items, capsys):
    call_command("send_digest")
    assert "Sent 2 digest e-mails." in capsys.readouterr().out
    assert task.name == "postmortems.send_weekly_digest"
    entry = settings.CELERY_BEAT_SCHEDULE["postmortems-weekly-digest"]
    assert entry["task"] == task.name
    assert task.apply().get() == 2  # the task body, in process: the same function
