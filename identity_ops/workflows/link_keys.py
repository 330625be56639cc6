"""Remembering and finding the tenant of an emailed link by its key's digest (``LinkKey``)."""

from typing import Any

from django.db.models import Model
from django.utils import timezone

from identity_ops.models import LinkKey
from identity_ops.services import keys
from nexus.core import scope
from nexus.core.errors import InvalidInput


def remember(digest: str, tenant_id: int, *, replacing: str = "") -> None:
    """Note that links with ``digest`` belong to ``tenant_id``; forget the link it replaces."""
    if replacing and replacing != digest:
        forget(replacing)
    LinkKey.objects.update_or_create(digest=digest, defaults={"tenant_id": tenant_id})


def forget(digest: str) -> None:
    if digest:
        LinkKey.objects.filter(digest=digest).delete()


def tenant_of(key: str) -> int | None:
    """The tenant of the link whose key is ``key``, or None for an unknown key."""
    if not key:
        return None
    return LinkKey.objects.filter(digest=keys.digest(key)).values_list("tenant_id", flat=True).first()


def locate(model: type[Model], key: str, *, invalid: str) -> tuple[int, int]:
    """The (id, tenant id) of the ``model`` record whose link has ``key``, across tenants.

    Raises ``InvalidInput`` (field ``token``, message ``invalid``) for a key no record has.
    """
    tenant_id = tenant_of(key)
    if tenant_id is not None:
        with scope.tenant(tenant_id):
            found = model._default_manager.filter(token_digest=keys.digest(key)).values_list("pk", flat=True)
            pk = found.first()
        if pk is not None:
            return pk, tenant_id
    raise InvalidInput(invalid, fields={"token": [invalid]})


def require_usable(record: Any, *, pending: str, invalid: str, expired: str) -> None:
    """Raise ``InvalidInput`` (field ``token``) unless the link of ``record`` may still be used.

    ``record`` is an invitation or a registration: still ``pending``, with its person, in its period.
    """
    if record.status != pending or record.user_id is None:
        raise InvalidInput(invalid, fields={"token": [invalid]})
    if record.expires_at <= timezone.now():
        raise InvalidInput(expired, fields={"token": [expired]})
