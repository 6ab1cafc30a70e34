import pytest


@pytest.mark.django_db
def test_unknown_page_gets_the_sites_404(editor_client):
    response = editor_client.get("/no/such/page")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"Back to the dashboard" in response.content


def test_500_page_renders_without_a_database():
    from config.errors import server_error

    response = server_error(None)
    assert response.status_code == 500
    assert b"Something broke on our side" in response.content
