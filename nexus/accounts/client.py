"""Who is on the other end of a request: the client address and user agent, as recorded."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings

UNKNOWN: "ClientInfo"


@dataclass(frozen=True)
class ClientInfo:
    ip_address: str = ""
    user_agent: str = ""

    def event_fields(self) -> dict[str, str | None]:
        """The ``ip_address`` / ``user_agent`` fields of authentication events."""
        return {"ip_address": self.ip_address or None, "user_agent": self.user_agent or None}


UNKNOWN = ClientInfo()


def client_info(request: Any) -> ClientInfo:
    """The client of a Django or DRF request.

    The address is ``REMOTE_ADDR`` unless ``NEXUS_TRUSTED_PROXY_COUNT`` proxies sit in front, in
    which case it is taken that many hops from the right of ``X-Forwarded-For`` (a client can
    write anything to the left of what the proxies appended).
    """
    meta = getattr(request, "META", {})
    address = meta.get("REMOTE_ADDR", "") or ""
    proxies = settings.NEXUS_TRUSTED_PROXY_COUNT
    if proxies:
        hops = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            address = hops[-proxies]
    return ClientInfo(ip_address=address[:45], user_agent=(meta.get("HTTP_USER_AGENT", "") or "")[:300])
