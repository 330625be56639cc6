"""Who is on the other end of a request: the client address and user agent, as recorded."""

from dataclasses import dataclass
from typing import Any

from nexus.core.client_address import client_address

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
    """The client of a Django or DRF request (its address from ``client_address``)."""
    meta = getattr(request, "META", {})
    return ClientInfo(
        ip_address=client_address(request), user_agent=(meta.get("HTTP_USER_AGENT", "") or "")[:300]
    )
