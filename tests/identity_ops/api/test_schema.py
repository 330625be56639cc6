"""Every identity endpoint is in the OpenAPI schema, with its operations and error answers."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.factories.people import UserFactory
from tests.identity_ops.conftest import api_as

pytestmark = pytest.mark.django_db

EXPECTED = {
    "/api/v1/auth/signup/": {"post"},
    "/api/v1/auth/verify-email/": {"post"},
    "/api/v1/auth/verify-email/resend/": {"post"},
    "/api/v1/auth/password-reset/": {"post"},
    "/api/v1/auth/password-reset/confirm/": {"post"},
    "/api/v1/auth/login/": {"post"},
    "/api/v1/auth/logout/": {"post"},
    "/api/v1/invitations/": {"get", "post"},
    "/api/v1/invitations/accept/": {"post"},
    "/api/v1/invitations/{id}/": {"get"},
    "/api/v1/invitations/{id}/revoke/": {"post"},
    "/api/v1/invitations/{id}/resend/": {"post"},
    "/api/v1/members/": {"get"},
    "/api/v1/members/{id}/": {"get"},
    "/api/v1/members/{id}/change-role/": {"post"},
    "/api/v1/members/{id}/suspend/": {"post"},
    "/api/v1/members/{id}/reinstate/": {"post"},
    "/api/v1/members/{id}/remove/": {"post"},
    "/api/v1/me/": {"get"},
    "/api/v1/me/deactivate/": {"post"},
    "/api/v1/registrations/": {"get"},
    "/api/v1/users/": {"get"},
    "/api/v1/users/{id}/suspend/": {"post"},
    "/api/v1/users/{id}/deactivate/": {"post"},
}


def test_the_identity_endpoints_are_documented():
    schema = SchemaGenerator().get_schema(request=None, public=True)

    for path, methods in EXPECTED.items():
        assert path in schema["paths"], path
        assert methods <= set(schema["paths"][path]), (path, set(schema["paths"][path]))
    signup = schema["paths"]["/api/v1/auth/signup/"]["post"]
    assert {"202", "400", "429"} <= set(signup["responses"])
    suspend = schema["paths"]["/api/v1/members/{id}/suspend/"]["post"]
    assert suspend["operationId"] == "membership_suspend"
    assert {"200", "400", "403", "404", "409"} <= set(suspend["responses"])


def test_the_schema_endpoint_serves_it():
    response = api_as(UserFactory.create()).get("/api/schema/")

    assert response.status_code == 200
    assert b"/api/v1/auth/signup/" in response.content
