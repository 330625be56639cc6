"""Admin for the event outbox: events (read-only) with their deliveries, and failed deliveries to retry.

Platform operators see every tenant's rows (the views run in the system context for them);
tenant staff with the kernel's view permission see their current tenant's rows. Nothing here is
edited: "Retry now" goes through ``nexus.core.events.retrying.retry_now``.
"""

import json
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from unfold.admin import ModelAdmin, TabularInline

from nexus.core.admin.pagination import LargeListAdminMixin
from nexus.core.events.catalogue import CATALOGUE
from nexus.core.events.retrying import retry_now
from nexus.core.models import DeliveryStatus, OutboxDelivery, OutboxEvent

from .operators import is_platform_operator, operator_scope, rendered_in_operator_scope

rendered = rendered_in_operator_scope("outbox admin")


def may_retry_deliveries(request: HttpRequest) -> bool:
    """Operators, and tenant staff who may change deliveries, retry failed ones (and see that queue)."""
    opts = OutboxDelivery._meta
    return is_platform_operator(request) or request.user.has_perm(
        f"{opts.app_label}.change_{opts.model_name}"
    )


class ReadOnlyOutboxAdmin(ModelAdmin):
    """Records of what happened: viewable by operators and tenant staff, never added, edited or deleted."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_platform_operator(request) or super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_platform_operator(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return may_retry_deliveries(request)

    changelist_view = rendered(ModelAdmin.changelist_view)
    change_view = rendered(ModelAdmin.change_view)
    history_view = rendered(ModelAdmin.history_view)
    # Refused below, but they look the row up first.
    add_view = rendered(ModelAdmin.add_view)
    delete_view = rendered(ModelAdmin.delete_view)


def pretty_json(value: Any) -> str:
    return format_html("<pre>{}</pre>", json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False))


class DeliveryInline(TabularInline):
    model = OutboxDelivery
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ("listener", "status", "attempts", "next_attempt_at", "delivered_at", "short_error")
    readonly_fields = fields
    ordering = ("listener",)

    @admin.display(description="Last error")
    def short_error(self, obj: OutboxDelivery) -> str:
        return Truncator(obj.last_error.strip().splitlines()[-1] if obj.last_error else "").chars(100)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True  # shown only inside an event page the person may already view


class EventNameFilter(admin.SimpleListFilter):
    title = "event"
    parameter_name = "event_name"
    field = "name"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(name, name) for name in sorted(CATALOGUE)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        return queryset.filter(**{self.field: value}) if value else queryset


class DeliveryEventNameFilter(EventNameFilter):
    field = "event__name"


class DispatchedFilter(admin.SimpleListFilter):
    title = "handed out"
    parameter_name = "dispatched"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Yes"), ("no", "No, waiting for the sweeper")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(enqueued_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(enqueued_at__isnull=True, historical=False)
        return queryset


def _deliveries_of_event(statuses: list[str]) -> Coalesce:
    """How many of the event's deliveries are in one of ``statuses`` (a subquery per row)."""
    counted = (
        OutboxDelivery.objects.filter(event=OuterRef("pk"), status__in=statuses)
        .order_by()
        .values("event")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


@admin.register(OutboxEvent)
class OutboxEventAdmin(LargeListAdminMixin, ReadOnlyOutboxAdmin):
    list_display = ("id", "name", "tenant", "occurred_at", "deliveries_summary", "enqueued_at", "historical")
    list_filter = (EventNameFilter, DispatchedFilter, "historical", "occurred_at")
    search_fields = ("=id", "name", "request_id")
    search_help_text = "Search by event id (exact), event name or request id."
    list_select_related = ("tenant",)
    ordering = ("-occurred_at", "-id")
    inlines = [DeliveryInline]
    fields = (
        "name",
        "schema_version",
        "tenant",
        "occurred_at",
        "request_id",
        "historical",
        "enqueued_at",
        "payload_json",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[OutboxEvent]:
        # Counted per event shown, not by grouping every event with its deliveries first.
        return (
            super()
            .get_queryset(request)
            .annotate(
                delivered_count=_deliveries_of_event([DeliveryStatus.DELIVERED]),
                failing_count=_deliveries_of_event([DeliveryStatus.FAILED, DeliveryStatus.DEAD]),
            )
        )

    @admin.display(description="Deliveries")
    def deliveries_summary(self, obj: Any) -> str:
        summary = f"{obj.delivered_count} delivered"
        return f"{summary}, {obj.failing_count} failing" if obj.failing_count else summary

    @admin.display(description="Payload")
    def payload_json(self, obj: OutboxEvent) -> str:
        return pretty_json(obj.payload)


@admin.register(OutboxDelivery)
class OutboxDeliveryAdmin(ReadOnlyOutboxAdmin):
    list_display = (
        "id",
        "event_link",
        "listener",
        "status",
        "attempts",
        "next_attempt_at",
        "short_error",
    )
    list_filter = ("status", "listener", DeliveryEventNameFilter, "updated_at")
    search_fields = ("listener", "event__name", "last_error", "=event__id")
    search_help_text = "Search by listener, event name, error text or event id (exact)."
    list_select_related = ("event", "tenant")
    ordering = ("-updated_at", "-id")
    actions = ["retry_selected"]
    change_form_template = "admin/core/outboxdelivery/change_form.html"
    fields = (
        "event_link",
        "tenant",
        "listener",
        "status",
        "attempts",
        "next_attempt_at",
        "delivered_at",
        "updated_at",
        "error",
    )
    readonly_fields = fields

    @admin.display(description="Event", ordering="event__occurred_at")
    def event_link(self, obj: OutboxDelivery) -> str:
        url = reverse("admin:core_outboxevent_change", args=[obj.event_id])
        return format_html('<a href="{}">{} #{}</a>', url, obj.event.name, obj.event_id)

    @admin.display(description="Last error")
    def short_error(self, obj: OutboxDelivery) -> str:
        return Truncator(obj.last_error.strip().splitlines()[-1] if obj.last_error else "").chars(100)

    @admin.display(description="Last error")
    def error(self, obj: OutboxDelivery) -> str:
        return format_html("<pre>{}</pre>", obj.last_error) if obj.last_error else "—"

    @admin.action(description="Retry the selected deliveries now", permissions=["retry"])
    def retry_selected(self, request: HttpRequest, queryset: QuerySet[OutboxDelivery]) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        reset = retry_now(ids)
        messages.success(request, f"{reset} delivery(ies) dispatched for another attempt.")
        if reset < len(ids):
            messages.info(request, f"{len(ids) - reset} already delivered: left alone.")

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<path:object_id>/retry/",
                self.admin_site.admin_view(self.retry_view),
                name="core_outboxdelivery_retry",
            ),
            *super().get_urls(),
        ]

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: OutboxDelivery | None = None,
    ) -> HttpResponse:
        context["can_retry"] = (
            obj is not None and obj.status != DeliveryStatus.DELIVERED and self.has_retry_permission(request)
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def retry_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Retry one delivery now (the change page's button)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_retry_permission(request):
            raise PermissionDenied
        with operator_scope(request, "outbox admin: retry a delivery", deliberate=True):
            delivery = self.get_object(request, unquote(object_id))
            if delivery is None:
                messages.warning(request, f"Delivery {object_id} does not exist or is not visible to you.")
                return redirect(reverse("admin:core_outboxdelivery_changelist"))
            if retry_now([delivery.pk]):
                messages.success(request, f"Delivery {delivery.pk} dispatched for another attempt.")
            else:
                messages.info(request, f"Delivery {delivery.pk} is already delivered.")
        return redirect(reverse("admin:core_outboxdelivery_change", args=[delivery.pk]))
