"""Customers and where their goods go."""

from django.db import models
from django.db.models.functions import Lower

from nexus.core.models import TenantScopedModel
from nexus.core.models.address import Coordinates, PostalAddress


class Customer(TenantScopedModel, PostalAddress, Coordinates):
    """Someone who buys. The shipping address's coordinates let planning pick the nearest warehouse."""

    code = models.CharField(max_length=32, help_text="Short code, unique ignoring case.")
    name = models.CharField(max_length=200)
    currency = models.ForeignKey(
        "core.Currency", on_delete=models.PROTECT, related_name="+", help_text="The currency it buys in."
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=50, blank=True)
    # The address is where its goods go.
    address_line1 = models.CharField("shipping address", max_length=200, blank=True)
    address_line2 = models.CharField("shipping address (continued)", max_length=200, blank=True)
    active = models.BooleanField(default=True, help_text="Inactive customers get no new orders confirmed.")
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["code"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            *Coordinates.Meta.constraints,
            models.UniqueConstraint(
                models.F("tenant"),
                Lower("code"),
                name="sales_customer_tenant_code_uniq",
                violation_error_message="A customer with this code already exists.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"
