"""Every public event: its name, payload fields, schema version and what it means.

``publish`` validates against this module, so a typo in an event name or a payload that drifted
from its declaration fails where it is written, not in a listener days later. Payloads are plain
JSON: ids are integers, quantities and money are decimal strings (never floats), times and dates
are ISO 8601 strings. Changing a payload incompatibly means a new ``schema_version``; listeners
read it from the payload (``payload["schema_version"]``).
"""

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from nexus.core.json_values import NotJsonValue, to_json_value


class UnknownEvent(LookupError):
    """The event name is not in the catalogue."""


class EventPayloadError(ValueError):
    """A payload does not match its event's declaration."""


class Kind(enum.Enum):
    ID = "id"
    INT = "int"
    TEXT = "text"
    DECIMAL = "decimal"
    BOOL = "bool"
    DATETIME = "datetime"
    DATE = "date"
    ID_LIST = "id list"
    TEXT_LIST = "text list"
    OBJECT_LIST = "list of objects"
    OBJECT = "object"


@dataclass(frozen=True)
class Field:
    kind: Kind
    nullable: bool = False

    def describe(self) -> str:
        return f"{self.kind.value} or null" if self.nullable else self.kind.value


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_decimal_text(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return Decimal(value).is_finite()
    except InvalidOperation:
        return False


def _is_iso(value: Any, parse: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        parse(value)
    except ValueError:
        return False
    return True


_CHECKS: dict[Kind, Any] = {
    Kind.ID: lambda v: _is_int(v) and v > 0,
    Kind.INT: _is_int,
    Kind.TEXT: lambda v: isinstance(v, str),
    Kind.DECIMAL: _is_decimal_text,
    Kind.BOOL: lambda v: isinstance(v, bool),
    Kind.DATETIME: lambda v: _is_iso(v, dt.datetime.fromisoformat),
    Kind.DATE: lambda v: _is_iso(v, dt.date.fromisoformat),
    Kind.ID_LIST: lambda v: isinstance(v, list) and all(_is_int(i) and i > 0 for i in v),
    Kind.TEXT_LIST: lambda v: isinstance(v, list) and all(isinstance(i, str) for i in v),
    Kind.OBJECT_LIST: lambda v: isinstance(v, list) and all(isinstance(i, dict) for i in v),
    Kind.OBJECT: lambda v: isinstance(v, dict),
}


@dataclass(frozen=True)
class EventSpec:
    name: str
    description: str
    fields: Mapping[str, Field]
    schema_version: int = 1

    def validate(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        """Return the payload as stored (plain JSON plus ``schema_version``); raise if it is off."""
        given = dict(payload)
        version = given.pop("schema_version", self.schema_version)
        if version != self.schema_version:
            raise EventPayloadError(
                f"{self.name}: schema_version {version!r} given, the catalogue declares {self.schema_version}"
            )
        missing = sorted(set(self.fields) - set(given))
        undeclared = sorted(set(given) - set(self.fields))
        problems = []
        if missing:
            problems.append(f"missing {', '.join(missing)}")
        if undeclared:
            problems.append(f"undeclared {', '.join(undeclared)}")
        if problems:
            raise EventPayloadError(f"{self.name} payload: {'; '.join(problems)}")
        try:
            body = {key: to_json_value(value, f"{self.name}.{key}") for key, value in given.items()}
        except NotJsonValue as exc:
            raise EventPayloadError(str(exc)) from None
        wrong = [
            f"{key} must be {spec.describe()}, got {body[key]!r}"
            for key, spec in self.fields.items()
            if not (body[key] is None and spec.nullable) and not _CHECKS[spec.kind](body[key])
        ]
        if wrong:
            raise EventPayloadError(f"{self.name} payload: {'; '.join(wrong)}")
        body["schema_version"] = self.schema_version
        return body


ID = Field(Kind.ID)
ID_OR_NULL = Field(Kind.ID, nullable=True)
INT = Field(Kind.INT)
TEXT = Field(Kind.TEXT)
TEXT_OR_NULL = Field(Kind.TEXT, nullable=True)
DECIMAL = Field(Kind.DECIMAL)
BOOL = Field(Kind.BOOL)
DATETIME = Field(Kind.DATETIME)
DATETIME_OR_NULL = Field(Kind.DATETIME, nullable=True)
DATE = Field(Kind.DATE)
DATE_OR_NULL = Field(Kind.DATE, nullable=True)
ID_LIST = Field(Kind.ID_LIST)
TEXT_LIST = Field(Kind.TEXT_LIST)
OBJECT_LIST = Field(Kind.OBJECT_LIST)

# Where a person's request is the cause: kept so listeners can audit and warn the person.
_CLIENT = {"ip_address": TEXT_OR_NULL, "user_agent": TEXT_OR_NULL}
# A document that caused a stock move, by reference (inventory never imports the documents).
_SOURCE = {"document_type": TEXT, "document_id": ID_OR_NULL}

_SPECS = [
    # Inventory: one event per posted stock move. Quantities and values are decimal strings.
    EventSpec(
        "inventory.stock_received",
        "Stock entered a warehouse from outside (receipt, return) and created a cost layer.",
        {
            "move_id": ID,
            "product_id": ID,
            "warehouse_id": ID,
            "location_id": ID,
            "quantity": DECIMAL,
            "unit_cost": DECIMAL,
            "value": DECIMAL,
            "reason": TEXT,
            **_SOURCE,
        },
    ),
    EventSpec(
        "inventory.stock_issued",
        "Stock left a location for outside (issue, shipment, scrap), consuming cost layers FIFO.",
        {
            "move_id": ID,
            "product_id": ID,
            "warehouse_id": ID,
            "location_id": ID,
            "quantity": DECIMAL,
            "value": DECIMAL,
            "reason": TEXT,
            **_SOURCE,
        },
    ),
    EventSpec(
        "inventory.stock_adjusted",
        "Stock was corrected (reason adjustment: signed quantity and value) or revalued (reason "
        "revaluation: quantity 0, signed value), with the note saying why.",
        {
            "move_id": ID,
            "product_id": ID,
            "warehouse_id": ID,
            "location_id": ID,
            "quantity": DECIMAL,
            "value": DECIMAL,
            "reason": TEXT,
            "note": TEXT,
            **_SOURCE,
        },
    ),
    EventSpec(
        "inventory.stock_transferred",
        "Stock moved from one location to another (one move), within or between warehouses.",
        {
            "move_id": ID,
            "product_id": ID,
            "quantity": DECIMAL,
            "value": DECIMAL,
            "reason": TEXT,
            "from_warehouse_id": ID,
            "from_location_id": ID,
            "to_warehouse_id": ID,
            "to_location_id": ID,
            **_SOURCE,
        },
    ),
    EventSpec(
        "inventory.reservation_changed",
        "A reservation was held, confirmed, partly or wholly consumed, released or expired.",
        {
            "reservation_id": ID,
            "product_id": ID,
            "warehouse_id": ID,
            "quantity": DECIMAL,
            "consumed_quantity": DECIMAL,
            "required_date": DATE,
            "state": TEXT,
            "previous_state": TEXT_OR_NULL,
            "source_type": TEXT,
            "source_id": ID,
        },
    ),
    # Procurement.
    EventSpec(
        "procurement.goods_received",
        "A goods receipt was posted; lines carry the receipt moves at the purchase-order cost.",
        {
            "receipt_id": ID,
            "number": TEXT,
            "purchase_order_id": ID,
            "vendor_id": ID,
            "warehouse_id": ID,
            "received_at": DATETIME,
            # Each line: receipt_line_id, purchase_order_line_id, product_id, quantity, unit_cost, move_id.
            "lines": OBJECT_LIST,
        },
    ),
    EventSpec(
        "procurement.vendor_bill_approved",
        "A vendor bill was approved; landed-cost charge lines name the goods receipts they cover.",
        {
            "bill_id": ID,
            "number": TEXT,
            "vendor_id": ID,
            "currency": TEXT,
            "total": DECIMAL,
            "bill_date": DATE,
            # Each line: bill_line_id, kind, amount, goods_receipt_ids (landed-cost charges only).
            "lines": OBJECT_LIST,
        },
    ),
    # Supply chain.
    EventSpec(
        "supply_chain.landed_cost_posted",
        "A landed cost was posted: its on-hand part capitalised into stock, the rest cost of goods sold.",
        {
            "landed_cost_id": ID,
            "number": TEXT,
            "currency": TEXT,
            "total": DECIMAL,
            "capitalised": DECIMAL,
            "cost_of_goods_sold": DECIMAL,
            "goods_receipt_ids": ID_LIST,
        },
    ),
    EventSpec(
        "supply_chain.landed_cost_reversed",
        "A posted landed cost was reversed: amounts are negative (value off the goods on hand now, "
        "the rest off cost of goods sold).",
        {
            "landed_cost_id": ID,
            "number": TEXT,
            "currency": TEXT,
            "total": DECIMAL,
            "capitalised": DECIMAL,
            "cost_of_goods_sold": DECIMAL,
            "goods_receipt_ids": ID_LIST,
        },
    ),
    *(
        EventSpec(
            f"supply_chain.replenishment_{step}",
            f"A replenishment run was {step}: its suggestion lines by kind"
            + (" and the requisitions made from the approved purchases." if step == "released" else "."),
            {
                "replenishment_run_id": ID,
                "number": TEXT,
                "status": TEXT,
                "purchase_lines": INT,
                "transfer_lines": INT,
                "requisition_ids": ID_LIST,
            },
        )
        for step in ("proposed", "released")
    ),
    EventSpec(
        "supply_chain.balancing_proposed",
        "A balancing run proposed draft transfer orders between warehouses.",
        {"balancing_run_id": ID, "number": TEXT, "status": TEXT, "transfer_order_ids": ID_LIST},
    ),
    # Sales.
    EventSpec(
        "sales.order_confirmed",
        "A sales order was confirmed; lines carry what was promised, from where and when.",
        {
            "order_id": ID,
            "number": TEXT,
            "customer_id": ID,
            "currency": TEXT,
            # Each line: line_id, product_id, quantity, unit_price, discount_percent, warehouse_id
            # (null for dropship), promised_date, dropship, reserved_quantity (short when stock was).
            "lines": OBJECT_LIST,
        },
    ),
    EventSpec(
        "sales.order_cancelled",
        "A sales order was cancelled before shipping; its reservations were released.",
        {"order_id": ID, "number": TEXT, "customer_id": ID, "reason": TEXT},
    ),
    # Receivable.
    EventSpec(
        "receivable.credit_note_issued",
        "A credit note was issued to a customer; its number and total are final.",
        {
            "credit_note_id": ID,
            "number": TEXT,
            "customer_id": ID,
            "sales_order_id": ID_OR_NULL,
            "currency": TEXT,
            "total": DECIMAL,
            "restocking_fee": DECIMAL,
            "issue_date": DATE,
            # Each line: line_id, sales_order_line_id (or null), quantity, unit_price, amount.
            "lines": OBJECT_LIST,
        },
    ),
    # Accounts: authentication events. A login is not bound to a tenant, so most have none.
    EventSpec(
        "accounts.login_succeeded",
        "A person logged in (password, then a second factor where required).",
        {"user_id": ID, "device_id": ID_OR_NULL, "new_device": BOOL, "mfa_used": BOOL, **_CLIENT},
    ),
    EventSpec(
        "accounts.login_failed",
        "A login attempt failed; user_id is null when the username matches no account.",
        {"user_id": ID_OR_NULL, "username": TEXT, "reason": TEXT, **_CLIENT},
    ),
    EventSpec(
        "accounts.locked_out",
        "A username and address were cooled off after too many failures.",
        {"user_id": ID_OR_NULL, "username": TEXT, "failures": INT, "locked_until": DATETIME, **_CLIENT},
    ),
    EventSpec(
        "accounts.login_slowed",
        "An account reached its limit of wrong passwords from any address; its sign-in is slowed.",
        {"user_id": ID, "failures": INT, "window_ends_at": DATETIME, **_CLIENT},
    ),
    EventSpec(
        "accounts.mfa_codes_guessed",
        "Someone with the right password reached the account's limit of wrong second-factor codes.",
        {"user_id": ID, "failures": INT, "window_ends_at": DATETIME, **_CLIENT},
    ),
    EventSpec(
        "accounts.logged_out",
        "A person ended a session or revoked the token presented.",
        {"user_id": ID, "device_id": ID_OR_NULL, **_CLIENT},
    ),
    EventSpec(
        "accounts.password_changed",
        "A password was changed by its owner (other sessions and tokens revoked).",
        {"user_id": ID, **_CLIENT},
    ),
    EventSpec(
        "accounts.password_reset",
        "A password was reset through an emailed token (other sessions and tokens revoked).",
        {"user_id": ID, **_CLIENT},
    ),
    EventSpec(
        "accounts.mfa_enrolled",
        "A second factor was confirmed for a person.",
        {"user_id": ID, "authenticator_id": ID, "method": TEXT, **_CLIENT},
    ),
    EventSpec(
        "accounts.mfa_removed",
        "A person removed one of their second factors.",
        {"user_id": ID, "authenticator_id": ID, "method": TEXT, **_CLIENT},
    ),
    EventSpec(
        "accounts.mfa_reset",
        "A platform operator removed every second factor of a person.",
        {"user_id": ID, "operator_id": ID, "reason": TEXT},
    ),
    EventSpec(
        "accounts.token_issued",
        "A login token was issued to a device (a new token family).",
        {"user_id": ID, "token_id": ID, "family_id": ID, "device_id": ID_OR_NULL, "expires_at": DATETIME},
    ),
    EventSpec(
        "accounts.token_rotated",
        "A token was refreshed: the previous one stopped working.",
        {"user_id": ID, "token_id": ID, "previous_token_id": ID, "family_id": ID},
    ),
    EventSpec(
        "accounts.token_replayed",
        "An already-rotated token was presented; its whole family was revoked.",
        {"user_id": ID, "token_id": ID, "family_id": ID, **_CLIENT},
    ),
    EventSpec(
        "accounts.token_revoked",
        "Logins were revoked (one, a family, or all of a person's): the families and their live "
        "tokens; revoked_by is null for the system.",
        {
            "user_id": ID,
            "token_ids": ID_LIST,
            "family_ids": ID_LIST,
            "reason": TEXT,
            "revoked_by": ID_OR_NULL,
        },
    ),
    EventSpec(
        "accounts.service_token_created",
        "A tenant admin created a scoped service token for an integration.",
        {"token_id": ID, "name": TEXT, "scopes": TEXT_LIST, "created_by": ID, "expires_at": DATETIME_OR_NULL},
    ),
    # Identity: how people come into a tenant and leave it.
    EventSpec(
        "identity.registration_started",
        "A sign-up or accepted invitation created a registration awaiting email verification.",
        {"registration_id": ID, "user_id": ID, "invitation_id": ID_OR_NULL, "role": TEXT},
    ),
    EventSpec(
        "identity.registration_completed",
        "A registration was verified: the user and the membership are active.",
        {"registration_id": ID, "user_id": ID, "membership_id": ID, "role": TEXT},
    ),
    EventSpec(
        "identity.registration_expired",
        "An unverified registration expired; user_id is null when its orphan account was deleted.",
        {"registration_id": ID, "user_id": ID_OR_NULL},
    ),
    EventSpec(
        "identity.invitation_created",
        "A tenant admin invited someone (an invitation email follows).",
        {"invitation_id": ID, "role": TEXT, "invited_by": ID, "expires_at": DATETIME},
    ),
    EventSpec(
        "identity.invitation_revoked",
        "A tenant admin revoked a pending invitation.",
        {"invitation_id": ID, "revoked_by": ID},
    ),
    EventSpec(
        "identity.membership_changed",
        "A membership's role or status changed (invited, active, suspended, removed).",
        {
            "membership_id": ID,
            "user_id": ID,
            "role": TEXT,
            "previous_role": TEXT_OR_NULL,
            "status": TEXT,
            "previous_status": TEXT_OR_NULL,
            "changed_by": ID_OR_NULL,
        },
    ),
    EventSpec(
        "identity.user_status_changed",
        "A person's account was activated, suspended, deactivated or reactivated.",
        {"user_id": ID, "status": TEXT, "previous_status": TEXT, "changed_by": ID_OR_NULL, "reason": TEXT},
    ),
    # Supply chain: transfer orders (each payload: the order, its state and its lines' figures).
    *(
        EventSpec(
            f"supply_chain.transfer_{step}",
            description,
            {
                "transfer_order_id": ID,
                "number": TEXT,
                "source_warehouse_id": ID,
                "destination_warehouse_id": ID,
                "status": TEXT,
                "expected_date": DATE,
                # Each line: line_id, product_id, quantity, shipped_quantity, received_quantity,
                # written_off_quantity.
                "lines": OBJECT_LIST,
            },
        )
        for step, description in (
            ("approved", "A transfer order was approved; its quantities are reserved at the source."),
            ("shipped", "A transfer order shipped; its goods are in the source's transit location."),
            ("received", "Goods of a transfer order were received at the destination (one receipt)."),
            ("closed", "A transfer order was closed; what was still in transit was written off."),
            ("cancelled", "A transfer order was cancelled before shipping; its reservations were released."),
        )
    ),
    # Supply chain: dropship orders (each payload: the order, its state and its lines).
    *(
        EventSpec(
            f"supply_chain.dropship_{step}",
            description,
            {
                "dropship_order_id": ID,
                "number": TEXT,
                "sales_order_id": ID,
                "status": TEXT,
                "exception_kind": TEXT,
                # Each line: line_id, sales_order_line_id, product_id, quantity, shipped_quantity,
                # vendor_id (null: none yet), purchase_order_id (null: none yet).
                "lines": OBJECT_LIST,
            },
        )
        for step, description in (
            ("purchase_orders_created", "Dropship purchase orders were drafted, one per vendor."),
            ("sent", "A dropship order's purchase orders were sent to their vendors."),
            ("shipped", "A vendor shipped dropship lines (one notice); status says whether all are."),
            (
                "exception",
                "A dropship order waits for a buyer: a line has no vendor, or sent orders "
                "must be cancelled with the vendors.",
            ),
            ("closed", "A shipped dropship order was closed with its purchase orders."),
            ("cancelled", "A dropship order was cancelled with its purchase orders."),
        )
    ),
    EventSpec(
        "supply_chain.cross_dock_staged",
        "Goods of a receipt went to staging for the sales orders waiting for them, held by "
        "reservations pinned to them.",
        {
            "cross_dock_id": ID,
            "number": TEXT,
            "receipt_move_id": ID,
            "product_id": ID,
            "warehouse_id": ID,
            "staging_location_id": ID,
            "received_quantity": DECIMAL,
            "staged_quantity": DECIMAL,
            # Each line: sales_order_line_id, order_number, promised_date, quantity, reservation_id.
            "lines": OBJECT_LIST,
        },
    ),
    # Supply chain: returns (each payload: the RMA, its state and its lines' figures).
    *(
        EventSpec(
            f"supply_chain.rma_{step}",
            description,
            {
                "rma_id": ID,
                "number": TEXT,
                "customer_id": ID,
                "sales_order_id": ID,
                "warehouse_id": ID,
                "status": TEXT,
                "requested_resolution": TEXT,
                "credit_note_id": ID_OR_NULL,
                "replacement_order_id": ID_OR_NULL,
                # Each line: line_id, sales_order_line_id, product_id, requested_quantity,
                # approved_quantity, received_quantity, inspected_quantity.
                "lines": OBJECT_LIST,
            },
        )
        for step, description in (
            ("submitted", "An RMA was submitted; its quantities are claimed against what was shipped."),
            ("approved", "An RMA was approved; the customer may send the goods."),
            ("rejected", "An RMA was rejected, with a reason."),
            ("received", "Goods of an RMA arrived in quality hold (one receipt)."),
            ("inspected", "An RMA's goods were inspected and each quantity disposed of."),
            ("resolved", "An RMA was resolved: refunded, replaced, repaired or returned to the vendor."),
            ("closed", "An RMA was closed."),
            ("cancelled", "An RMA was cancelled before anything arrived."),
        )
    ),
    # Supply chain: promises against future supply (each payload: the promise as it is now).
    *(
        EventSpec(
            f"supply_chain.promise_{step}",
            description,
            {
                "promise_id": ID,
                "sales_line_id": ID,
                "product_id": ID,
                "warehouse_id": ID,
                "quantity": DECIMAL,
                "reserved_quantity": DECIMAL,
                "promised_date": DATE,
            },
        )
        for step, description in (
            ("fulfilled", "A firm promise was turned into reservations as its goods arrived."),
            ("released", "A promise was released; its supply is available to promise again."),
        )
    ),
    # Notifications: rows written by notify() or re-sent from the admin, delivered after commit.
    EventSpec(
        "notifications.requested",
        "Notifications (one per recipient and channel) wait to be rendered and delivered.",
        {"notification_ids": ID_LIST},
    ),
]

CATALOGUE: dict[str, EventSpec] = {spec.name: spec for spec in _SPECS}


def spec_for(name: str) -> EventSpec:
    """The declaration of event ``name``; raise ``UnknownEvent`` when it is not catalogued."""
    try:
        return CATALOGUE[name]
    except KeyError:
        raise UnknownEvent(
            f"{name!r} is not in the event catalogue (nexus/core/events/catalogue.py); declare it there first"
        ) from None
