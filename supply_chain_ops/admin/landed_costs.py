"""Landed costs in the admin: drafts edited with their receipts and charges, then reviewed and posted.

The change page of a computed landed cost shows its allocation table (per receipt line: basis,
exact share, allocation, on-hand part by warehouse, consumed part), the totals per charge that
must balance, each pool's average unit cost before and after, with a warning above the tenant's
threshold, and the journal summary once posted. Compute, approve, post, cancel and reverse are
the transition buttons; posting and reversing ask for a recent second factor first.
"""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from nexus.core.admin.documents import DocumentAdmin, DraftLinesInline
from nexus.core.admin.navigation import Group, register_screen
from nexus.core.admin.queues import register_queue
from nexus.core.sequences import next_number
from nexus.core.stepup import has_recent_mfa, step_up_redirect
from supply_chain_ops.models import LandedCost, LandedCostCharge, LandedCostReceipt, LandedCostStatus
from supply_chain_ops.services.journal import as_csv
from supply_chain_ops.workflows.landed_cost_tables import (
    ALLOCATION_COLUMNS,
    JOURNAL_COLUMNS,
    allocation_table,
    charge_totals,
    journal_table,
)
from supply_chain_ops.workflows.landed_costs import DOC_TYPE

#: Transitions that move stock value: a recent second factor first.
STEP_UP_TRANSITIONS = ("post", "reverse")
#: Rows the change page shows; the CSV export has them all.
SHOWN_ROWS = 500


class ReceiptInline(DraftLinesInline):
    model = LandedCostReceipt
    fields = ("goods_receipt",)
    raw_id_fields = ("goods_receipt",)
    verbose_name = "goods receipt"


class ChargeInline(DraftLinesInline):
    model = LandedCostCharge
    fields = (
        "kind",
        "description",
        "amount",
        "currency",
        "split_method",
        "manual_percent",
        "manual_shares",
        "bill_number",
        "rate",
        "converted",
    )
    readonly_fields = ("bill_number", "rate", "converted")


def _table(headers: list[str], rows: list[list[Any]]) -> SafeString:
    head = format_html_join("", "<th>{}</th>", ((h,) for h in headers))
    body = format_html_join(
        "", "<tr>{}</tr>", ((format_html_join("", "<td>{}</td>", ((c,) for c in row)),) for row in rows)
    )
    return format_html(
        '<table class="landed-cost-table"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>', head, body
    )


@admin.register(LandedCost)
class LandedCostAdmin(DocumentAdmin):
    list_display = ("number", "description", "status", "cost_date", "total", "currency", "source_bill")
    list_filter = ("status", "cost_date")
    search_fields = ("number", "description")
    date_hierarchy = "cost_date"
    fields = (
        "number",
        "description",
        "cost_date",
        "status",
        "source_bill",
        "currency",
        "total",
        "capitalised",
        "cost_of_goods_sold",
        "charge_balance",
        "pool_review",
        "allocation_review",
        "journal_summary",
        "computed_at",
        "posted_at",
        "reversed_at",
    )
    readonly_fields = (
        "number",
        "source_bill",
        "currency",
        "total",
        "capitalised",
        "cost_of_goods_sold",
        "charge_balance",
        "pool_review",
        "allocation_review",
        "journal_summary",
        "computed_at",
        "posted_at",
        "reversed_at",
    )
    inlines = [ReceiptInline, ChargeInline]

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        # The dashboard's queue of drafts made from bills links to this filter.
        return lookup == "source_bill__isnull" or super().lookup_allowed(lookup, value, request)

    def number_new_document(self, obj: LandedCost) -> None:
        if not obj.number:
            obj.number = next_number(DOC_TYPE)

    # -- review -------------------------------------------------------------------------------

    @admin.display(description="totals per charge")
    def charge_balance(self, obj: LandedCost) -> SafeString | str:
        if obj.pk is None or obj.total is None:
            return "—"
        rows = [
            [
                str(t["charge"]),
                t["converted"],
                t["allocated"],
                "balanced" if t["balanced"] else "DOES NOT BALANCE",
            ]
            for t in charge_totals(obj)
        ]
        return _table(["charge", f"converted ({obj.currency_id})", "allocated", ""], rows)

    @admin.display(description="average unit cost per warehouse (pool average)")
    def pool_review(self, obj: LandedCost) -> SafeString | str:
        pools = obj.review.get("pools", []) if obj.pk else []
        if not pools:
            return "—"
        threshold = obj.review.get("warning_percent")
        rows = [
            [
                p["sku"],
                p["warehouse"],
                p["on_hand"],
                p["added"],
                p["average_before"],
                p["average_after"],
                f"{p['rise_percent']} %",
                f"⚠ rises more than {threshold} %" if p["warning"] else "",
            ]
            for p in pools
        ]
        return _table(
            [
                "product",
                "warehouse",
                "on hand",
                "added",
                "pool average before",
                "pool average after",
                "rise",
                "",
            ],
            rows,
        )

    @admin.display(description="allocation table")
    def allocation_review(self, obj: LandedCost) -> SafeString | str:
        if obj.pk is None or obj.total is None:
            return "Compute to see the allocation table."
        table = allocation_table(obj)
        shown = [[row[column] for column in ALLOCATION_COLUMNS] for row in table[:SHOWN_ROWS]]
        note = (
            format_html("<p>Showing {} of {} rows; the CSV has them all.</p>", SHOWN_ROWS, len(table))
            if len(table) > SHOWN_ROWS
            else ""
        )
        link = format_html(
            '<p><a href="{}">Download the allocation table (CSV)</a></p>', self._csv_url(obj, "allocation")
        )
        return format_html(
            "{}{}{}", _table([c.replace("_", " ") for c in ALLOCATION_COLUMNS], shown), note, link
        )

    @admin.display(description="journal summary")
    def journal_summary(self, obj: LandedCost) -> SafeString | str:
        if obj.pk is None or not obj.journal:
            return "Written when the landed cost is posted."
        rows = [[row[column] for column in JOURNAL_COLUMNS] for row in journal_table(obj)]
        note = (
            "Reversed: the opposite value came off the goods still on hand at reversal time; the rest "
            "off cost of goods sold."
            if obj.reversal_journal
            else ""
        )
        link = format_html(
            '<a href="{}">Download the journal summary (CSV)</a>', self._csv_url(obj, "journal")
        )
        return format_html("{}<p>{}</p><p>{}</p>", _table(JOURNAL_COLUMNS, rows), note, link)

    # -- step-up and CSV ----------------------------------------------------------------------

    def transition_view(self, request: HttpRequest, object_id: str, transition: str) -> HttpResponseBase:
        if transition in STEP_UP_TRANSITIONS and not has_recent_mfa(request):
            return step_up_redirect(request)
        return super().transition_view(request, object_id, transition)

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<path:object_id>/csv/<str:table>/",
                self.admin_site.admin_view(self.csv_view),
                name="supply_chain_ops_landedcost_csv",
            )
        ]
        return [*own, *super().get_urls()]

    def _csv_url(self, obj: LandedCost, table: str) -> str:
        return reverse("admin:supply_chain_ops_landedcost_csv", args=[obj.pk, table])

    def csv_view(self, request: HttpRequest, object_id: str, table: str) -> HttpResponse:
        obj = self.get_object(request, object_id)
        if (
            obj is None
            or not self.has_view_or_change_permission(request, obj)
            or table not in ("allocation", "journal")
        ):
            return HttpResponse(status=404)
        text = (
            as_csv(allocation_table(obj), ALLOCATION_COLUMNS)
            if table == "allocation"
            else as_csv(journal_table(obj), JOURNAL_COLUMNS)
        )
        response = HttpResponse(text, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{obj.number}-{table}.csv"'
        return response


def _computed(request: HttpRequest) -> QuerySet[LandedCost]:
    return LandedCost.objects.filter(status=LandedCostStatus.COMPUTED)


def _drafts_from_bills(request: HttpRequest) -> QuerySet[LandedCost]:
    return LandedCost.objects.filter(status=LandedCostStatus.DRAFT, source_bill__isnull=False)


register_screen(Group.RETURNS_AND_COSTS, model=LandedCost, icon="local_shipping", order=20)
register_queue(
    "supply_chain.landed_costs_to_review",
    title="Landed costs to review",
    group=Group.RETURNS_AND_COSTS,
    permission="supply_chain_ops.approve_landedcost",
    queryset=_computed,
    changelist="admin:supply_chain_ops_landedcost_changelist",
    filters={"status__exact": LandedCostStatus.COMPUTED},
    description="Computed and waiting for review and approval.",
    order=20,
)
register_queue(
    "supply_chain.landed_cost_drafts_from_bills",
    title="Landed-cost drafts from bills",
    group=Group.RETURNS_AND_COSTS,
    permission="supply_chain_ops.change_landedcost",
    queryset=_drafts_from_bills,
    changelist="admin:supply_chain_ops_landedcost_changelist",
    filters={"status__exact": LandedCostStatus.DRAFT, "source_bill__isnull": "False"},
    description="Drafted from approved vendor bills; check the split methods and compute.",
    order=21,
)
