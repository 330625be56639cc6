"""Finished invitations are purged after the retention period; pending ones and registrations stay."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from identity_ops.models import Invitation, Registration
from identity_ops.workflows.invitations import accept_invitation, invite, revoke_invitation
from nexus.core import scope
from nexus.core.retention import purge_all
from nexus.tenancy.models import Role
from tests.identity_ops.conftest import key_from_outbox

pytestmark = pytest.mark.django_db


def test_finished_invitations_go_after_the_period(acme, ana, run_on_commit):
    with scope.tenant(acme), run_on_commit():
        invite(email="one@example.com", role=Role.SALES, actor=ana)
        revoked = invite(email="two@example.com", role=Role.SALES, actor=ana)
        pending = invite(email="three@example.com", role=Role.SALES, actor=ana)
        revoke_invitation(revoked.pk, actor=ana)
    accept_invitation(key_from_outbox("one@example.com"), password="correct horse battery staple")
    long_ago = timezone.now() - timedelta(days=settings.IDENTITY_OPS_INVITATION_RETENTION_DAYS + 1)
    with scope.tenant(acme):
        Invitation.objects.update(updated_at=long_ago)

    assert purge_all()["identity_ops.finished_invitations"] == 2

    with scope.tenant(acme):
        assert list(Invitation.objects.values_list("pk", flat=True)) == [pending.pk]
        # The registration of the accepted invitation stays, its link to the invitation cleared.
        registration = Registration.objects.get()
    assert (registration.invitation_id, registration.email) == (None, "one@example.com")
