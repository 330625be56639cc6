"""The ledger, balances, availability and cost layers, read-only; stock is adjusted through a form."""

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from unfold.admin import TabularInline
from unfold.views import ChangeList

from nexus.core.admin.links import change_url, document_numbers, documents_numbered, linked
from nexus.core.admin.related_search import SearchThrough, SearchThroughMixin
from nexus.core.errors import NexusError
from nexus.core.models.refs import ActorRef
from nexus.inventory import services
from nexus.inventory.models import (
    CostLayer,
    CostLayerConsumption,
    Location,
    Product,
    StockAvailability,
    StockBalance,
    StockMove,
    Warehouse,
)

from .readonly import ReadOnlyAdmin


class AdjustmentForm(forms.Form):
    """What a clerk enters to correct stock at a location."""

    product = forms.ModelChoiceField(queryset=Product.objects.order_by("sku"))
    location = forms.ModelChoiceField(queryset=Location.objects.select_related("warehouse"))
    quantity = forms.DecimalField(
        label="Quantity change",
        max_digits=18,
        decimal_places=4,
        help_text="Positive to add stock, negative to remove it.",
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}), help_text="Why (kept with the move)."
    )
    unit_cost = forms.DecimalField(
        required=False,
        max_digits=20,
        decimal_places=6,
        min_value=Decimal(0),
        help_text="For an increase only; blank takes the warehouse's average cost.",
    )

    def __init__(self, *args: Any, admin_site: admin.AdminSite, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Searchable selects, looked up through the stock-move admin's autocomplete fields.
        for name, remote in (("product", "product"), ("location", "to_location")):
            field = self.fields[name]
            field.widget = AutocompleteSelect(StockMove._meta.get_field(remote), admin_site)
            field.widget.choices = field.choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        quantity, cost = cleaned.get("quantity"), cleaned.get("unit_cost")
        if quantity is not None and quantity == 0:
            self.add_error("quantity", "Enter a change other than zero.")
        if quantity is not None and quantity < 0 and cost is not None:
            self.add_error("unit_cost", "A decrease leaves at the average cost; leave this blank.")
        return cleaned


class WarehouseFilter(admin.SimpleListFilter):
    """Moves into or out of a warehouse: one filter for both sides of a move."""

    title = "warehouse"
    parameter_name = "warehouse"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(pk), code) for pk, code in Warehouse.objects.order_by("code").values_list("pk", "code")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[StockMove]) -> QuerySet[StockMove]:
        value = self.value() or ""
        if not value.isdigit():
            return queryset
        return queryset.filter(Q(from_location__warehouse=value) | Q(to_location__warehouse=value))


class LedgerChangeList(ChangeList):
    """Looks up the numbers of the page's documents at once (one query per document type)."""

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        moves = list(self.result_list)
        numbers = document_numbers((move.document_type, move.document_id) for move in moves)
        for move in moves:
            move.document_number = numbers.get((move.document_type, move.document_id or 0), "")


def document_reference(move: StockMove) -> str:
    """The document a move came from: its number as a link ("GR-2026-001267"), else its type and id."""
    if not move.document_type:
        return ""
    number = getattr(move, "document_number", "")
    if number:
        return linked(number, change_url(move.document_type, move.document_id))
    return f"{move.document_type} #{move.document_id}"


@admin.register(StockMove)
class StockMoveAdmin(ReadOnlyAdmin):
    # Fits a 1440 px screen: short times, one "from → to" column, the value without the unit cost
    # (on the move's page), the actor's label shortened (in full on hover).
    list_display = (
        "when",
        "reason",
        "product_sku",
        "quantity",
        "locations",
        "value",
        "document",
        "actor",
    )
    list_filter = ("reason", WarehouseFilter, "occurred_at")
    search_fields = ("product__sku", "product__name", "note")
    search_help_text = "A product's SKU or name, a document's number (GR-2026-001267), or the note."
    list_select_related = ("product", "from_location__warehouse", "to_location__warehouse")
    autocomplete_fields = ("product", "to_location")  # the adjustment form's widgets look these up
    change_list_template = "admin/inventory/stockmove/change_list.html"
    adjustment_template = "admin/inventory/stockmove/adjust.html"
    list_fullwidth = True  # a ledger: many columns, read across

    @admin.display(description="product", ordering="product__sku")
    def product_sku(self, move: StockMove) -> str:
        return format_html('<span title="{}">{}</span>', move.product.name, move.product.sku)

    @admin.display(description="when", ordering="occurred_at")
    def when(self, move: StockMove) -> str:
        return f"{timezone.localtime(move.occurred_at):%Y-%m-%d %H:%M}"

    @admin.display(description="by", ordering="actor_label")
    def actor(self, move: StockMove) -> str:
        return format_html(
            '<span title="{}">{}</span>', move.actor_label, Truncator(move.actor_label).chars(22)
        )

    @admin.display(description="from → to")
    def locations(self, move: StockMove) -> str:
        return f"{move.from_location or '—'} → {move.to_location or '—'}"

    @admin.display(description="document")
    def document(self, move: StockMove) -> str:
        return document_reference(move)

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return LedgerChangeList

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[StockMove], search_term: str
    ) -> tuple[QuerySet[StockMove], bool]:
        found, duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if not term:
            return found, duplicates
        by_number = queryset.filter(
            documents_numbered(term, type_field="document_type", id_field="document_id")
        )
        return found | by_number, duplicates

    def get_urls(self) -> list[URLPattern]:
        own = [
            path("adjust/", self.admin_site.admin_view(self.adjust_view), name="inventory_stockmove_adjust")
        ]
        return [*own, *super().get_urls()]

    def may_adjust(self, request: HttpRequest) -> bool:
        return request.user.has_perm("inventory.add_stockmove")

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        context = {**(extra_context or {}), "may_adjust": self.may_adjust(request)}
        return super().changelist_view(request, context)

    def adjust_view(self, request: HttpRequest) -> HttpResponse:
        """Correct stock at a location through ``services.adjust`` (the only way it changes)."""
        if not self.may_adjust(request):
            raise PermissionDenied
        form = AdjustmentForm(request.POST or None, admin_site=self.admin_site)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                move = services.adjust(
                    data["product"].pk,
                    data["location"].pk,
                    data["quantity"],
                    note=data["reason"],
                    unit_cost=data["unit_cost"],
                    actor=ActorRef.for_user(request.user),
                )
            except NexusError as error:
                for field, problems in error.fields.items():
                    target = {"note": "reason", "from_location": "location", "to_location": "location"}.get(
                        field, field
                    )
                    for problem in problems:
                        form.add_error(target if target in form.fields else None, problem)
                if not error.fields:
                    form.add_error(None, error.detail)
            else:
                self.message_user(
                    request,
                    f"Adjusted {move.product.sku} at {data['location']} by {data['quantity'].normalize():f} "
                    f"(value {move.value}).",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:inventory_stockmove_change", args=[move.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Adjust stock",
            "opts": self.opts,
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, self.adjustment_template, context)


#: A product's SKU or name, looked up among the products first.
BY_PRODUCT: SearchThrough = ("product", Product, ("sku", "name"))


@admin.register(StockBalance)
class StockBalanceAdmin(SearchThroughMixin, ReadOnlyAdmin):
    list_display = ("product", "location", "location_kind", "on_hand", "value", "updated_at")
    list_filter = ("location__warehouse", "location__kind")
    search_fields = ("product__sku", "product__name", "location__code")
    search_through = (BY_PRODUCT, ("location", Location, ("code",)))
    search_help_text = "A product's SKU or name, or a location's code."
    list_select_related = ("product", "location__warehouse")

    @admin.display(description="kind", ordering="location__kind")
    def location_kind(self, balance: StockBalance) -> str:
        return balance.location.get_kind_display()


@admin.register(StockAvailability)
class StockAvailabilityAdmin(SearchThroughMixin, ReadOnlyAdmin):
    list_display = (
        "product",
        "warehouse",
        "on_hand_sellable",
        "reserved",
        "free",
        "reserved_staged",
        "on_hand",
        "value",
        "average_unit_cost",
        "updated_at",
    )
    list_filter = ("warehouse",)
    search_fields = ("product__sku", "product__name")
    search_through = (BY_PRODUCT,)
    list_select_related = ("product", "warehouse")

    def get_queryset(self, request: HttpRequest) -> QuerySet[StockAvailability]:
        return super().get_queryset(request).annotate(free_quantity=F("on_hand_sellable") - F("reserved"))

    @admin.display(description="free", ordering="free_quantity")
    def free(self, row: StockAvailability) -> Decimal:
        return row.available


class ConsumptionInline(TabularInline):
    model = CostLayerConsumption
    fields = ("move_link", "quantity", "unit_cost")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = "consumed by"
    verbose_name_plural = "consumed by"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="move")
    def move_link(self, consumption: CostLayerConsumption) -> str:
        url = reverse("admin:inventory_stockmove_change", args=[consumption.move_id])
        return format_html('<a href="{}">Move #{}</a>', url, consumption.move_id)


@admin.register(CostLayer)
class CostLayerAdmin(SearchThroughMixin, ReadOnlyAdmin):
    list_display = (
        "id",
        "product",
        "warehouse",
        "received_at",
        "quantity_in",
        "quantity_remaining",
        "unit_cost",
        "receipt_move",
        "source_layer",
    )
    list_filter = ("warehouse", "received_at")
    search_fields = ("product__sku", "product__name")
    search_through = (BY_PRODUCT,)
    list_select_related = ("product", "warehouse", "receipt_move", "source_layer")
    inlines = [ConsumptionInline]
