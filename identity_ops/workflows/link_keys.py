"""Remembering and finding the tenant of an emailed link by its key's digest (``LinkKey``)."""

from identity_ops.models import LinkKey
from identity_ops.services import keys


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
