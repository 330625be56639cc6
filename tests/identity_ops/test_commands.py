"""``manage.py invite_user`` and ``manage.py deactivate_user``."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from identity_ops.models import Invitation
from nexus.accounts.models import Device, DeviceKind, LoginToken, User, UserStatus
from nexus.accounts.tokens import issue_login_token
from nexus.core import scope
from nexus.core.models import TransitionLog

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_invite_user_invites_on_behalf_of_an_administrator(acme, ana, run_on_commit):
    with run_on_commit():
        output = run("invite_user", "new@example.com", "acme", "sales", "--by", "ana@example.com")

    assert output.startswith("Invited new@example.com into Acme as sales; the link works until ")
    with scope.tenant(acme):
        assert Invitation.objects.get().invited_by_id == ana.pk
    assert [m.to for m in mail.outbox] == [["new@example.com"]]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("new@example.com", "nowhere", "sales", "--by", "ana@example.com"),
            "No tenant has the slug 'nowhere'.",
        ),
        (("new@example.com", "acme", "sales", "--by", "ghost@example.com"), "No account has the address"),
        (("new@example.com", "globex", "sales", "--by", "ana@example.com"), "Only an administrator"),
        (
            ("ana@example.com", "acme", "sales", "--by", "ana@example.com"),
            "email: ana@example.com is already",
        ),
    ],
)
def test_invite_user_refuses_with_the_reason(acme, globex, ana, args, message):
    with pytest.raises(CommandError) as refused:
        run("invite_user", *args)

    assert message in str(refused.value)
    assert not User.objects.filter(email="new@example.com").exists()


def test_deactivate_user_closes_the_account_and_ends_its_logins(ana, run_on_commit):
    token = issue_login_token(ana, Device.objects.create(user=ana, kind=DeviceKind.TOKEN)).token

    with run_on_commit():
        output = run("deactivate_user", "ANA@example.com", "--reason", "left the company")

    assert output == "Deactivated ana@example.com; their sessions and tokens have ended.\n"
    assert User.objects.get(pk=ana.pk).status == UserStatus.DEACTIVATED
    assert LoginToken.objects.get(pk=token.pk).revoked_at is not None
    with scope.system_context("test: read the person's transition log"):
        log = TransitionLog.objects.get(object_type="accounts.user", object_id=str(ana.pk))
    assert (log.actor_kind, log.actor_label, log.reason) == (
        "system",
        "manage.py deactivate_user",
        "left the company",
    )
    assert [m.subject for m in mail.outbox] == ["Your account was closed"]


def test_deactivate_user_refuses_an_unknown_address_or_a_closed_account(ana):
    with pytest.raises(CommandError, match="No account has the address"):
        run("deactivate_user", "ghost@example.com", "--reason", "x")
    run("deactivate_user", "ana@example.com", "--reason", "x")
    with pytest.raises(CommandError, match="cannot deactivate: the user is deactivated"):
        run("deactivate_user", "ana@example.com", "--reason", "again")
