"""The API's parsers: bounded size and depth, finite numbers, no NUL characters, 4xx in the error shape."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nexus.core import scope
from nexus.core.api.parsers import exceeds_depth
from tests.kernel_example.models import Gadget

from .conftest import GADGETS, as_tenant

pytestmark = pytest.mark.django_db


def gadget_names(tenant) -> list[str]:
    with scope.tenant(tenant):
        return list(Gadget.objects.values_list("name", flat=True))


def post_json(api, text: str, **extra):
    return api.generic("POST", GADGETS, text, content_type="application/json", **as_tenant("acme"), **extra)


@pytest.mark.parametrize(
    "body",
    ["[" * 100_000, '{"a":' * 100_000, '{"name": "x", "tags": ' + "[" * 40 + "]" * 40 + "}"],
    ids=["100,000 arrays", "100,000 objects", "41 levels"],
)
def test_json_nested_beyond_the_limit_is_a_400_before_it_is_decoded(api, acme, body):
    response = post_json(api, body)

    assert response.status_code == 400
    assert response.json() == {
        "code": "parse_error",
        "detail": "JSON parse error - nested deeper than 32 levels.",
    }
    assert gadget_names(acme) == []


def test_brackets_inside_strings_do_not_count(api, acme):
    name = '[{"\\"' * 30

    response = post_json(api, json.dumps({"name": name[:100], "quantity": "1"}))

    assert response.status_code == 201, response.json()
    assert gadget_names(acme) == [name[:100]]


def test_the_depth_limit_is_a_setting(api, acme, settings):
    settings.NEXUS_API_MAX_JSON_DEPTH = 2

    response = post_json(api, '{"name": "x", "tags": [[1]]}')

    assert response.json()["detail"] == "JSON parse error - nested deeper than 2 levels."


@pytest.mark.parametrize(
    "content_type", ["application/json", "application/x-www-form-urlencoded", "multipart"]
)
def test_a_body_over_the_size_limit_is_a_413(api, acme, settings, content_type):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    data = {"name": "x" * 200}
    if content_type == "multipart":
        response = api.post(GADGETS, data, format="multipart", **as_tenant("acme"))
    elif content_type == "application/json":
        response = post_json(api, json.dumps(data))
    else:
        response = api.generic(
            "POST", GADGETS, f"name={'x' * 200}", content_type=content_type, **as_tenant("acme")
        )

    assert response.status_code == 413
    assert response.json() == {
        "code": "request_too_large",
        "detail": "The request body is larger than 100 bytes.",
    }
    assert gadget_names(acme) == []


def test_a_declared_length_over_the_limit_is_refused_without_reading_the_body(api, acme, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100

    response = post_json(api, '{"name": "x"}', CONTENT_LENGTH="101")

    assert response.status_code == 413


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ('{"name": "x", "quantity": 1e400}', "JSON parse error - the number 1e400 is out of range"),
        ('{"name": "x", "quantity": -1e400}', "JSON parse error - the number -1e400 is out of range"),
        (
            '{"name": "x", "quantity": 1' + "0" * 400 + "}",
            "JSON parse error - an integer of more than 100 digits is out of range",
        ),
        ('{"name": "x", "quantity": NaN}', "JSON parse error - NaN is not a JSON number"),
        ('{"name": "x", "quantity": Infinity}', "JSON parse error - Infinity is not a JSON number"),
    ],
)
def test_numbers_no_float_or_integer_column_holds_are_a_400(api, acme, body, detail):
    response = post_json(api, body)

    assert response.status_code == 400
    assert response.json() == {"code": "parse_error", "detail": detail}


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ('{"name": "a\\u0000b"}', "name"),
        ('{"name": "x", "notes": {"deep": ["ok", "\\u0000"]}}', "notes.deep.1"),
        ('{"name": "x", "a\\u0000": 1}', "a\x00"),
        ('"\\u0000"', "non_field_errors"),
    ],
)
def test_a_nul_character_anywhere_is_a_400_naming_where(api, acme, body, path):
    response = post_json(api, body)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["fields"] == {path: ["Null characters are not allowed."]}
    assert gadget_names(acme) == []


def test_an_escaped_backslash_before_u0000_is_no_nul_character(api, acme):
    response = post_json(api, '{"name": "C:\\\\u0000", "quantity": "1"}')

    assert response.status_code == 201
    assert gadget_names(acme) == ["C:\\u0000"]


@pytest.mark.parametrize("format_", ["form", "multipart"])
def test_a_nul_character_in_a_form_is_a_400(api, acme, format_):
    if format_ == "form":
        response = api.generic(
            "POST",
            GADGETS,
            "name=a%00b",
            content_type="application/x-www-form-urlencoded",
            **as_tenant("acme"),
        )
    else:
        response = api.post(GADGETS, {"name": "a\x00b"}, format="multipart", **as_tenant("acme"))

    assert response.status_code == 400
    assert response.json()["fields"] == {"name": ["Null characters are not allowed."]}


def test_a_form_with_too_many_fields_is_a_400(api, acme, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 3

    response = api.generic(
        "POST",
        GADGETS,
        "a=1&b=2&c=3&d=4",
        content_type="application/x-www-form-urlencoded",
        **as_tenant("acme"),
    )

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


@pytest.mark.parametrize("content_type", ["", "text/plain"], ids=["none", "text"])
def test_a_body_no_parser_reads_is_a_415_in_the_error_shape_and_changes_nothing(api, acme, content_type):
    response = api.generic("POST", GADGETS, '{"name": "x"}', content_type=content_type, **as_tenant("acme"))

    assert response.status_code == 415
    assert response.json() == {
        "code": "unsupported_media_type",
        "detail": f'Unsupported media type "{content_type}" in request.',
    }
    assert gadget_names(acme) == []


# The depth scan agrees with the decoder on every JSON document -------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet='[]{}"\\ab\u00b2'),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(alphabet='[]{}"\\a'), children, max_size=3),
    max_leaves=30,
)


def nesting(value) -> int:
    if isinstance(value, list):
        return 1 + max((nesting(item) for item in value), default=0)
    if isinstance(value, dict):
        return 1 + max((nesting(item) for item in value.values()), default=0)
    return 0


@given(value=JSON_VALUES, limit=st.integers(min_value=0, max_value=6))
def test_the_depth_scan_counts_what_the_decoder_would_nest(value, limit):
    assert exceeds_depth(json.dumps(value), limit) == (nesting(value) > limit)
