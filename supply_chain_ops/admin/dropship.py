"""Dropship orders in the admin: the list, each order's lines with their purchase orders and
vendor shipments, the exception queue, and the steps as buttons.

A buyer works the exception queue from the change page: "Pick vendor" on a line without one
opens a form (``<id>/lines/<line id>/pick-vendor/``); "Resume" then creates the purchase orders.
Vendor shipments are recorded through ``POST /api/v1/dropship-orders/<id>/vendor-shipments/``.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.defaultfilters import linebreaksbr
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from nexus.core.admin.documents import DocumentAdmin
from nexus.core.admin.navigation import Group, register_screen
from nexus.core.admin.queues import register_queue
from nexus.core.errors import NexusError
from supply_chain_ops.models import DropshipLine, DropshipOrder, DropshipShipment, DropshipStatus
from supply_chain_ops.models.dropship import DropshipException
from supply_chain_ops.workflows import dropship

#: Steps that follow events or vendor notices, never offered as buttons.
SYSTEM_STEPS = ("create_purchase_orders", "hold", "ship_part", "ship_all")
PICK_PERMISSION = dropship.PICK_PERMISSION
NO_VENDOR = mark_safe("<strong>none</strong>")


class PickVendorForm(forms.ModelForm):
    """The vendor of one line; the model's own field lists the tenant's vendors."""

    class Meta:
        model = DropshipLine
        fields = ["vendor"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vendor"].required = True


def _link(url_name: str, pk: Any, label: str) -> SafeString:
    return format_html('<a href="{}" class="text-primary-600">{}</a>', reverse(url_name, args=[pk]), label)


def _table(headers: list[str], rows: list[list[Any]]) -> SafeString:
    head = format_html_join("", "<th>{}</th>", ((h,) for h in headers))
    body = format_html_join(
        "", "<tr>{}</tr>", ((format_html_join("", "<td>{}</td>", ((c,) for c in row)),) for row in rows)
    )
    return format_html(
        '<table class="dropship-table" cellpadding="4"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>',
        head,
        body,
    )


@admin.register(DropshipOrder)
class DropshipOrderAdmin(DocumentAdmin):
    list_display = (
        "number",
        "sales_order_number",
        "customer",
        "ship_to_name",
        "status",
        "exception_kind",
        "created_at",
    )
    list_filter = ("status", "exception_kind", "created_at")
    search_fields = ("number", "sales_order_number", "ship_to_name", "lines__sku")
    search_help_text = "Number, sales order, ship-to name, or a product SKU on a line."
    list_select_related = ("customer",)
    date_hierarchy = "created_at"
    ordering = ("-id",)
    fields = (
        "number",
        "sales_order_link",
        "customer",
        "customer_reference",
        "ship_to_address",
        "status",
        "exception_kind",
        "exception_reason",
        "lines_table",
        "shipments_table",
        "sent_at",
        "shipped_at",
        "closed_at",
    )
    readonly_fields = fields
    automatic_transitions = SYSTEM_STEPS

    def get_queryset(self, request: HttpRequest) -> QuerySet[DropshipOrder]:
        lines = Prefetch(
            "lines",
            DropshipLine.objects.select_related("vendor", "purchase_order")
            .prefetch_related("shipment_lines__shipment")
            .order_by("id"),
        )
        shipments = Prefetch(
            "shipments", DropshipShipment.objects.select_related("sales_shipment").order_by("id")
        )
        return super().get_queryset(request).prefetch_related(lines, shipments).distinct()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def transition_buttons(self, request: HttpRequest, obj: Any) -> list[dict[str, Any]]:
        return [b for b in super().transition_buttons(request, obj) if b["name"] not in SYSTEM_STEPS]

    @admin.display(description="sales order")
    def sales_order_link(self, obj: DropshipOrder) -> SafeString:
        return _link("admin:sales_salesorder_change", obj.sales_order_id, obj.sales_order_number)

    @admin.display(description="ship to")
    def ship_to_address(self, obj: DropshipOrder) -> SafeString:
        return linebreaksbr(obj.ship_to)

    def _may_pick(self, request: HttpRequest, obj: DropshipOrder) -> bool:
        return (
            obj.status == DropshipStatus.EXCEPTION
            and obj.exception_kind == DropshipException.NO_VENDOR
            and request.user.has_perm(PICK_PERMISSION)
        )

    @admin.display(description="lines, their purchase orders and vendor shipments")
    def lines_table(self, obj: DropshipOrder) -> SafeString | str:
        if obj.pk is None:
            return "—"
        may_pick = getattr(obj, "may_pick", False)
        rows = []
        for line in obj.lines.all():
            vendor: Any = line.vendor.code if line.vendor else NO_VENDOR
            if may_pick and line.purchase_order_id is None:
                url = reverse("admin:supply_chain_ops_dropshiporder_pick_vendor", args=[obj.pk, line.pk])
                verb = "Change vendor" if line.vendor_id else "Pick vendor"
                vendor = format_html('{} · <a href="{}" class="text-primary-600">{}</a>', vendor, url, verb)
            order = line.purchase_order
            purchase = (
                format_html(
                    "{} ({})",
                    _link("admin:procurement_purchaseorder_change", order.pk, order.number),
                    order.get_status_display().lower(),
                )
                if order is not None
                else "—"
            )
            shipped = ", ".join(
                f"{row.shipment.tracking_number}: {row.quantity.normalize():f}"
                for row in line.shipment_lines.all()
            )
            rows.append(
                [
                    line.sku,
                    f"{line.quantity.normalize():f} {line.unit}",
                    vendor,
                    line.get_vendor_choice_display() if line.vendor_choice else "",
                    f"{line.unit_price.normalize():f} {line.currency}"
                    if line.unit_price is not None
                    else "—",
                    purchase,
                    f"{line.shipped_quantity.normalize():f}",
                    shipped or "—",
                    line.problem,
                ]
            )
        return _table(
            [
                "product",
                "quantity",
                "vendor",
                "chosen",
                "price",
                "purchase order",
                "shipped",
                "vendor shipments",
                "problem",
            ],
            rows,
        )

    @admin.display(description="vendor shipments")
    def shipments_table(self, obj: DropshipOrder) -> SafeString | str:
        shipments = list(obj.shipments.all()) if obj.pk else []
        if not shipments:
            return "None yet: vendors report them through the API (vendor-shipments)."
        rows = [
            [
                s.tracking_number,
                s.carrier,
                s.shipped_at,
                _link("admin:sales_shipment_change", s.sales_shipment_id, str(s.sales_shipment))
                if s.sales_shipment_id
                else "—",
                s.reported_by,
            ]
            for s in shipments
        ]
        return _table(["tracking number", "carrier", "shipped", "sales shipment", "reported by"], rows)

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        form = context.get("adminform")
        if obj is not None and form is not None:  # the lines table offers "Pick vendor" to those who may
            form.form.instance.may_pick = self._may_pick(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<path:object_id>/lines/<int:line_id>/pick-vendor/",
                self.admin_site.admin_view(self.pick_vendor_view),
                name="supply_chain_ops_dropshiporder_pick_vendor",
            )
        ]
        return [*own, *super().get_urls()]

    def pick_vendor_view(self, request: HttpRequest, object_id: str, line_id: int) -> HttpResponse:
        """A buyer picks the vendor of a line waiting in the exception queue."""
        order = self.get_object(request, object_id)
        if order is None:
            return HttpResponse(status=404)
        if not self._may_pick(request, order):
            raise PermissionDenied
        line = order.lines.filter(pk=line_id).first()
        if line is None:
            return HttpResponse(status=404)
        form = PickVendorForm(request.POST or None, instance=DropshipLine(tenant_id=line.tenant_id))
        change_url = reverse("admin:supply_chain_ops_dropshiporder_change", args=[order.pk])
        if request.method == "POST" and form.is_valid():
            try:
                dropship.pick_vendor(order, line.pk, form.cleaned_data["vendor"].pk, actor=request.user)
            except NexusError as error:
                form.add_error(None, error.detail)
            else:
                self.message_user(
                    request,
                    f"{form.cleaned_data['vendor']} ships {line.sku}. "
                    "Resume the order once every line has a vendor.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Pick the vendor of {line.sku}",
            "opts": self.opts,
            "form": form,
            "order": order,
            "line": line,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/supply_chain_ops/dropshiporder/pick_vendor.html", context)


def _exceptions(request: HttpRequest) -> QuerySet[DropshipOrder]:
    return DropshipOrder.objects.filter(status=DropshipStatus.EXCEPTION)


def _to_send(request: HttpRequest) -> QuerySet[DropshipOrder]:
    return DropshipOrder.objects.filter(status=DropshipStatus.PURCHASE_ORDERS_CREATED)


register_screen(Group.PURCHASING, model=DropshipOrder, icon="conveyor_belt", order=40)
register_queue(
    "supply_chain.dropship_exceptions",
    title="Dropship exceptions",
    group=Group.PURCHASING,
    permission=PICK_PERMISSION,
    queryset=_exceptions,
    changelist="admin:supply_chain_ops_dropshiporder_changelist",
    filters={"status__exact": DropshipStatus.EXCEPTION},
    description="A line without a vendor to pick, or sent orders to cancel with the vendors.",
    order=40,
)
register_queue(
    "supply_chain.dropship_to_send",
    title="Dropship orders to send",
    group=Group.PURCHASING,
    permission="supply_chain_ops.send_dropshiporder",
    queryset=_to_send,
    changelist="admin:supply_chain_ops_dropshiporder_changelist",
    filters={"status__exact": DropshipStatus.PURCHASE_ORDERS_CREATED},
    description="Purchase orders drafted for dropship lines; check them and send them to the vendors.",
    order=41,
)
