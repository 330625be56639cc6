"""RMAs in the admin: the list and its queues, lines with what each may still return, receipts and
inspections, the steps as buttons, bulk approve/reject, and a new RMA made from a sales order.

A clerk opens *Return goods (RMA)* on a sales order's page (or *Return goods of a sales order* on
the list, by order number), which lists the order's shipped lines with what each may still return
filled in. Approving an
RMA worth more than the tenant's limit asks for a recent second factor first. "Inspect…" opens a
page of dispositions per line; receipts of part of the goods and repairs go through
``/api/v1/rmas/``, "Receive the rest" is a button.
"""

import datetime as dt
import functools
import uuid
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from unfold.admin import ModelAdmin, TabularInline

from nexus.core.admin.audited import AuditedModelAdmin
from nexus.core.admin.documents import DocumentAdmin
from nexus.core.admin.extensions import ObjectLink, register_object_link
from nexus.core.admin.navigation import Group, register_screen
from nexus.core.admin.queues import register_queue
from nexus.core.errors import NexusError
from nexus.core.stepup import has_recent_mfa, require_recent_mfa, step_up_redirect
from nexus.core.transitions import TransitionResult, TransitionSpec
from supply_chain_ops.models import (
    Disposition,
    Resolution,
    Rma,
    RmaInspection,
    RmaLine,
    RmaReason,
    RmaReceipt,
    RmaStatus,
)
from supply_chain_ops.workflows import rmas

#: "Receive the rest" covers the admin's receipts; the wait for goods follows approval by itself;
#: "Inspect…" opens the inspection page (each quantity's disposition), never a bare transition.
HIDDEN_TRANSITIONS = ("receive_part", "await_receipt")
INSPECT = "inspect"
TO_RECEIVE = (RmaStatus.APPROVED, RmaStatus.AWAITING_RECEIPT, RmaStatus.PARTIALLY_RECEIVED)


class ReadOnlyInline(TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RmaLineInline(ReadOnlyInline):
    model = RmaLine
    fields = (
        "sku",
        "description",
        "unit_price",
        "requested_quantity",
        "returnable",
        "approved_quantity",
        "received_quantity",
        "inspected_quantity",
    )
    readonly_fields = fields

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        # What each line may still return, for all lines at once (one contract call).
        self._returnable = (
            rmas.returnable([line.sales_order_line_id for line in obj.lines.all()], excluding_rma_id=obj.pk)
            if obj is not None
            else {}
        )
        return super().get_formset(request, obj, **kwargs)

    @admin.display(description="returnable")
    def returnable(self, line: RmaLine) -> str:
        found = getattr(self, "_returnable", {}).get(line.sales_order_line_id)
        if found is None:
            return "—"
        shipped = f"{found.line.shipped_quantity.normalize():f} shipped"
        others = "".join(f", {q.normalize():f} on {number}" for number, q in found.claims)
        return f"{found.quantity.normalize():f} ({shipped}{others})"


class RmaReceiptInline(ReadOnlyInline):
    model = RmaReceipt
    fields = ("line", "quantity", "value", "received_at", "received_by")
    readonly_fields = fields


class RmaInspectionInline(ReadOnlyInline):
    model = RmaInspection
    fields = (
        "line",
        "quantity",
        "disposition",
        "defective",
        "vendor",
        "vendor_return_number",
        "repaired_quantity",
        "value",
        "note",
        "inspected_by",
    )
    readonly_fields = fields


class AgeFilter(admin.SimpleListFilter):
    """How long ago the RMA was opened."""

    title = "age"
    parameter_name = "age"
    BANDS = {"week": (0, 7), "month": (7, 30), "older": (30, None)}

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("week", "Under a week"), ("month", "A week to a month"), ("older", "Over a month")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        band = self.BANDS.get(self.value() or "")
        if band is None:
            return queryset
        now = timezone.now()
        low, high = band
        queryset = queryset.filter(created_at__lte=now - dt.timedelta(days=low))
        return queryset if high is None else queryset.filter(created_at__gt=now - dt.timedelta(days=high))


@admin.register(Rma)
class RmaAdmin(DocumentAdmin):
    list_display = (
        "number",
        "customer",
        "order_number",
        "reason",
        "requested_resolution",
        "warehouse",
        "status",
        "age",
    )
    # Only the customers that have returns: the customer list is thousands long.
    list_filter = (
        "status",
        ("customer", admin.RelatedOnlyFieldListFilter),
        AgeFilter,
        "warehouse",
        "reason",
        "requested_resolution",
    )
    search_fields = ("number", "order_number", "lines__sku", "notes")
    search_help_text = "Number, sales order number, a product SKU on a line, or the notes."
    list_select_related = ("customer", "warehouse", "reason")
    ordering = ("-id",)
    fields = (
        "number",
        "customer",
        "order_number",
        "reason",
        "requested_resolution",
        "warehouse",
        "notes",
        "window_override_reason",
        "status",
        "submitted_at",
        "approved_at",
        "received_at",
        "inspected_at",
        "resolved_at",
        "closed_at",
        "credit_note",
        "replacement_order",
        "restocking_fee",
    )
    readonly_fields = (
        "number",
        "customer",
        "order_number",
        "warehouse",
        "submitted_at",
        "approved_at",
        "received_at",
        "inspected_at",
        "resolved_at",
        "closed_at",
        "credit_note",
        "replacement_order",
        "restocking_fee",
    )
    inlines = [RmaLineInline, RmaReceiptInline, RmaInspectionInline]
    automatic_transitions = HIDDEN_TRANSITIONS
    change_list_template = "admin/supply_chain_ops/rma/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Rma]:
        lines = Prefetch("lines", RmaLine.objects.order_by("id"))
        return super().get_queryset(request).prefetch_related(lines).distinct()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="age", ordering="created_at")
    def age(self, rma: Rma) -> str:
        days = (timezone.now() - rma.created_at).days
        return f"{days} day{'s' if days != 1 else ''}"

    def transition_buttons(self, request: HttpRequest, obj: Model) -> list[dict[str, Any]]:
        buttons = [b for b in super().transition_buttons(request, obj) if b["name"] not in HIDDEN_TRANSITIONS]
        for button in buttons:
            if button["name"] == INSPECT:  # a page of its own: a link, like a step asking for a reason
                button.update(
                    url=reverse("admin:supply_chain_ops_rma_inspect", args=[obj.pk]), requires_reason=True
                )
        return buttons

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        for name in (*HIDDEN_TRANSITIONS, INSPECT):
            actions.pop(f"transition_{name}", None)
        return actions

    def run_transition(
        self,
        request: HttpRequest,
        obj: Model,
        spec: TransitionSpec,
        *,
        reason: str = "",
        idempotency_key: str = "",
    ) -> TransitionResult:
        if spec.name == "approve" and isinstance(obj, Rma) and rmas.needs_step_up(obj):
            require_recent_mfa(request)
        if spec.name == "receive_all":
            return rmas.receive(obj.pk, actor=request.user, idempotency_key=idempotency_key)
        return super().run_transition(request, obj, spec, reason=reason, idempotency_key=idempotency_key)

    def transition_view(self, request: HttpRequest, object_id: str, transition: str) -> HttpResponseBase:
        if transition == "approve" and not has_recent_mfa(request):
            obj = self.get_object(request, object_id)
            if isinstance(obj, Rma) and rmas.needs_step_up(obj):
                return step_up_redirect(request)
        return super().transition_view(request, object_id, transition)

    # -- a new RMA from a sales order -----------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "from-order/",
                self.admin_site.admin_view(self.from_order_view),
                name="supply_chain_ops_rma_from_order",
            ),
            path(
                "<int:object_id>/inspect/",
                self.admin_site.admin_view(self.inspect_view),
                name="supply_chain_ops_rma_inspect",
            ),
        ]
        return [*own, *super().get_urls()]

    def from_order_view(self, request: HttpRequest) -> HttpResponse:
        """Choose a sales order, then the quantities of its shipped lines to return (prefilled)."""
        if not self.has_view_permission(request) or not request.user.has_perm("supply_chain_ops.add_rma"):
            raise PermissionDenied
        order_id = _int(request.GET.get("sales_order") or request.POST.get("sales_order"))
        number = (request.GET.get("number") or "").strip()
        if number and order_id is None:
            order_id = rmas.order_id_by_number(number)
            if order_id is None:
                self.message_user(request, f"No sales order {number} in this tenant.", messages.ERROR)
        lines = rmas.order_lines_to_return(order_id) if order_id else []
        form = FromOrderForm(request.POST or None, lines=lines, initial={"sales_order": order_id})
        if request.method == "POST" and order_id and lines and form.is_valid():
            try:
                rma = rmas.create_rma(
                    sales_order_id=order_id,
                    reason_id=form.cleaned_data["reason"].pk,
                    requested_resolution=form.cleaned_data["requested_resolution"],
                    notes=form.cleaned_data["notes"],
                    window_override_reason=form.cleaned_data["window_override_reason"],
                    lines=form.chosen_lines(),
                    actor=request.user,
                )
            except NexusError as error:
                self.message_user(request, error.detail, messages.ERROR)
            else:
                self.message_user(request, f"Drafted “{rma}”; submit it for approval.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:supply_chain_ops_rma_change", args=[rma.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Return goods of a sales order",
            "opts": self.opts,
            "form": form,
            "rows": [(row, form[f"line_{row.line.line_id}"]) for row in lines],
            "order_id": order_id,
            "number": number,
        }
        return TemplateResponse(request, "admin/supply_chain_ops/rma/from_order.html", context)

    def inspect_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Dispose of what was received: per line, how much to restock, scrap, repair or send back."""
        rma = self.get_object(request, str(object_id))
        if rma is None or not self.has_change_permission(request, rma):
            raise PermissionDenied
        lines = [line for line in rma.lines.all() if line.received_quantity > line.inspected_quantity]
        form = InspectForm(request.POST or None, lines=lines)
        if request.method == "POST" and form.is_valid():
            try:
                rmas.inspect(
                    rma, form.inspections(), actor=request.user, idempotency_key=form.cleaned_data["key"]
                )
            except NexusError as error:
                self.message_user(request, error.detail, messages.ERROR)
            else:
                self.message_user(request, f"Inspected “{rma}”.", messages.SUCCESS)
                return HttpResponseRedirect(self.change_url(rma))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Inspect {rma}",
            "opts": self.opts,
            "form": form,
            "rows": [
                (line, [form[f"{d}_{line.pk}"] for d in Disposition.values], form[f"defective_{line.pk}"])
                for line in lines
            ],
            "dispositions": Disposition.labels,
            "change_url": self.change_url(rma),
        }
        return TemplateResponse(request, "admin/supply_chain_ops/rma/inspect.html", context)


class InspectForm(forms.Form):
    """Per received line, the quantity of each disposition (they must add up to what was received)."""

    key = forms.CharField(widget=forms.HiddenInput, required=False)
    vendor = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, help_text="Whom the goods returned to a vendor go to."
    )
    note = forms.CharField(required=False, max_length=255)

    def __init__(self, *args: Any, lines: list[RmaLine], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines = lines
        self.fields["key"].initial = uuid.uuid4().hex
        vendor = self.fields["vendor"]
        assert isinstance(vendor, forms.TypedChoiceField)
        vendor.choices = [("", "—"), *rmas.vendor_choices()]
        for line in lines:
            open_quantity = (line.received_quantity - line.inspected_quantity).normalize()
            for disposition in Disposition.values:
                initial = open_quantity if disposition == Disposition.RESTOCK else None
                self.fields[f"{disposition}_{line.pk}"] = forms.DecimalField(
                    required=False, min_value=Decimal(0), max_digits=18, decimal_places=4, initial=initial
                )
            self.fields[f"defective_{line.pk}"] = forms.BooleanField(required=False)

    def inspections(self) -> list[rmas.InspectionInput]:
        data = self.cleaned_data
        return [
            rmas.InspectionInput(
                line.pk,
                data[f"{disposition}_{line.pk}"],
                disposition,
                defective=data[f"defective_{line.pk}"],
                vendor_id=data["vendor"] if disposition == Disposition.RETURN_TO_VENDOR else None,
                note=data["note"],
            )
            for line in self.lines
            for disposition in Disposition.values
            if data.get(f"{disposition}_{line.pk}")
        ]


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


class FromOrderForm(forms.Form):
    """The RMA's reason and resolution, and a quantity per shipped line (what it may still return)."""

    sales_order = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.ModelChoiceField(queryset=RmaReason.objects.filter(active=True))
    requested_resolution = forms.ChoiceField(choices=Resolution.choices)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    window_override_reason = forms.CharField(
        required=False, help_text="Only to accept goods after the return window (needs permission)."
    )

    def __init__(self, *args: Any, lines: list[rmas.Returnable], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.line_ids = [row.line.line_id for row in lines]
        for row in lines:
            self.fields[f"line_{row.line.line_id}"] = forms.DecimalField(
                required=False,
                min_value=Decimal(0),
                max_digits=18,
                decimal_places=4,
                initial=row.quantity.normalize(),
                label=row.line.sku,
            )

    def chosen_lines(self) -> list[tuple[int, Decimal]]:
        return [
            (pk, self.cleaned_data[f"line_{pk}"])
            for pk in self.line_ids
            if self.cleaned_data.get(f"line_{pk}")
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.line_ids and not any(cleaned.get(f"line_{pk}") for pk in self.line_ids):
            raise forms.ValidationError("Enter a quantity to return on at least one line.")
        return cleaned


@admin.register(RmaReason)
class RmaReasonAdmin(AuditedModelAdmin, ModelAdmin):
    list_display = ("code", "name", "defective", "active")
    list_filter = ("active", "defective")
    search_fields = ("code", "name")
    ordering = ("code",)


register_screen(Group.RETURNS_AND_COSTS, model=Rma, icon="assignment_return", order=10)
register_object_link(
    "sales.salesorder",
    ObjectLink(
        "Return goods (RMA)",
        url=lambda order: f"{reverse('admin:supply_chain_ops_rma_from_order')}?sales_order={order.pk}",
        permission="supply_chain_ops.add_rma",
        icon="assignment_return",
    ),
)
register_screen(Group.RETURNS_AND_COSTS, model=RmaReason, icon="label", order=11)

CHANGELIST = "admin:supply_chain_ops_rma_changelist"


def _in_states(states: tuple[str, ...], request: HttpRequest) -> QuerySet[Rma]:
    return Rma.objects.filter(status__in=states)


for key, title, permission, states, order in (
    ("to_approve", "RMAs to approve", "approve_rma", (RmaStatus.SUBMITTED,), 60),
    ("to_receive", "RMAs to receive", "receive_rma", TO_RECEIVE, 61),
    ("to_inspect", "RMAs to inspect", "inspect_rma", (RmaStatus.RECEIVED,), 62),
    ("to_resolve", "RMAs to resolve", "resolve_rma", (RmaStatus.INSPECTED,), 63),
):
    register_queue(
        f"supply_chain.rmas_{key}",
        title=title,
        group=Group.RETURNS_AND_COSTS,
        permission=f"supply_chain_ops.{permission}",
        queryset=functools.partial(_in_states, states),
        changelist=CHANGELIST,
        filters={"status__in": ",".join(states)} if len(states) > 1 else {"status__exact": states[0]},
        order=order,
    )
