"""With DEBUG off and the production storage, the admin and the API docs are styled.

``collectstatic`` gathers the files under hashed names into a fresh STATIC_ROOT; a new handler
(its WhiteNoise middleware reads STATIC_ROOT when it starts) then serves the stylesheets and
scripts that the pages name.
"""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def assets(page: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"', page)


def test_the_admin_and_the_api_docs_are_served_their_static_files(tmp_path: Path) -> None:
    with override_settings(DEBUG=False, STATIC_ROOT=tmp_path, STORAGES=PRODUCTION_STORAGES):
        call_command("collectstatic", interactive=False, verbosity=0)
        client = Client()
        login = client.get("/admin/login/").content.decode()
        docs = client.get("/api/docs/").content.decode()

        named = assets(login) + assets(docs)
        assert any(path.startswith("/static/unfold/css/styles.") for path in named)
        assert any("swagger-ui-bundle." in path for path in named)
        for path in named:
            response = client.get(path)
            assert response.status_code == 200, path
            assert b"".join(response.streaming_content)  # type: ignore[attr-defined]
            assert response["Cache-Control"] == "max-age=315360000, public, immutable"
