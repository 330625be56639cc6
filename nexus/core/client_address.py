"""The client's address: the one function every throttle, lockout, audit record and device uses."""

from typing import Any

from django.conf import settings


def client_address(request: Any) -> str:
    """The address of the client of a Django or DRF request.

    ``REMOTE_ADDR`` unless ``NEXUS_TRUSTED_PROXY_COUNT`` proxies sit in front, in which case it is
    taken that many hops from the right of ``X-Forwarded-For`` (a client can write anything to the
    left of what the proxies appended). Too few hops means the request bypassed a proxy: then
    ``REMOTE_ADDR``, never a value the client wrote.
    """
    meta = getattr(request, "META", {})
    address = meta.get("REMOTE_ADDR", "") or ""
    proxies = settings.NEXUS_TRUSTED_PROXY_COUNT
    if proxies:
        hops = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            address = hops[-proxies]
    return str(address)[:45]
