"""DRF's rate throttles, identifying an anonymous client by the one trusted client address.

DRF's own ``get_ident`` reads ``X-Forwarded-For`` by its ``NUM_PROXIES`` setting, which would be
a second, differently configured notion of the client; these use ``client_address``.
"""

from typing import Any

from rest_framework import throttling

from nexus.core.client_address import client_address


class ClientAddressMixin:
    def get_ident(self, request: Any) -> str:
        return client_address(request)


class AnonRateThrottle(ClientAddressMixin, throttling.AnonRateThrottle):
    """Anonymous requests, per client address."""


class UserRateThrottle(ClientAddressMixin, throttling.UserRateThrottle):
    """Per person; anonymous requests per client address."""
