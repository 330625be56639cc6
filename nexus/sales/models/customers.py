"""Customers and where their goods go."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from nexus.core.models import TenantScopedModel


class Customer(TenantScopedModel):
    """Someone who buys. The shipping address's coordinates let planning pick the nearest warehouse."""

    code = models.CharField(max_length=32, help_text="Short code, unique ignoring case.")
    name = models.CharField(max_length=200)
    currency = models.ForeignKey(
        "core.Currency", on_delete=models.PROTECT, related_name="+", help_text="The currency it buys in."
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=50, blank=True)
    address_line1 = models.CharField("shipping address", max_length=200, blank=True)
    address_line2 = models.CharField("shipping address (continued)", max_length=200, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    city = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166 two-letter code, e.g. DE.")
    latitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    active = models.BooleanField(default=True, help_text="Inactive customers get no new orders confirmed.")
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantScopedModel.Meta):
        ordering = ["code"]
        constraints = [
            *TenantScopedModel.Meta.constraints,
            models.UniqueConstraint(
                models.F("tenant"),
                Lower("code"),
                name="sales_customer_tenant_code_uniq",
                violation_error_message="A customer with this code already exists.",
            ),
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (Q(latitude__gte=-90, latitude__lte=90) & Q(longitude__gte=-180, longitude__lte=180)),
                name="sales_customer_coordinates_valid",
                violation_error_message="Give both latitude (-90..90) and longitude (-180..180), or neither.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"
