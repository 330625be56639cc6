"""The pages a newcomer opens first render."""

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


def test_admin_login_page_renders(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert b'name="username"' in response.content


def test_admin_login_with_email_and_password(client, django_user_model):
    django_user_model.objects.create_superuser("operator@example.com", "a-long-password-1")

    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "OPERATOR@example.com", "password": "a-long-password-1"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_admin_refuses_a_person_without_authority(client, django_user_model):
    django_user_model.objects.create_user("clerk@example.com", "a-long-password-1")

    response = client.post(
        "/admin/login/", {"username": "clerk@example.com", "password": "a-long-password-1"}
    )

    assert response.status_code == 200
    assert b"This account has no staff role in an active tenant" in response.content


def test_api_schema_renders_as_openapi(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Nexus API"


def test_api_docs_render_with_local_assets(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn." not in html
