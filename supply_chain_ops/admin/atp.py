"""Promises, learnt lead times, and a product's ATP with its chart, in the admin."""

import json
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from unfold.admin import ModelAdmin

from nexus.core.admin.breadcrumbs import object_breadcrumbs
from nexus.core.admin.extensions import ObjectLink, register_object_link
from nexus.core.admin.navigation import Group, register_screen
from nexus.core.admin.transitions import TransitionAdminMixin
from supply_chain_ops import wiring
from supply_chain_ops.coordinators.atp import AtpAnswer, AtpRequest, Bucket, available_to_promise
from supply_chain_ops.models import Promise, VendorLeadTime

ATP_URL_NAME = "admin:supply_chain_ops_promise_atp"
VIEW_PROMISES = "supply_chain_ops.view_promise"
#: The product's admin page, named by label: the orchestrator does not import the domain.
PRODUCT_MODEL = "inventory.Product"


@admin.register(Promise)
class PromiseAdmin(TransitionAdminMixin, ModelAdmin):
    list_display = (
        "id",
        "order_number",
        "product",
        "warehouse",
        "quantity",
        "reserved_quantity",
        "promised_date",
        "kind",
        "status",
        "basis",
        "confidence",
        "expires_at",
    )
    list_filter = ("status", "kind", "basis", "warehouse", "promised_date")
    search_fields = ("order_number", "product__sku", "product__name")
    list_select_related = ("product", "warehouse")
    date_hierarchy = "promised_date"
    readonly_fields = (
        "sales_line",
        "order_number",
        "product",
        "warehouse",
        "quantity",
        "reserved_quantity",
        "promised_date",
        "kind",
        "expires_at",
        "basis",
        "confidence",
        "actor_label",
        "created_at",
    )
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # promised through the API or the workflow, which computes the date

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "atp/<int:product_id>/",
                self.admin_site.admin_view(self.atp_view),
                name="supply_chain_ops_promise_atp",
            )
        ]
        return [*own, *super().get_urls()]

    def atp_view(self, request: HttpRequest, product_id: int) -> HttpResponse:
        """A product's cumulative supply, demand and ATP over the horizon, and a typed promise."""
        if not request.user.has_perm(VIEW_PROMISES):
            raise PermissionDenied
        domain = wiring.atp_domain()
        product = domain.products([product_id]).get(product_id)
        if product is None:
            raise Http404("No such product.")
        sites = domain.stock_warehouses()
        form = AtpForm(request.GET or None, warehouses=[(w, s.code) for w, s in sites.items()])
        quantity, chosen = Decimal(1), None
        if form.is_valid():
            quantity = form.cleaned_data["quantity"] or quantity
            chosen = (int(form.cleaned_data["warehouse"]),) if form.cleaned_data["warehouse"] else None
        (answer,) = available_to_promise([AtpRequest(product.id, quantity, chosen)], with_buckets=True)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Available to promise: {product.sku}",
            "breadcrumbs": object_breadcrumbs(PRODUCT_MODEL, product.id, product.sku, "Available to promise"),
            "opts": self.opts,
            "product": product,
            "form": form,
            "answer": answer if form.is_valid() and form.cleaned_data["quantity"] else None,
            "promisable": [(sites[w].code, q) for w, q in answer.promisable.items()],
            "chart": json.dumps(chart_data(answer)),
        }
        return TemplateResponse(request, "admin/supply_chain_ops/atp.html", context)


class AtpForm(forms.Form):
    quantity = forms.DecimalField(
        required=False, min_value=Decimal("0.0001"), max_digits=18, decimal_places=4, label="Quantity"
    )
    warehouse = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Warehouse")

    def __init__(self, *args: Any, warehouses: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].choices = [("", "All warehouses"), *warehouses]  # type: ignore[attr-defined]


def chart_data(answer: AtpAnswer) -> dict[str, Any]:
    """Chart.js data: cumulative supply, demand and ATP, summed over the warehouses shown."""
    series: list[list[Bucket]] = list((answer.buckets or {}).values())
    if not series:
        return {"labels": [], "datasets": []}
    labels = [bucket.date.isoformat() for bucket in series[0]]

    def total(name: str) -> list[float]:
        return [float(sum(getattr(buckets[day], name) for buckets in series)) for day in range(len(labels))]

    return {
        "labels": labels,
        "datasets": [
            {
                "label": "Cumulative supply",
                "data": total("cumulative_supply"),
                "borderColor": "#2563eb",
                "displayYAxis": True,  # Unfold hides the quantities on the axis unless a dataset asks
            },
            {"label": "Cumulative demand", "data": total("cumulative_demand"), "borderColor": "#dc2626"},
            {"label": "Cumulative ATP", "data": total("cumulative_atp"), "borderColor": "#16a34a"},
        ],
    }


@admin.register(VendorLeadTime)
class VendorLeadTimeAdmin(ModelAdmin):
    """Learnt lead times beside the quoted ones; recomputed on every receipt, never edited."""

    list_display = (
        "vendor",
        "product",
        "quoted_days",
        "days",
        "mean_days",
        "sigma_days",
        "on_time_rate",
        "confidence",
        "receipts_counted",
        "source",
        "computed_at",
    )
    list_filter = ("source", "vendor")
    search_fields = ("vendor__code", "vendor__name", "product__sku", "product__name")
    list_select_related = ("vendor", "product")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


register_screen(Group.PLANNING, model=Promise, icon="event_available", order=40)
register_screen(Group.PURCHASING, model=VendorLeadTime, icon="schedule", order=65)
register_object_link(
    "inventory.product",
    ObjectLink(
        "Available to promise",
        url=lambda product: reverse(ATP_URL_NAME, args=[product.pk]),
        permission=VIEW_PROMISES,
        icon="insights",
    ),
)
