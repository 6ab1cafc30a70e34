"""A ``next=`` that is not a path on this site is ignored (one helper, views.safe_next): the
save goes through and the answer is the default page, never a 500 after the commit."""

import pytest

pytestmark = pytest.mark.django_db

NOT_A_PATH = ["foo", "home", "javascript:alert(1)", "//evil.example.com/",
              "https://evil.example.com/", "/\\evil.example.com"]


@pytest.mark.parametrize("target", NOT_A_PATH)
def test_editing_an_action_item_with_a_bad_next_goes_to_the_item(editor_client, make, editor,
                                                                 target):
    item = make.action_item(make.incident(), owner=editor)
    response = editor_client.post(f"/actions/{item.pk}/edit/", {
        "next": target, "action-priority": "P1", "action-text": "Saved anyway",
        "action-owner": editor.pk, "action-due": "2099-01-01", "action-ticket": "OPS-1",
        "action-status": "open", "action-version": item.version})
    assert response.status_code == 302
    assert response["Location"] == item.get_absolute_url()
    item.refresh_from_db()
    assert item.text == "Saved anyway"


def test_a_path_on_this_site_is_followed(editor_client, make, editor):
    item = make.action_item(make.incident(), owner=editor)
    response = editor_client.post(f"/actions/{item.pk}/edit/?next=/actions/", {
        "action-priority": "P1", "action-text": "x", "action-owner": editor.pk,
        "action-due": "2099-01-01", "action-ticket": "OPS-1", "action-status": "open"})
    assert response["Location"] == "/actions/"
