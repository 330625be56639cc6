"""One error shape for every status the API answers (DESIGN.md §5), never a 500 for client input."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django_fsm import ConcurrentTransition
from rest_framework import exceptions as drf

from nexus.core import errors, scope
from nexus.core.api.exceptions import nexus_exception_handler
from nexus.tenancy.models import Tenant
from tests.factories.kernel_example import GadgetFactory
from tests.factories.people import MembershipFactory
from tests.kernel_example.models import GadgetKind

from .conftest import GADGETS, KINDS, as_tenant

pytestmark = pytest.mark.django_db


def answer(exc):
    response = nexus_exception_handler(exc, {})
    assert response is not None
    return response.status_code, response.data, dict(response.headers)


# Through the example API -------------------------------------------------------------------------


def test_400_validation_lists_the_fields(api, acme):
    response = api.post(GADGETS, {"name": "", "quantity": "lots"}, **as_tenant("acme"))

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "detail": "The input is not valid; see the fields.",
        "fields": {"name": ["This field may not be blank."], "quantity": ["A valid number is required."]},
    }


def test_400_for_malformed_json(api, acme):
    response = api.generic("POST", GADGETS, '{"name": ', content_type="application/json", **as_tenant("acme"))

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "parse_error"
    assert body["detail"].startswith("JSON parse error")
    assert "fields" not in body


def test_401_when_not_authenticated(client, acme):
    response = client.get(GADGETS, **as_tenant("acme"))

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_403_without_the_permission(api, globex):
    response = api.delete(f"{KINDS}1/", **as_tenant("globex"))

    assert response.status_code == 403
    assert response.json() == {
        "code": "permission_denied",
        "detail": "You do not have permission to perform this action.",
    }


def test_404_for_another_tenants_row(api, acme, globex_gadget):
    response = api.get(f"{GADGETS}{globex_gadget.pk}/", **as_tenant("acme"))

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Not found."}


def test_404_for_an_id_that_is_not_a_number(api, acme):
    assert api.get(f"{GADGETS}abc/", **as_tenant("acme")).json()["code"] == "not_found"


def test_405_for_a_method_the_resource_does_not_take(api, acme):
    response = api.put(GADGETS, {}, **as_tenant("acme"))

    assert response.status_code == 405
    assert response.json() == {"code": "method_not_allowed", "detail": 'Method "PUT" not allowed.'}


def test_409_when_deleting_a_row_others_refer_to(api, acme, acme_kind):
    with scope.tenant(acme):
        GadgetFactory.create(kind=acme_kind)

    response = api.delete(f"{KINDS}{acme_kind.pk}/", **as_tenant("acme"))

    assert response.status_code == 409
    assert response.json() == {
        "code": "conflict",
        "detail": "This cannot be deleted while other records refer to it (used by: gadget).",
    }
    with scope.tenant(acme):
        assert GadgetKind.objects.filter(pk=acme_kind.pk).exists()


def test_404_for_a_page_past_the_end(api, acme):
    response = api.get(GADGETS, {"page": 9}, **as_tenant("acme"))

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Invalid page."}


# The handler itself -------------------------------------------------------------------------------


@pytest.mark.smoke
@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (errors.InvalidInput(), 400, "invalid"),
        (errors.TenantRequired(), 400, "tenant_required"),
        (errors.NotAuthenticated(), 401, "not_authenticated"),
        (errors.PermissionDenied(), 403, "permission_denied"),
        (errors.MfaRequired(), 403, "mfa_required"),
        (errors.NotFound(), 404, "not_found"),
        (errors.Conflict(), 409, "conflict"),
        (
            errors.TransitionNotAllowed("cannot approve: gadget has no quantity"),
            409,
            "transition_not_allowed",
        ),
        (errors.IdempotencyMismatch(), 409, "idempotency_mismatch"),
        (errors.AlreadyPosted(), 409, "already_posted"),
        (errors.ConcurrentChange(), 409, "concurrent_change"),
        (errors.Throttled(), 429, "throttled"),
        (errors.DependencyUnavailable(), 503, "service_unavailable"),
    ],
)
def test_application_errors_keep_their_status_and_code(error, status, code):
    assert answer(error)[:2] == (status, {"code": code, "detail": error.detail})


def test_application_errors_with_fields():
    status, body, _ = answer(errors.InvalidInput(fields={"quantity": ["Must be positive."]}))

    assert (status, body) == (
        400,
        {
            "code": "invalid",
            "detail": "The input is not valid.",
            "fields": {"quantity": ["Must be positive."]},
        },
    )


def test_nested_serializer_errors_are_flattened_to_dotted_paths():
    detail: Any = {
        "lines": [{}, {"quantity": ["Must be positive."]}],
        "customer": {"non_field_errors": ["Unknown customer."]},
    }

    status, body, _ = answer(drf.ValidationError(detail))

    assert status == 400
    assert body["fields"] == {"lines.1.quantity": ["Must be positive."], "customer": ["Unknown customer."]}


def test_a_validation_error_without_fields_says_it_in_detail():
    status, body, _ = answer(drf.ValidationError("Pick a warehouse first."))

    assert (status, body) == (
        400,
        {
            "code": "invalid",
            "detail": "Pick a warehouse first.",
            "fields": {"non_field_errors": ["Pick a warehouse first."]},
        },
    )


def test_django_validation_errors_are_400_with_fields():
    by_field = DjangoValidationError({"name": ["Too long."], "__all__": ["Inconsistent."]})

    assert answer(by_field)[:2] == (
        400,
        {
            "code": "invalid",
            "detail": "The input is not valid; see the fields.",
            "fields": {"name": ["Too long."], "non_field_errors": ["Inconsistent."]},
        },
    )
    assert answer(DjangoValidationError("Nope."))[1]["fields"] == {"non_field_errors": ["Nope."]}


def test_django_404_and_permission_denied():
    assert answer(Http404("gone"))[:2] == (404, {"code": "not_found", "detail": "Not found."})
    assert answer(DjangoPermissionDenied())[:2] == (
        403,
        {"code": "permission_denied", "detail": "You are not allowed to do this."},
    )


def test_a_save_that_lost_a_race_with_a_transition_is_a_409():
    assert answer(ConcurrentTransition("Cannot save object!"))[:2] == (
        409,
        {
            "code": "concurrent_change",
            "detail": "This record changed since it was read; reload it and try again.",
        },
    )


def test_throttled_says_when_to_retry():
    status, body, headers = answer(drf.Throttled(wait=12))

    assert (status, body["code"]) == (429, "throttled")
    assert headers["Retry-After"] == "12"


def test_authentication_failures_are_401_even_where_drf_would_say_403():
    exc = drf.NotAuthenticated()
    exc.status_code = 403  # what DRF sets when the first authenticator names no scheme

    assert answer(exc)[0] == 401
    assert answer(drf.AuthenticationFailed("Invalid token."))[:2] == (
        401,
        {"code": "authentication_failed", "detail": "Invalid token."},
    )


def test_a_unique_violation_from_the_database_is_409(acme, ana):
    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        MembershipFactory.create(user=ana, tenant=acme)

    assert answer(raised.value)[:2] == (
        409,
        {"code": "conflict", "detail": "A record with these values already exists."},
    )


def test_a_not_null_violation_is_a_server_error_not_the_clients():
    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        Tenant.objects.bulk_create([Tenant(name=None, slug="nameless")])  # type: ignore[misc]

    assert nexus_exception_handler(raised.value, {}) is None


def test_anything_else_is_left_to_the_server():
    assert nexus_exception_handler(RuntimeError("bug"), {}) is None
