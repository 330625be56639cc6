"""An expected refusal logs one line (request id, user, path, code); a server error its traceback."""

import logging

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.log import log_response

from nexus.core.request_id import REQUEST_ID_META, RequestIdLogFilter
from tests.factories.people import UserFactory


def request_as(user, path: str = "/admin/procurement/purchaseorder/7/change/"):
    request = RequestFactory().get(path, {"token": "secret"})
    request.user = user
    request.META[REQUEST_ID_META] = "req-42"
    return request


def raising(error: Exception):
    def view(request):
        raise error

    return convert_exception_to_response(view)


def logged(caplog) -> list[logging.LogRecord]:
    records = [record for record in caplog.records if record.name == "django.request"]
    for record in records:
        RequestIdLogFilter().filter(record)
    return records


@pytest.mark.django_db
def test_a_permission_refused_in_a_view_is_one_line_without_a_traceback(caplog):
    user = UserFactory.create()

    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = raising(PermissionDenied())(request_as(user))

    (record,) = logged(caplog)
    assert response.status_code == 403
    assert record.getMessage() == f"403 GET /admin/procurement/purchaseorder/7/change/ user={user.pk}"
    assert (record.exc_info, getattr(record, "request_id", None)) == (None, "req-42")
    assert "secret" not in record.getMessage()


@pytest.mark.django_db
def test_a_page_not_found_is_one_line_with_the_requests_id(client, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="trace-7")

    (record,) = logged(caplog)
    assert response.status_code == 404
    assert record.getMessage() == "404 GET /no-such-page/ user=anonymous"
    assert (record.exc_info, getattr(record, "request_id", None)) == (None, "trace-7")


def test_a_conflict_answered_by_the_api_is_one_line(caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        log_response(
            "Conflict: %s",
            "/api/v1/rmas/3/approve/",
            response=HttpResponse(status=409),
            request=request_as(AnonymousUser(), "/api/v1/rmas/3/approve/"),
        )

    (record,) = logged(caplog)
    assert record.getMessage() == "409 GET /api/v1/rmas/3/approve/ user=anonymous"
    assert getattr(record, "request_id", None) == "req-42"


def test_a_server_error_keeps_its_traceback(caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = raising(RuntimeError("boom"))(request_as(AnonymousUser()))

    (record,) = logged(caplog)
    assert response.status_code == 500
    assert record.exc_info is not None
    assert record.exc_info[0] is RuntimeError
    assert record.getMessage().startswith("Internal Server Error: /admin/procurement/purchaseorder/7/change/")


def test_other_client_errors_are_left_as_django_logs_them(caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        log_response(
            "Bad Request: %s",
            "/api/v1/products/",
            response=HttpResponse(status=400),
            request=request_as(AnonymousUser(), "/api/v1/products/"),
        )

    (record,) = logged(caplog)
    assert record.getMessage() == "Bad Request: /api/v1/products/"
