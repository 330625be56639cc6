"""The journal summary of a landed cost: what an accountant books (Nexus keeps no general ledger).

Debit inventory per warehouse and cost of goods sold; credit the tenant's landed-cost clearing
account with the total. A reversal is the same summary with debits and credits swapped. Lines
are plain JSON (amounts as strings) so the document keeps them as posted.
"""

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

INVENTORY = "inventory"
COST_OF_GOODS_SOLD = "cost_of_goods_sold"
CLEARING = "clearing"


@dataclass(frozen=True)
class JournalTotals:
    inventory: Decimal
    cost_of_goods_sold: Decimal
    clearing: Decimal


def _line(account: str, name: str, warehouse: str, amount: Decimal) -> dict[str, str]:
    debit, credit = (amount, Decimal(0)) if amount >= 0 else (Decimal(0), -amount)
    return {
        "account": account,
        "name": name,
        "warehouse": warehouse,
        "debit": str(debit),
        "credit": str(credit),
    }


def journal_lines(
    inventory_by_warehouse: Mapping[str, Decimal], cost_of_goods_sold: Decimal, *, clearing_account: str
) -> list[dict[str, str]]:
    """A balanced summary: inventory per warehouse code and cost of goods sold against the clearing account.

    Positive amounts are debits (posting); negative ones credits (reversal), and the clearing
    line takes the other side of their sum.
    """
    lines = [
        _line(INVENTORY, "Inventory", code, amount)
        for code, amount in sorted(inventory_by_warehouse.items())
        if amount
    ]
    if cost_of_goods_sold:
        lines.append(_line(COST_OF_GOODS_SOLD, "Cost of goods sold", "", cost_of_goods_sold))
    total = sum(inventory_by_warehouse.values(), Decimal(0)) + cost_of_goods_sold
    lines.append(_line(CLEARING, clearing_account, "", -total))
    return lines


def journal_totals(lines: Sequence[Mapping[str, Any]]) -> JournalTotals:
    """Signed totals (debit minus credit) per kind of account."""
    totals = {INVENTORY: Decimal(0), COST_OF_GOODS_SOLD: Decimal(0), CLEARING: Decimal(0)}
    for line in lines:
        totals[line["account"]] += Decimal(line["debit"]) - Decimal(line["credit"])
    return JournalTotals(totals[INVENTORY], totals[COST_OF_GOODS_SOLD], totals[CLEARING])


def as_csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """Rows as CSV with a header, for the accounting system."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
