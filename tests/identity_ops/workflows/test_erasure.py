"""Erasing a person takes their address and name out of the history, and the chains still verify."""

import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import models
from rest_framework.test import APIClient

from identity_ops.contracts.access import Client
from identity_ops.workflows.invitations import accept_invitation, invite
from identity_ops.workflows.lifecycle import change_role
from identity_ops.workflows.registration import SignUp, sign_up, verify_email
from nexus.accounts.models import User
from nexus.core import scope
from nexus.core.audit.sealer import seal_chains
from nexus.core.models import AuditEvent, OutboxEvent, TransitionLog
from nexus.core.transitions import perform_transition
from nexus.procurement.models import RequisitionStatus
from nexus.tenancy.models import Membership, Role
from tests.factories.procurement import RequisitionLineFactory
from tests.identity_ops.conftest import CLIENT_ADDRESS, key_from_outbox

pytestmark = pytest.mark.django_db

EMAIL = "nina@example.com"
NAME = "Nina Novak"
PASSWORD = "correct horse battery staple"


def _texts(row: models.Model) -> str:
    """Every column of ``row`` as one lower-cased text."""
    return " ".join(repr(getattr(row, field.attname)) for field in row._meta.concrete_fields).casefold()


def _rows_naming_nina() -> list[str]:
    with scope.system_context("test: read the whole history"):
        rows = [
            *AuditEvent.objects.filter(hash_version=2),
            *TransitionLog.objects.all(),
            *OutboxEvent.objects.all(),
        ]
    return [
        f"{row._meta.label} #{row.pk}"
        for row in rows
        if EMAIL in _texts(row) or NAME.casefold() in _texts(row)
    ]


@pytest.fixture
def ninas_history(acme, globex, ana, gus, run_on_commit) -> User:
    """Nina signed up to Acme, was invited to Globex, logged in, got a new role and approved a requisition."""
    with run_on_commit():
        sign_up(
            SignUp(
                tenant="acme",
                email=EMAIL,
                password=PASSWORD,
                full_name=NAME,
                idempotency_key="nina-1",
                client=Client(ip_address=CLIENT_ADDRESS, user_agent="tests"),
            )
        )
    with run_on_commit():
        verify_email(key_from_outbox(EMAIL))
    with run_on_commit(), scope.tenant(globex):
        invite(email=EMAIL, role=Role.SALES, actor=gus, full_name=NAME)
    with run_on_commit():
        accept_invitation(key_from_outbox(EMAIL), password="ignored for an existing account")
    nina = User.objects.get(email=EMAIL)
    api = APIClient(REMOTE_ADDR=CLIENT_ADDRESS)
    with run_on_commit():
        failed = api.post("/api/v1/auth/login/", {"email": EMAIL, "password": "not it"}, format="json")
        logged_in = api.post("/api/v1/auth/login/", {"email": EMAIL, "password": PASSWORD}, format="json")
    assert (failed.status_code, logged_in.status_code) == (400, 200), logged_in.json()
    with run_on_commit(), scope.tenant(acme):
        change_role(Membership.objects.get(user=nina, tenant=acme).pk, Role.PURCHASER, actor=ana)
    nina = User.objects.get(pk=nina.pk)  # permissions are cached per instance
    with run_on_commit(), scope.tenant(acme):
        requisition = RequisitionLineFactory.create(quantity=Decimal("3")).requisition
        approved = perform_transition(requisition, "approve", actor=nina).instance
    assert approved.status == RequisitionStatus.APPROVED
    seal_chains()
    return nina


def test_erasing_a_person_leaves_no_address_or_name_in_new_audit_rows_transition_logs_or_outbox(
    ninas_history,
):
    named_before = _rows_naming_nina()
    assert len(named_before) > 10  # the history really named her: sign-up, invitation, login, role, approval

    output = StringIO()
    call_command("erase_person", EMAIL.upper(), stdout=output)
    seal_chains()

    assert output.getvalue().startswith(f"Erased person {ninas_history.pk} from ")
    assert _rows_naming_nina() == []
    with scope.system_context("test: read"):
        kept = AuditEvent.objects.filter(actor_kind="user", actor_id=str(ninas_history.pk))
        assert kept.filter(action="accounts.login_succeeded").exists()  # the ids stay: what she did
    verified = StringIO()
    call_command("verify_audit_chain", stdout=verified, stderr=StringIO())
    assert verified.getvalue().splitlines()[-1].startswith("All 3 audit chain(s) intact")


def test_an_unknown_address_is_an_error_and_erases_nothing(ninas_history):
    before = _rows_naming_nina()
    with pytest.raises(CommandError, match=re.escape("No account has the address 'nobody@example.com'.")):
        call_command("erase_person", "nobody@example.com", stdout=StringIO())
    assert _rows_naming_nina() == before
