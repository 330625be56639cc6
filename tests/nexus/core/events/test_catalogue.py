"""The catalogue declares every public event; publish refuses what disagrees with it."""

import re
from decimal import Decimal

import pytest

from nexus.core.events import CATALOGUE, EventPayloadError, OutboxEvent, UnknownEvent, publish
from nexus.core.events.catalogue import Kind

from .conftest import EVENT

pytestmark = pytest.mark.django_db

NAMED_IN_THE_ISSUES = {
    "inventory.stock_received",
    "inventory.stock_issued",
    "inventory.stock_adjusted",
    "inventory.stock_transferred",
    "inventory.reservation_changed",
    "procurement.goods_received",
    "procurement.vendor_bill_approved",
    "sales.order_confirmed",
    "sales.order_cancelled",
    "accounts.login_succeeded",
    "accounts.login_failed",
    "accounts.locked_out",
    "accounts.logged_out",
    "accounts.password_changed",
    "accounts.password_reset",
    "accounts.mfa_enrolled",
    "accounts.mfa_removed",
    "accounts.mfa_reset",
    "accounts.token_issued",
    "accounts.token_rotated",
    "accounts.token_replayed",
    "accounts.token_revoked",
    "accounts.service_token_created",
    "identity.registration_completed",
}


def test_the_catalogue_holds_every_event_the_issues_name():
    assert set(CATALOGUE) >= NAMED_IN_THE_ISSUES


def test_every_entry_is_named_described_and_has_no_float_fields():
    for name, spec in CATALOGUE.items():
        assert spec.name == name
        assert re.fullmatch(r"[a-z_]+\.[a-z_]+", name), name
        assert spec.description.endswith("."), name
        assert spec.schema_version >= 1
        assert spec.fields, name
        assert "schema_version" not in spec.fields, name


def test_quantities_and_money_are_declared_as_decimal_text():
    for name in ("inventory.stock_received", "inventory.stock_issued", "inventory.reservation_changed"):
        assert CATALOGUE[name].fields["quantity"].kind is Kind.DECIMAL
    assert CATALOGUE["procurement.vendor_bill_approved"].fields["total"].kind is Kind.DECIMAL


@pytest.mark.smoke
def test_an_unknown_event_is_refused_and_nothing_is_written(in_tenant):
    with pytest.raises(UnknownEvent, match=r"'sales\.order_confimred' is not in the event catalogue"):
        publish("sales.order_confimred", {"order_id": 1})

    assert OutboxEvent.objects.count() == 0


def test_a_missing_or_undeclared_field_is_named(in_tenant):
    with pytest.raises(
        EventPayloadError, match=r"tests\.gadget_counted payload: missing quantity; undeclared colour"
    ):
        publish(EVENT, {"gadget_id": 1, "colour": "red"})

    assert OutboxEvent.objects.count() == 0


def test_a_float_is_refused_with_the_reason(in_tenant):
    with pytest.raises(
        EventPayloadError, match=r"tests\.gadget_counted\.quantity is a float; send quantities"
    ):
        publish(EVENT, {"gadget_id": 1, "quantity": 2.5})


def test_a_value_of_the_wrong_kind_is_refused(in_tenant):
    with pytest.raises(EventPayloadError) as refused:
        publish(EVENT, {"gadget_id": "7", "quantity": "two"})

    assert str(refused.value) == (
        "tests.gadget_counted payload: gadget_id must be id, got '7'; quantity must be decimal, got 'two'"
    )


def test_decimals_are_stored_as_text_and_the_payload_carries_its_schema_version(in_tenant):
    event = publish(EVENT, {"gadget_id": 7, "quantity": Decimal("2.500")})

    stored = OutboxEvent.objects.get(pk=event.pk)
    assert stored.payload == {"gadget_id": 7, "quantity": "2.500", "schema_version": 1}
    assert stored.schema_version == 1


def test_a_payload_for_another_schema_version_is_refused(in_tenant):
    with pytest.raises(EventPayloadError, match="schema_version 2 given, the catalogue declares 1"):
        publish(EVENT, {"gadget_id": 7, "quantity": "1", "schema_version": 2})


def test_nested_lines_are_normalised_too(in_tenant):
    event = publish(
        "sales.order_cancelled", {"order_id": 3, "number": "SO-1", "customer_id": 4, "reason": "changed mind"}
    )
    assert event.payload["reason"] == "changed mind"

    with pytest.raises(EventPayloadError, match=r"sales\.order_confirmed\.lines\[0\]\.quantity is a float"):
        publish(
            "sales.order_confirmed",
            {
                "order_id": 3,
                "number": "SO-1",
                "customer_id": 4,
                "currency": "EUR",
                "lines": [{"quantity": 1.0}],
            },
        )
