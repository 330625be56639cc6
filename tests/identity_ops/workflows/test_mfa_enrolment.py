"""TOTP enrolment as a workflow: pending (secret, QR code, URI) → confirmed only by a valid code."""

import datetime as dt

import pytest
from django.utils import timezone

from identity_ops.contracts.mfa import Client
from identity_ops.models import MfaEnrolment, MfaEnrolmentStatus
from identity_ops.workflows import mfa_enrolment
from nexus.accounts.mfa import authenticators, totp
from nexus.accounts.models import RecoveryCode, TotpAuthenticator
from nexus.core import scope
from nexus.core.errors import InvalidInput, NotFound, TransitionNotAllowed
from nexus.core.models import TransitionLog
from tests.factories.people import UserFactory

pytestmark = pytest.mark.django_db

CLIENT = Client("203.0.113.5", "agent/1")


def code_for(started: mfa_enrolment.EnrolmentStarted) -> str:
    return totp.code_at(started.secret, timezone.now())


def test_starting_gives_a_secret_a_qr_code_and_an_uri_and_leaves_the_factor_unconfirmed():
    ana = UserFactory.create(email="ana@example.com")
    started = mfa_enrolment.start_totp_enrolment(ana, label="Phone")

    assert started.enrolment.status == MfaEnrolmentStatus.PENDING
    assert started.qr_svg.startswith("<svg")
    assert f"secret={started.secret}" in started.otpauth_uri
    authenticator = TotpAuthenticator.objects.get(pk=started.enrolment.authenticator_id)
    assert (authenticator.label, authenticator.confirmed_at) == ("Phone", None)
    assert not authenticators.has_confirmed_mfa(ana.pk)


def test_a_wrong_code_changes_nothing_and_a_valid_one_confirms_with_ten_recovery_codes():
    ana = UserFactory.create()
    started = mfa_enrolment.start_totp_enrolment(ana)

    with pytest.raises(InvalidInput):
        mfa_enrolment.confirm_totp_enrolment(ana, started.enrolment.pk, "000000", client=CLIENT)
    assert MfaEnrolment.objects.get().status == MfaEnrolmentStatus.PENDING
    assert not authenticators.has_confirmed_mfa(ana.pk)

    confirmed = mfa_enrolment.confirm_totp_enrolment(
        ana, started.enrolment.pk, code_for(started), client=CLIENT
    )
    assert confirmed.enrolment.status == MfaEnrolmentStatus.CONFIRMED
    assert len(confirmed.recovery_codes) == 10
    assert RecoveryCode.objects.filter(user=ana, used_at__isnull=True).count() == 10
    assert authenticators.has_confirmed_mfa(ana.pk)
    with scope.system_context("test: read global transition logs"):
        log = TransitionLog.objects.get(object_type="identity_ops.mfaenrolment", transition="confirm")
    assert (log.from_state, log.to_state, log.actor_id) == ("pending", "confirmed", str(ana.pk))


def test_a_second_factor_added_later_keeps_the_existing_recovery_codes():
    ana = UserFactory.create()
    first = mfa_enrolment.start_totp_enrolment(ana)
    mfa_enrolment.confirm_totp_enrolment(ana, first.enrolment.pk, code_for(first), client=CLIENT)
    second = mfa_enrolment.start_totp_enrolment(ana, label="Tablet")
    confirmed = mfa_enrolment.confirm_totp_enrolment(
        ana, second.enrolment.pk, code_for(second), client=CLIENT
    )
    assert confirmed.recovery_codes == []
    assert RecoveryCode.objects.filter(user=ana).count() == 10


def test_only_the_person_may_confirm_and_an_expired_or_replaced_enrolment_is_refused():
    ana, bo = UserFactory.create(), UserFactory.create()
    started = mfa_enrolment.start_totp_enrolment(ana)
    with pytest.raises(NotFound):
        mfa_enrolment.confirm_totp_enrolment(bo, started.enrolment.pk, code_for(started), client=CLIENT)

    MfaEnrolment.objects.filter(pk=started.enrolment.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    with pytest.raises(TransitionNotAllowed, match="expired"):
        mfa_enrolment.confirm_totp_enrolment(ana, started.enrolment.pk, code_for(started), client=CLIENT)

    replacement = mfa_enrolment.start_totp_enrolment(ana)
    assert MfaEnrolment.objects.get(pk=started.enrolment.pk).status == MfaEnrolmentStatus.CANCELLED
    assert not TotpAuthenticator.objects.filter(pk=started.enrolment.authenticator_id).exists()
    assert replacement.enrolment.status == MfaEnrolmentStatus.PENDING


def test_cancelling_discards_the_unconfirmed_authenticator():
    ana = UserFactory.create()
    started = mfa_enrolment.start_totp_enrolment(ana)
    cancelled = mfa_enrolment.cancel_enrolment(ana, started.enrolment.pk)
    assert cancelled.status == MfaEnrolmentStatus.CANCELLED
    assert not TotpAuthenticator.objects.filter(user=ana).exists()
    with pytest.raises(TransitionNotAllowed):
        mfa_enrolment.confirm_totp_enrolment(ana, started.enrolment.pk, code_for(started), client=CLIENT)
