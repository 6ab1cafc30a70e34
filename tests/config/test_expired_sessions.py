"""Expired sessions are deleted daily by Celery beat (as `manage.py clearsessions` does), so
django_session holds the live sessions, not one row per sign-in since the site began."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from config.sessions import SessionStore
from config.tasks import clear_expired_sessions


def a_session(expires_in):
    session = SessionStore()
    session["user"] = "someone"
    session.save()
    Session.objects.filter(pk=session.session_key).update(
        expire_date=timezone.now() + expires_in)
    return session.session_key


@pytest.mark.django_db
def test_the_daily_task_deletes_expired_sessions_and_keeps_live_ones():
    expired = a_session(timedelta(seconds=-1))
    live = a_session(timedelta(hours=1))
    clear_expired_sessions.apply().get()
    assert list(Session.objects.values_list("pk", flat=True)) == [live]
    assert expired != live


@pytest.mark.django_db
def test_the_command_does_the_same():
    a_session(timedelta(days=-3))
    live = a_session(timedelta(minutes=1))
    call_command("clearsessions")
    assert list(Session.objects.values_list("pk", flat=True)) == [live]


def test_beat_runs_it_every_day():
    entry = settings.CELERY_BEAT_SCHEDULE["clear-expired-sessions"]
    assert entry["task"] == clear_expired_sessions.name
    schedule = entry["schedule"]
    assert schedule.hour == {3} and schedule.minute == {40}
    assert len(schedule.day_of_week) == 7
