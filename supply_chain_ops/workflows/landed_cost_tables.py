"""A landed cost's allocation table and journal summary as rows, for review screens and CSV exports."""

from decimal import Decimal
from typing import Any

from supply_chain_ops.models import LandedCost

ALLOCATION_COLUMNS = [
    "charge",
    "kind",
    "receipt",
    "sku",
    "quantity",
    "basis",
    "exact_share",
    "allocated",
    "on_hand",
    "consumed",
]
JOURNAL_COLUMNS = ["entry", "account", "name", "warehouse", "debit", "credit"]


def allocation_table(landed_cost: LandedCost) -> list[dict[str, Any]]:
    """One row per charge and receipt line; ``on_hand`` names each warehouse's part by its code."""
    codes = {str(pool["warehouse_id"]): pool["warehouse"] for pool in landed_cost.review.get("pools", [])}
    rows = landed_cost.allocations.select_related("charge").order_by("charge_id", "id")
    return [
        {
            "charge": row.charge_id,
            "kind": row.charge.kind,
            "receipt": row.receipt_number,
            "sku": row.sku,
            "quantity": _plain(row.quantity),
            "basis": _plain(row.basis),
            "exact_share": _plain(row.exact_share),
            "allocated": _plain(row.amount),
            "on_hand": "; ".join(f"{codes.get(w, w)} {amount}" for w, amount in sorted(row.on_hand.items())),
            "consumed": _plain(row.consumed),
        }
        for row in rows
    ]


def charge_totals(landed_cost: LandedCost) -> list[dict[str, Any]]:
    """Per charge: converted amount and the sum allocated, which must be equal."""
    allocated: dict[int, Decimal] = {}
    for row in landed_cost.allocations.values("charge_id", "amount"):
        allocated[row["charge_id"]] = allocated.get(row["charge_id"], Decimal(0)) + row["amount"]
    return [
        {
            "charge": charge,
            "converted": charge.converted,
            "allocated": allocated.get(charge.pk, Decimal(0)),
            "balanced": charge.converted == allocated.get(charge.pk, Decimal(0)),
        }
        for charge in landed_cost.charges.order_by("id")
    ]


def journal_table(landed_cost: LandedCost) -> list[dict[str, Any]]:
    """The posting's journal lines, then the reversal's, each marked with its entry."""
    return [{"entry": "posting", **line} for line in landed_cost.journal] + [
        {"entry": "reversal", **line} for line in landed_cost.reversal_journal
    ]


def _plain(value: Decimal) -> str:
    """A decimal without trailing zeros, never in exponent notation (``20``, not ``2E+1``)."""
    return f"{value.normalize():f}"
