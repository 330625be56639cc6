"""Start-up check: MFA secrets need an encryption key outside the embedded mode."""

from typing import Any

from django.core.checks import CheckMessage, Error, register

from .crypto import key_problems


@register()
def check_mfa_encryption_keys(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    return [
        Error(problem, hint="See .env.example and docs/identity.md.", id="nexus.accounts.E001")
        for problem in key_problems()
    ]
