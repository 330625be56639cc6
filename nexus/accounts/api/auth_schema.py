"""How the OpenAPI schema describes ``Authorization: Token <key>`` (login and service tokens)."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "nexus.accounts.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "`Token <key>`: a login token from /api/v1/auth/login/ (refresh it at "
                "/api/v1/auth/refresh/), or a service token (`svc_…`) bound to one tenant."
            ),
        }
