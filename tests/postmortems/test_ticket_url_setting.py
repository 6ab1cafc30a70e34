"""TICKET_URL_TEMPLATE turns ticket keys into links; a template without {key} stops start-up."""

import os
import subprocess
import sys
from pathlib import Path

from postmortems.templatetags.postmortems import ticket_link

ROOT = Path(__file__).resolve().parents[2]


def test_keys_become_links_and_urls_stay_links(settings):
    settings.TICKET_URL_TEMPLATE = "https://jira.example.com/browse/{key}"
    assert ticket_link("OPS-123") == (
        '<a href="https://jira.example.com/browse/OPS-123" rel="noopener noreferrer">OPS-123</a>')
    assert ticket_link("https://t.example/9") == (
        '<a href="https://t.example/9" rel="noopener noreferrer">https://t.example/9</a>')
    assert ticket_link("not a key") == "not a key"
    assert ticket_link("javascript:alert(1)") == "javascript:alert(1)"


def test_without_a_template_keys_stay_text(settings):
    settings.TICKET_URL_TEMPLATE = ""
    assert ticket_link("OPS-123") == "OPS-123"


def test_a_template_without_key_is_refused_at_start_up():
    env = {**os.environ, "TICKET_URL_TEMPLATE": "https://jira.example.com/browse/"}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "TICKET_URL_TEMPLATE='https://jira.example.com/browse/' must contain {key}" \
        in result.stderr
