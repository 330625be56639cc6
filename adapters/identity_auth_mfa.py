"""``MfaAuthenticators`` on the accounts domain."""

import datetime as dt

from identity_ops.contracts.mfa import Client, PendingTotp
from nexus.accounts.client import ClientInfo
from nexus.accounts.mfa import authenticators, recovery_codes
from nexus.accounts.models import User
from nexus.accounts.models_mfa import TotpAuthenticator


def _pending(found: authenticators.PendingTotp) -> PendingTotp:
    return PendingTotp(found.authenticator_id, found.secret, found.otpauth_uri)


class DjangoMfaAuthenticators:
    def begin_totp(self, user_id: int, label: str) -> PendingTotp:
        return _pending(authenticators.begin_totp(User.objects.get(pk=user_id), label=label))

    def pending_totp(self, authenticator_id: int) -> PendingTotp:
        return _pending(authenticators.pending_totp(authenticator_id))

    def confirm_totp(
        self, authenticator_id: int, code: str, *, at: dt.datetime | None, client: Client
    ) -> None:
        authenticators.confirm_totp(
            authenticator_id, code, at=at, client=ClientInfo(client.ip_address, client.user_agent)
        )

    def discard_totp(self, authenticator_ids: list[int]) -> None:
        TotpAuthenticator.objects.filter(pk__in=authenticator_ids, confirmed_at__isnull=True).delete()

    def has_recovery_codes(self, user_id: int) -> bool:
        return recovery_codes.remaining_recovery_codes(user_id) > 0

    def replace_recovery_codes(self, user_id: int) -> list[str]:
        return recovery_codes.replace_recovery_codes(user_id)

    def reset_mfa(self, user_id: int, *, operator_id: int, reason: str) -> int:
        return authenticators.reset_mfa(user_id, operator=User.objects.get(pk=operator_id), reason=reason)
