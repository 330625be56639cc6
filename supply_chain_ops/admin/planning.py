"""Replenishment and balancing runs in the admin: the runs, their explained lines with filters,
bulk approve/reject, "Run now" buttons, and a chart per line of history, forecast and reorder point.

Runs are made only by the workflows (nightly, ``manage.py run_replenishment``, the "Run now"
button); a run's page is read-only and moves on by its buttons. Releasing creates requisitions and
needs a recent second factor, as posting a landed cost does.
"""

from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, json_script
from django.utils.safestring import SafeString
from unfold.admin import ModelAdmin, TabularInline

from nexus.core.admin.documents import DocumentAdmin
from nexus.core.admin.navigation import Group, register_screen
from nexus.core.admin.queues import register_queue
from nexus.core.admin.read_only import NothingToSaveMixin
from nexus.core.errors import NexusError
from nexus.core.stepup import has_recent_mfa, step_up_redirect
from supply_chain_ops.models import (
    BalancingLine,
    BalancingRun,
    Decision,
    ReplenishmentLine,
    ReplenishmentRun,
    RunStatus,
)
from supply_chain_ops.models.replenishment import EXPLAINED_FIGURES
from supply_chain_ops.workflows import balancing, replenishment

#: Run steps people take by button; proposing and superseding belong to the runs themselves.
OFFERED = ("approve", "release")
STEP_UP_TRANSITIONS = ("release",)
RUN_PERMISSIONS = {
    ReplenishmentRun: "supply_chain_ops.run_replenishmentrun",
    BalancingRun: "supply_chain_ops.run_balancingrun",
}
CHART_JS = "unfold/js/chart/chart.js"


class ReadOnlyLinesInline(TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReplenishmentLineInline(ReadOnlyLinesInline):
    model = ReplenishmentLine
    fields = ("sku", "warehouse", "kind", "quantity", "decision", "method", "reorder_point", "position")
    readonly_fields = fields


class BalancingLineInline(ReadOnlyLinesInline):
    model = BalancingLine
    fields = ("sku", "source_warehouse", "destination_warehouse", "quantity", "distance_km", "transfer_order")
    readonly_fields = fields


class PlanningRunAdmin(DocumentAdmin):
    """What both run screens share: read-only pages, offered steps, and "Run now"."""

    change_list_template = "admin/supply_chain_ops/run_change_list.html"
    run_label = ""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [f.name for f in self.model._meta.concrete_fields if f.name not in ("id", "tenant")]

    def transition_buttons(self, request: HttpRequest, obj: Model) -> list[dict[str, Any]]:
        return [b for b in super().transition_buttons(request, obj) if b["name"] in OFFERED]

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return {}

    def transition_view(self, request: HttpRequest, object_id: str, transition: str) -> HttpResponseBase:
        if transition in STEP_UP_TRANSITIONS and not has_recent_mfa(request):
            return step_up_redirect(request)
        return super().transition_view(request, object_id, transition)

    def get_urls(self) -> list[URLPattern]:
        info = self.opts.app_label, self.opts.model_name
        own = [path("run/", self.admin_site.admin_view(self.run_view), name="{}_{}_run".format(*info))]
        return [*own, *super().get_urls()]

    def may_run(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm(RUN_PERMISSIONS[self.model]))

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        context = dict(extra_context or {})
        if self.may_run(request):
            context["run_url"] = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_run")
            context["run_label"] = self.run_label
        return super().changelist_view(request, context)

    def start(self, request: HttpRequest) -> Model:
        raise NotImplementedError

    def run_view(self, request: HttpRequest) -> HttpResponse:
        """GET: what running does, and a button; POST: run now and show the new run."""
        if not self.may_run(request):
            return HttpResponse(status=403)
        if request.method == "POST":
            try:
                run = self.start(request)
            except NexusError as error:
                self.message_user(request, str(error), messages.ERROR)
                return HttpResponseRedirect(
                    reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
                )
            self.message_user(request, f"{run} is proposed.", messages.SUCCESS)
            return HttpResponseRedirect(self.change_url(run))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": self.run_label,
            "run_label": self.run_label,
            "description": self.run_description,
        }
        return TemplateResponse(request, "admin/supply_chain_ops/run_confirm.html", context)

    run_description = ""


@admin.register(ReplenishmentRun)
class ReplenishmentRunAdmin(PlanningRunAdmin):
    list_display = ("number", "status", "trigger", "series_count", "purchases", "transfers", "created_at")
    list_filter = ("status", "trigger", "created_at")
    search_fields = ("number", "lines__sku")
    ordering = ("-id",)
    inlines = [ReplenishmentLineInline]
    run_label = "Run replenishment now"
    run_description = (
        "Plans every product and warehouse with demand history: forecast, safety stock, reorder point "
        "and what is in progress. The previous unreleased run is superseded (its draft transfers "
        "withdrawn) and a proposed run is left for you to review."
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReplenishmentRun]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                purchase_count=Count("lines", filter=Q(lines__kind="purchase")),
                transfer_count=Count("lines", filter=Q(lines__kind="transfer")),
            )
        )

    @admin.display(description="purchases", ordering="purchase_count")
    def purchases(self, run: Any) -> int:
        return int(run.purchase_count)

    @admin.display(description="transfers", ordering="transfer_count")
    def transfers(self, run: Any) -> int:
        return int(run.transfer_count)

    def start(self, request: HttpRequest) -> Model:
        return replenishment.run_replenishment(actor=request.user)


@admin.register(BalancingRun)
class BalancingRunAdmin(PlanningRunAdmin):
    list_display = ("number", "status", "distance_limit_km", "created_at")
    list_filter = ("status", "created_at")
    search_fields = ("number", "lines__sku")
    ordering = ("-id",)
    inlines = [BalancingLineInline]
    run_label = "Run balancing now"
    run_description = (
        "Matches every product's warehouses below their reorder point to those above their "
        "order-up-to level, nearest first, as draft transfer orders. The previous proposed run is "
        "superseded (its draft transfers withdrawn)."
    )

    def start(self, request: HttpRequest) -> Model:
        return balancing.run_balancing(actor=request.user)


class RunStatusFilter(admin.SimpleListFilter):
    title = "run status"
    parameter_name = "run_status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return list(RunStatus.choices)

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(run__status=self.value()) if self.value() else queryset


@admin.register(ReplenishmentLine)
class ReplenishmentLineAdmin(NothingToSaveMixin, ModelAdmin):
    """Explained suggestions: read on their page, approved or rejected in bulk from the list."""

    list_display = (
        "sku",
        "warehouse",
        "kind",
        "quantity",
        "decision",
        "method",
        "forecast_daily",
        "reorder_point",
        "position",
        "run",
    )
    list_filter = (RunStatusFilter, "kind", "decision", "method", "warehouse", "lead_time_source")
    search_fields = ("sku", "run__number")
    list_select_related = ("warehouse", "run")
    ordering = ("-run_id", "sku")
    actions = ["approve_lines", "reject_lines"]
    fields = (
        "run",
        "sku",
        "warehouse",
        "kind",
        "decision",
        "quantity",
        "vendor",
        "source_warehouse",
        "transfer_order",
        "requisition",
        "explanation",
        "chart_view",
        *EXPLAINED_FIGURES,
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def _decide(
        self, request: HttpRequest, queryset: QuerySet[ReplenishmentLine], decision: Decision
    ) -> None:
        by_run: dict[int, list[int]] = {}
        for line_id, run_id in queryset.values_list("pk", "run_id"):
            by_run.setdefault(run_id, []).append(line_id)
        changed, refused = 0, []
        for run_id, line_ids in sorted(by_run.items()):
            try:
                changed += replenishment.decide(run_id, line_ids, decision, actor=request.user)
            except NexusError as error:
                refused.append(str(error))
        self.message_user(request, f"{changed} line(s) {decision}.", messages.SUCCESS)
        for message in refused:
            self.message_user(request, message, messages.ERROR)

    @admin.action(description="Approve the selected lines", permissions=["change"])
    def approve_lines(self, request: HttpRequest, queryset: QuerySet[ReplenishmentLine]) -> None:
        self._decide(request, queryset, Decision.APPROVED)

    @admin.action(description="Reject the selected lines", permissions=["change"])
    def reject_lines(self, request: HttpRequest, queryset: QuerySet[ReplenishmentLine]) -> None:
        self._decide(request, queryset, Decision.REJECTED)

    @admin.display(description="history, forecast and reorder point")
    def chart_view(self, line: ReplenishmentLine) -> SafeString | str:
        if not line.chart:
            return "—"
        element = f"replenishment-chart-{line.pk}"
        return format_html(
            '<div style="height:280px;max-width:820px"><canvas id="{}"></canvas></div>{}'
            '<script src="{}"></script><script src="{}"></script>',
            element,
            json_script(line.chart, f"{element}-data"),
            static(CHART_JS),
            static("supply_chain_ops/replenishment_chart.js"),
        )


register_screen(Group.PLANNING, model=ReplenishmentRun, icon="insights", order=10)
register_screen(Group.PLANNING, model=ReplenishmentLine, icon="list_alt", order=11)
register_screen(Group.PLANNING, model=BalancingRun, icon="balance", order=20)
register_queue(
    "supply_chain.replenishment_proposed",
    title="Replenishment runs to review",
    group=Group.PLANNING,
    permission="supply_chain_ops.approve_replenishmentrun",
    queryset=lambda request: ReplenishmentRun.objects.filter(status=RunStatus.PROPOSED),
    changelist="admin:supply_chain_ops_replenishmentrun_changelist",
    filters={"status__exact": RunStatus.PROPOSED},
    description="Proposed runs: approve or reject their lines, then approve and release.",
    order=10,
)
register_queue(
    "supply_chain.balancing_proposed",
    title="Balancing runs to review",
    group=Group.PLANNING,
    permission="supply_chain_ops.approve_balancingrun",
    queryset=lambda request: BalancingRun.objects.filter(status=RunStatus.PROPOSED),
    changelist="admin:supply_chain_ops_balancingrun_changelist",
    filters={"status__exact": RunStatus.PROPOSED},
    description="Proposed transfers between warehouses, waiting for approval.",
    order=11,
)
