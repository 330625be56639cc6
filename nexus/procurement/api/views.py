"""Viewsets of the procurement API (``/api/v1/vendors/``, ``/purchase-orders/`` ...).

Documents: nested lines, transitions as ``POST .../<id>/<transition>/`` (the kernel's mixin,
with this app's handlers for the transitions that post or convert), filters, search,
ordering and pagination; drafts only may be edited or deleted (409 otherwise). Every write is
audited.
"""

from typing import Any

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from nexus.core.api.audited import AuditedModelMixin
from nexus.core.api.base import NexusModelViewSet
from nexus.core.api.documents import DraftDocumentViewSetMixin
from nexus.core.api.transitions import TransitionActionsMixin
from nexus.core.querysets import with_related_columns
from nexus.procurement.models import (
    GoodsReceipt,
    GoodsReceiptLine,
    PurchaseOrder,
    PurchaseOrderLine,
    Requisition,
    RequisitionLine,
    Vendor,
    VendorBill,
    VendorBillLine,
    VendorProduct,
)
from nexus.procurement.services import draft_receipt as draft_receipt_for

from .serializers import (
    DraftReceiptInputSerializer,
    GoodsReceiptSerializer,
    PurchaseOrderSerializer,
    RequisitionSerializer,
    VendorBillSerializer,
    VendorProductSerializer,
    VendorSerializer,
)


class VendorViewSet(AuditedModelMixin, NexusModelViewSet):
    queryset = Vendor.objects.select_related("currency").order_by("code", "id")
    serializer_class = VendorSerializer
    filterset_fields = ["active", "currency", "country"]
    search_fields = ["code", "name", "city", "email"]
    ordering_fields = ["code", "name", "on_time_rate", "average_lead_time_days", "created_at"]


class VendorProductViewSet(AuditedModelMixin, NexusModelViewSet):
    queryset = VendorProduct.objects.select_related("vendor", "product", "currency").order_by(
        "product__sku", "priority", "id"
    )
    serializer_class = VendorProductSerializer
    filterset_fields = ["vendor", "product", "active", "currency"]
    search_fields = ["vendor__code", "vendor__name", "product__sku", "vendor_sku"]
    ordering_fields = ["priority", "unit_price", "lead_time_days", "id"]


class CanDraftReceipts(BasePermission):
    """Drafting a receipt from an order needs the permission to add goods receipts."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.has_perm("procurement.add_goodsreceipt"))


class PurchaseOrderViewSet(
    DraftDocumentViewSetMixin, AuditedModelMixin, TransitionActionsMixin, NexusModelViewSet
):
    queryset = (
        PurchaseOrder.objects.select_related("vendor", "warehouse", "currency", "tenant")
        .prefetch_related(
            Prefetch(
                "lines", with_related_columns(PurchaseOrderLine.objects.order_by("id"), "product", "sku")
            )
        )
        .order_by("-order_date", "-id")
    )
    serializer_class = PurchaseOrderSerializer
    # The receipt transitions follow postings; people never call them.
    transition_names = ["send", "close", "cancel"]
    filterset_fields = ["status", "vendor", "warehouse", "currency", "order_date"]
    search_fields = ["number", "vendor__code", "vendor__name", "vendor_reference", "lines__product__sku"]
    ordering_fields = ["order_date", "number", "created_at", "id"]

    @extend_schema(
        summary="Draft a goods receipt for the order",
        description="Create a draft receipt for the given quantities (by order-line id), or for everything "
        "still open. Quantities beyond the tenant's over-receipt tolerance are refused (400 "
        "`over_receipt`). Post it with `POST /goods-receipts/<id>/post/`.",
        request=DraftReceiptInputSerializer,
        responses={201: GoodsReceiptSerializer},
    )
    @action(detail=True, methods=["post"], permission_classes=[CanDraftReceipts], url_path="draft-receipt")
    def draft_receipt(self, request: Request, pk: str | None = None) -> Response:
        order = self.get_object()
        body = DraftReceiptInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        receipt = draft_receipt_for(
            order,
            quantities=body.validated_data.get("lines"),
            location=body.validated_data.get("location"),
            delivery_note=body.validated_data.get("delivery_note", ""),
        )
        data = GoodsReceiptSerializer(receipt, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)


class GoodsReceiptViewSet(
    DraftDocumentViewSetMixin, AuditedModelMixin, TransitionActionsMixin, NexusModelViewSet
):
    queryset = (
        GoodsReceipt.objects.select_related("purchase_order", "location")
        .prefetch_related(
            Prefetch(
                "lines",
                GoodsReceiptLine.objects.select_related("purchase_order_line__product").order_by("id"),
            )
        )
        .order_by("-received_at", "-id")
    )
    serializer_class = GoodsReceiptSerializer
    filterset_fields = ["status", "purchase_order", "purchase_order__vendor", "purchase_order__warehouse"]
    search_fields = ["number", "purchase_order__number", "delivery_note"]
    ordering_fields = ["received_at", "number", "id"]


class VendorBillViewSet(
    DraftDocumentViewSetMixin, AuditedModelMixin, TransitionActionsMixin, NexusModelViewSet
):
    queryset = (
        VendorBill.objects.select_related("vendor", "currency")
        .prefetch_related(
            Prefetch("lines", VendorBillLine.objects.prefetch_related("goods_receipts").order_by("id"))
        )
        .order_by("-bill_date", "-id")
    )
    serializer_class = VendorBillSerializer
    filterset_fields = ["status", "vendor", "currency", "purchase_order", "bill_date"]
    search_fields = ["number", "vendor_invoice_number", "vendor__code", "vendor__name"]
    ordering_fields = ["bill_date", "due_date", "number", "total", "id"]


class RequisitionViewSet(
    DraftDocumentViewSetMixin, AuditedModelMixin, TransitionActionsMixin, NexusModelViewSet
):
    queryset = (
        Requisition.objects.select_related("warehouse", "requested_by")
        .prefetch_related(
            Prefetch(
                "lines",
                RequisitionLine.objects.select_related("product")
                .prefetch_related("purchase_order_lines")
                .order_by("id"),
            )
        )
        .order_by("-created_at", "-id")
    )
    serializer_class = RequisitionSerializer
    filterset_fields = ["status", "warehouse", "needed_by"]
    search_fields = ["number", "notes", "lines__product__sku"]
    ordering_fields = ["needed_by", "created_at", "number", "id"]

    def perform_create(self, serializer: Any) -> None:
        serializer.validated_data["requested_by"] = self.request.user
        super().perform_create(serializer)
