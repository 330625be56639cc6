"""Settings resolve from the environment as documented in .env.example."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.test import override_settings

from nexus.settings import base

PROBE = """
import json, django
from django.conf import settings
django.setup()
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"], "name": db["NAME"], "host": db.get("HOST"), "user": db.get("USER"),
    "options": db.get("OPTIONS", {}), "debug": settings.DEBUG, "hosts": settings.ALLOWED_HOSTS,
    "secret": settings.SECRET_KEY, "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION"),
    "broker": settings.CELERY_BROKER_URL, "eager": settings.CELERY_TASK_ALWAYS_EAGER,
}))
"""


def resolve(**environment: str) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "CACHE_URL", "CELERY_"))
    }
    env.update(environment, DJANGO_SETTINGS_MODULE="nexus.settings.base")
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_nothing_set_means_embedded_sqlite_eager_celery_and_local_cache():
    resolved = resolve()

    assert resolved["engine"] == "django.db.backends.sqlite3"
    assert resolved["name"].endswith("var/nexus.sqlite3")
    assert resolved["options"]["transaction_mode"] == "IMMEDIATE"
    assert "PRAGMA journal_mode=WAL" in resolved["options"]["init_command"]
    assert resolved["eager"] is True
    assert resolved["broker"] == ""
    assert resolved["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert resolved["debug"] is False


def test_production_variables_are_read():
    resolved = resolve(
        DATABASE_URL="postgres://nexus:secret@db.internal:5433/nexus_prod",
        CACHE_URL="redis://cache.internal:6379/1",
        CELERY_BROKER_URL="amqp://guest:guest@mq.internal:5672//",
        DJANGO_SECRET_KEY="from-the-environment",
        DJANGO_DEBUG="true",
        DJANGO_ALLOWED_HOSTS="nexus.example.com,api.example.com",
    )

    assert resolved["engine"] == "django.db.backends.postgresql"
    assert (resolved["host"], resolved["user"], resolved["name"]) == ("db.internal", "nexus", "nexus_prod")
    assert resolved["options"]["connect_timeout"] == 5
    assert resolved["cache"] == "nexus.core.cache_guard.GuardedRedisCache"
    assert resolved["cache_location"] == "redis://cache.internal:6379/1"
    assert resolved["broker"] == "amqp://guest:guest@mq.internal:5672//"
    assert resolved["eager"] is False
    assert resolved["secret"] == "from-the-environment"
    assert resolved["debug"] is True
    assert resolved["hosts"] == ["nexus.example.com", "api.example.com"]


def test_env_example_lists_every_variable_the_settings_read():
    source = (settings.BASE_DIR / "nexus/settings/base.py").read_text()
    example = (settings.BASE_DIR / ".env.example").read_text()
    import re

    read = set(re.findall(r'env\.\w+\("([A-Z_]+)"', source))
    listed = set(re.findall(r"^#?\s*([A-Z_]+)=", example, flags=re.MULTILINE))
    assert read, "the settings read no variable?"
    assert read - listed == set()


def test_tests_use_a_fast_hasher():
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db
def test_production_settings_hash_passwords_with_argon2():
    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        assert make_password("correct horse battery staple").startswith("argon2$argon2id$")
