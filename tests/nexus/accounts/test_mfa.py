"""Second factors: encrypted secrets, TOTP with one step of drift and no replay, recovery codes."""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from nexus.accounts.mfa import authenticators, crypto, recovery_codes, totp
from nexus.accounts.mfa.checks import check_mfa_encryption_keys
from nexus.accounts.models import RecoveryCode, TotpAuthenticator
from nexus.core.errors import InvalidInput
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 9, 0, 0, tzinfo=dt.UTC)  # a step boundary (multiple of 30 s)
STEP = dt.timedelta(seconds=30)


def enrolled(user):
    pending = authenticators.begin_totp(user)
    authenticators.confirm_totp(pending.authenticator_id, totp.code_at(pending.secret, T0), at=T0)
    return pending.secret


def test_the_secret_is_encrypted_at_rest_and_the_uri_names_issuer_and_account():
    user = UserFactory.create(email="ana@example.com")
    pending = authenticators.begin_totp(user)
    stored = TotpAuthenticator.objects.get(pk=pending.authenticator_id)

    assert pending.secret not in stored.encrypted_secret
    assert crypto.decrypt_secret(stored.encrypted_secret) == pending.secret
    assert pending.otpauth_uri.startswith("otpauth://totp/Nexus:ana%40example.com?secret=")
    assert "issuer=Nexus" in pending.otpauth_uri
    assert stored.confirmed_at is None


def test_confirmation_needs_a_valid_code_and_a_wrong_one_changes_nothing():
    user = UserFactory.create()
    pending = authenticators.begin_totp(user)
    with pytest.raises(InvalidInput) as refused:
        authenticators.confirm_totp(pending.authenticator_id, "000000", at=T0)
    assert refused.value.fields == {"code": [authenticators.INVALID_CODE]}
    assert TotpAuthenticator.objects.get(pk=pending.authenticator_id).confirmed_at is None

    authenticators.confirm_totp(pending.authenticator_id, totp.code_at(pending.secret, T0), at=T0)
    confirmed = TotpAuthenticator.objects.get(pk=pending.authenticator_id)
    assert confirmed.confirmed_at == T0
    assert authenticators.has_confirmed_mfa(user.pk)


def test_one_step_of_drift_either_way_is_tolerated_and_two_are_not():
    user = UserFactory.create()
    secret = enrolled(user)
    now = T0 + 10 * STEP

    assert authenticators.verify_totp(user.pk, totp.code_at(secret, now - STEP), at=now)
    assert authenticators.verify_totp(user.pk, totp.code_at(secret, now + STEP), at=now)
    later = now + 10 * STEP
    assert not authenticators.verify_totp(user.pk, totp.code_at(secret, later - 2 * STEP), at=later)
    assert not authenticators.verify_totp(user.pk, totp.code_at(secret, later + 2 * STEP), at=later)


def test_a_code_is_refused_the_second_time_in_its_time_step_and_older_steps_too():
    user = UserFactory.create()
    secret = enrolled(user)
    now = T0 + 5 * STEP
    code = totp.code_at(secret, now)

    assert authenticators.verify_totp(user.pk, code, at=now)
    assert not authenticators.verify_totp(user.pk, code, at=now + dt.timedelta(seconds=5))
    # The previous step's code is within the drift, but older than the one used: refused.
    assert not authenticators.verify_totp(user.pk, totp.code_at(secret, now - STEP), at=now)
    assert authenticators.verify_totp(user.pk, totp.code_at(secret, now + STEP), at=now + STEP)
    stored = TotpAuthenticator.objects.get(user=user)
    assert stored.last_used_step == totp.code_step(now + STEP)


def test_an_unconfirmed_authenticator_does_not_verify():
    user = UserFactory.create()
    pending = authenticators.begin_totp(user)
    assert not authenticators.verify_totp(user.pk, totp.code_at(pending.secret, T0), at=T0)


def test_ten_recovery_codes_stored_hashed_each_usable_once_and_regenerating_replaces_them():
    user = UserFactory.create()
    codes = recovery_codes.replace_recovery_codes(user.pk)

    assert len(set(codes)) == 10
    stored = list(RecoveryCode.objects.filter(user=user).values_list("code_hash", flat=True))
    assert len(stored) == 10
    assert not any(code.replace("-", "") in h or code in h for code in codes for h in stored)

    assert (
        authenticators.verify_second_factor(user.pk, codes[0].lower()) == authenticators.METHOD_RECOVERY_CODE
    )
    assert authenticators.verify_second_factor(user.pk, codes[0]) is None
    assert recovery_codes.remaining_recovery_codes(user.pk) == 9

    fresh = recovery_codes.replace_recovery_codes(user.pk)
    assert authenticators.verify_second_factor(user.pk, codes[1]) is None
    assert authenticators.verify_second_factor(user.pk, fresh[1].replace("-", " ")) == "recovery_code"


def test_recovery_codes_of_one_person_do_not_open_another():
    ana, bo = UserFactory.create(), UserFactory.create()
    codes = recovery_codes.replace_recovery_codes(ana.pk)
    assert authenticators.verify_second_factor(bo.pk, codes[0]) is None
    assert recovery_codes.remaining_recovery_codes(ana.pk) == 10


def test_an_operator_reset_removes_every_factor_and_needs_a_reason():
    operator = UserFactory.create(is_platform_operator=True)
    user = UserFactory.create()
    enrolled(user)
    recovery_codes.replace_recovery_codes(user.pk)

    with pytest.raises(InvalidInput):
        authenticators.reset_mfa(user.pk, operator=operator, reason=" ")
    assert authenticators.has_confirmed_mfa(user.pk)

    assert authenticators.reset_mfa(user.pk, operator=operator, reason="lost phone") == 1
    assert not authenticators.has_confirmed_mfa(user.pk)
    assert not RecoveryCode.objects.filter(user=user).exists()


def test_keys_missing_outside_the_embedded_mode_fail_the_start_up_check_clearly(monkeypatch):
    monkeypatch.setattr(crypto, "embedded_database", lambda: False)  # a server database
    with override_settings(NEXUS_MFA_ENCRYPTION_KEYS=[]):
        errors = check_mfa_encryption_keys()
        assert [e.id for e in errors] == ["nexus.accounts.E001"]
        assert "NEXUS_MFA_ENCRYPTION_KEYS is not set" in errors[0].msg
        with pytest.raises(ImproperlyConfigured):
            crypto.encrypt_secret("X")
    with override_settings(NEXUS_MFA_ENCRYPTION_KEYS=["not-a-key"]):
        assert "entry 1 is not a Fernet key" in check_mfa_encryption_keys()[0].msg
    assert check_mfa_encryption_keys() == []


def test_the_embedded_mode_works_without_a_configured_key(monkeypatch):
    monkeypatch.setattr(crypto, "embedded_database", lambda: True)
    with override_settings(NEXUS_MFA_ENCRYPTION_KEYS=[]):
        assert check_mfa_encryption_keys() == []
        assert crypto.decrypt_secret(crypto.encrypt_secret("JBSWY3DPEHPK3PXP")) == "JBSWY3DPEHPK3PXP"


def test_rotating_keys_keeps_old_secrets_readable_and_re_encrypts_with_the_new_key():
    from cryptography.fernet import Fernet

    old = crypto.configured_keys()[0]
    token = crypto.encrypt_secret("JBSWY3DPEHPK3PXP")
    new = Fernet.generate_key().decode()
    with override_settings(NEXUS_MFA_ENCRYPTION_KEYS=[new, old]):
        assert crypto.decrypt_secret(token) == "JBSWY3DPEHPK3PXP"
        rotated = crypto.rotate_secret(token)
    with override_settings(NEXUS_MFA_ENCRYPTION_KEYS=[new]):
        assert crypto.decrypt_secret(rotated) == "JBSWY3DPEHPK3PXP"
        with pytest.raises(crypto.SecretUnreadable):
            crypto.decrypt_secret(token)
