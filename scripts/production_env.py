"""Print shell ``export`` lines for ``make up``: the production settings on this machine.

What the environment already sets wins. Otherwise: the local PostgreSQL as the ordinary role
(database ``nexus_production``, created if missing), Redis on 127.0.0.1 for the cache (db 1) and
the Celery broker (db 0), and a secret key and MFA encryption key generated once into
``var/production-secrets.json`` (readable by the owner only), so that sessions and MFA secrets
survive a restart.
"""

import json
import os
import secrets
import shlex
from pathlib import Path

from cryptography.fernet import Fernet
from test_database import ensure_local_role

SECRETS = Path(__file__).resolve().parent.parent / "var" / "production-secrets.json"


def stored_secrets() -> dict[str, str]:
    if SECRETS.exists():
        stored: dict[str, str] = json.loads(SECRETS.read_text())
        return stored
    SECRETS.parent.mkdir(parents=True, exist_ok=True)
    values = {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "NEXUS_MFA_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    }
    SECRETS.touch(mode=0o600)
    SECRETS.write_text(json.dumps(values))
    return values


def main() -> None:
    defaults = {
        "DJANGO_SETTINGS_MODULE": "nexus.settings.base",
        "CACHE_URL": "redis://127.0.0.1:6379/1",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "NEXUS_PUBLIC_URL": "http://127.0.0.1:8000/",
    }
    if not os.environ.get("DATABASE_URL"):
        defaults["DATABASE_URL"] = ensure_local_role("nexus_production")
    if not (os.environ.get("DJANGO_SECRET_KEY") and os.environ.get("NEXUS_MFA_ENCRYPTION_KEYS")):
        defaults.update(stored_secrets())
    for name, value in defaults.items():
        if not os.environ.get(name):
            print(f"export {name}={shlex.quote(value)}")


if __name__ == "__main__":
    main()
