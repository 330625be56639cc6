"""One JSON conversion for the audit chain and the outbox: the same value stores the same way."""

import datetime as dt
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from nexus.core.events.catalogue import EventPayloadError, EventSpec, Field, Kind
from nexus.core.json_values import NotJsonValue, to_json_value

BERLIN_NOON = dt.datetime(2026, 6, 1, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))


def test_aware_datetimes_become_utc_text():
    assert to_json_value(BERLIN_NOON) == "2026-06-01T10:00:00+00:00"


def test_an_event_payload_and_audit_data_store_a_time_identically():
    spec = EventSpec(name="tests.timed", description="", fields={"at": Field(Kind.DATETIME)})
    assert spec.validate({"at": BERLIN_NOON})["at"] == to_json_value({"at": BERLIN_NOON})["at"]


def test_values_convert_deterministically():
    ident = uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert to_json_value(
        {
            "amount": Decimal("12.50"),
            "ids": {3, 1, 2},
            "on": dt.date(2026, 1, 2),
            "ref": ident,
            "pair": (1, 2),
        }
    ) == {
        "amount": "12.50",
        "ids": [1, 2, 3],
        "on": "2026-01-02",
        "ref": "12345678-1234-5678-1234-567812345678",
        "pair": [1, 2],
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"lines": [{"quantity": 1.5}]}, r"value\.lines\[0\]\.quantity is a float"),
        (Decimal("NaN"), "is not a finite decimal"),
        ({7: "x"}, "keys must be strings"),
        (object(), "has no JSON form"),
    ],
)
def test_what_has_no_stable_json_form_is_refused_with_its_path(value, message):
    with pytest.raises(NotJsonValue, match=message):
        to_json_value(value)


def test_the_catalogue_reports_a_refused_value_as_a_payload_error():
    spec = EventSpec(name="tests.counted", description="", fields={"quantity": Field(Kind.DECIMAL)})
    with pytest.raises(EventPayloadError, match=r"tests\.counted\.quantity is a float"):
        spec.validate({"quantity": 1.5})
