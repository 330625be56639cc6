"""The landed-cost contract (``supply_chain_ops.contracts.costing``) on the domains' services."""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.db.models import Min, Q

from nexus.core.errors import InvalidInput
from nexus.core.exchange_rates.lookup import ExchangeRates
from nexus.core.models.refs import ActorRef
from nexus.core.money import currency_exponent
from nexus.core.scope import require_tenant_id
from nexus.inventory.models import StockAvailability, StockBalance, Warehouse
from nexus.inventory.services import DocumentRef, ValueChange, post_value_moves, receipt_positions
from nexus.procurement.amounts import line_amount
from nexus.procurement.models import (
    GoodsReceipt,
    GoodsReceiptLine,
    GoodsReceiptStatus,
    VendorBillLine,
    VendorBillStatus,
)
from nexus.tenancy.models import Tenant
from supply_chain_ops.contracts.costing import (
    BillCharge,
    CostingPolicy,
    Pool,
    Position,
    ReceiptLineFacts,
    ValueMove,
)

#: Tenant policies (``Tenant.policies``) of landed costs, with their defaults.
CLEARING_ACCOUNT_POLICY = "landed_cost_clearing_account"
WARNING_PERCENT_POLICY = "landed_cost_unit_cost_warning_percent"
DEFAULT_CLEARING_ACCOUNT = "Landed-cost clearing"
DEFAULT_WARNING_PERCENT = Decimal(20)
#: The document type the value moves name (inventory never imports the orchestrator).
DOCUMENT_TYPE = "supply_chain_ops.landedcost"


class InventoryCosting:
    def policy(self) -> CostingPolicy:
        tenant = Tenant.objects.get(pk=require_tenant_id())
        currency = tenant.default_currency
        return CostingPolicy(
            currency=currency,
            currency_exponent=currency_exponent(currency),
            clearing_account=str(tenant.policy(CLEARING_ACCOUNT_POLICY, DEFAULT_CLEARING_ACCOUNT)),
            unit_cost_warning_percent=Decimal(
                str(tenant.policy(WARNING_PERCENT_POLICY, DEFAULT_WARNING_PERCENT))
            ),
        )

    def rates(self) -> ExchangeRates:
        return ExchangeRates.for_current_tenant()

    def receipt_lines(self, receipt_ids: Sequence[int]) -> list[ReceiptLineFacts]:
        wanted = set(receipt_ids)
        posted = set(
            GoodsReceipt.objects.filter(pk__in=wanted, status=GoodsReceiptStatus.POSTED).values_list(
                "pk", flat=True
            )
        )
        if posted != wanted:
            missing = ", ".join(str(pk) for pk in sorted(wanted - posted))
            detail = f"Goods receipt {missing} does not exist or is not posted; charge posted receipts only."
            raise InvalidInput(detail, fields={"goods_receipts": [detail]})
        rows = (
            GoodsReceiptLine.objects.filter(
                receipt_id__in=wanted, stock_move__isnull=False, purchase_order_line__product__isnull=False
            )
            .order_by("receipt_id", "id")
            .values_list(
                "receipt_id",
                "receipt__number",
                "pk",
                "stock_move_id",
                "purchase_order_line__product_id",
                "purchase_order_line__product__sku",
                "quantity",
                "unit_cost",
                "purchase_order_line__product__unit_weight",
                "purchase_order_line__product__unit_volume",
                "purchase_order_line__product__customs_value",
                "purchase_order_line__product__customs_currency_id",
            )
        )
        return [
            ReceiptLineFacts(
                receipt_id=receipt_id,
                receipt_number=number,
                receipt_line_id=line_id,
                move_id=move_id,
                product_id=product_id,
                sku=sku,
                quantity=quantity,
                received_value=quantity * (unit_cost or Decimal(0)),
                unit_weight=weight,
                unit_volume=volume,
                customs_value=customs_value,
                customs_currency=customs_currency,
            )
            for (
                receipt_id,
                number,
                line_id,
                move_id,
                product_id,
                sku,
                quantity,
                unit_cost,
                weight,
                volume,
                customs_value,
                customs_currency,
            ) in rows
        ]

    def positions(self, move_ids: Sequence[int]) -> Mapping[int, Position]:
        return {
            move_id: Position(position.received, position.on_hand)
            for move_id, position in receipt_positions(move_ids).items()
        }

    def pools(self, pairs: Sequence[tuple[int, int]]) -> Mapping[tuple[int, int], Pool]:
        wanted = set(pairs)
        if not wanted:
            return {}
        condition = _pairs(wanted, "warehouse_id")
        found = {
            (product_id, warehouse_id): Pool(code, on_hand, value)
            for product_id, warehouse_id, code, on_hand, value in StockAvailability.objects.filter(
                condition
            ).values_list("product_id", "warehouse_id", "warehouse__code", "on_hand", "value")
        }
        codes = dict(
            Warehouse.objects.filter(pk__in={w for _, w in wanted - found.keys()}).values_list("pk", "code")
        )
        for product_id, warehouse_id in wanted - found.keys():
            found[(product_id, warehouse_id)] = Pool(codes.get(warehouse_id, ""), Decimal(0), Decimal(0))
        return found

    def warehouse_codes(self, warehouse_ids: Sequence[int]) -> Mapping[int, str]:
        return dict(Warehouse.objects.filter(pk__in=list(warehouse_ids)).values_list("pk", "code"))

    def post_value_moves(
        self, moves: Sequence[ValueMove], *, document_id: int, note: str, actor: ActorRef
    ) -> None:
        moves = [move for move in moves if move.value]
        if not moves:
            return
        condition = _pairs({(m.product_id, m.warehouse_id) for m in moves}, "location__warehouse_id")
        # Any location holding the product stands for its warehouse: the pool is the warehouse's.
        locations = {
            (row["product_id"], row["location__warehouse_id"]): row["location_id"]
            for row in StockBalance.objects.filter(condition, on_hand__gt=0)
            .values("product_id", "location__warehouse_id")
            .annotate(location_id=Min("location_id"))
            .order_by()
        }
        changes = []
        for move in sorted(moves, key=lambda m: (m.product_id, m.warehouse_id)):
            location = locations.get((move.product_id, move.warehouse_id))
            if location is None:
                raise InvalidInput(
                    f"Product {move.product_id} has no stock in warehouse {move.warehouse_id} to revalue.",
                    fields={"warehouse": ["No stock there."]},
                )
            changes.append(ValueChange(move.product_id, location, move.value))
        post_value_moves(changes, document=DocumentRef(DOCUMENT_TYPE, document_id), note=note, actor=actor)

    def claim_bill_lines(self, bill_line_ids: Sequence[int]) -> Mapping[int, BillCharge]:
        lines = (
            VendorBillLine.objects.select_for_update(of=("self",))
            .filter(pk__in=list(bill_line_ids))
            .select_related("bill")
            .order_by("id")
        )
        found = {line.pk: line for line in lines}
        missing = sorted(set(bill_line_ids) - found.keys())
        if missing:
            detail = f"Vendor bill line {', '.join(map(str, missing))} does not exist."
            raise InvalidInput(detail, fields={"bill_line": [detail]})
        receipts: dict[int, list[int]] = {pk: [] for pk in found}
        for line_id, receipt_id in VendorBillLine.goods_receipts.through.objects.filter(
            line_id__in=list(found)
        ).values_list("line_id", "goods_receipt_id"):
            receipts[line_id].append(receipt_id)
        return {
            pk: BillCharge(
                bill_line_id=pk,
                bill_id=line.bill_id,
                bill_number=line.bill.number,
                bill_date=line.bill.bill_date,
                approved=line.bill.status in (VendorBillStatus.APPROVED, VendorBillStatus.PAID),
                is_landed_cost=line.is_landed_cost,
                kind=line.kind,
                description=line.description,
                amount=line_amount(line.quantity, line.unit_price, line.bill.currency_id),
                currency=line.bill.currency_id,
                goods_receipt_ids=tuple(sorted(receipts[pk])),
            )
            for pk, line in found.items()
        }


def _pairs(pairs: set[tuple[int, int]], warehouse_field: str) -> Q:
    """``(product in [...] AND warehouse = w) OR ...``: one term per warehouse, not per pair."""
    by_warehouse: dict[int, list[int]] = defaultdict(list)
    for product_id, warehouse_id in sorted(pairs):
        by_warehouse[warehouse_id].append(product_id)
    return Q(
        *(Q(product_id__any=products, **{warehouse_field: w}) for w, products in by_warehouse.items()),
        _connector=Q.OR,
    )
