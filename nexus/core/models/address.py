"""Where a party or a site is: a postal address, and coordinates for distances."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class PostalAddress(models.Model):
    """The postal address of a warehouse, customer or vendor."""

    address_line1 = models.CharField("address", max_length=200, blank=True)
    address_line2 = models.CharField("address (continued)", max_length=200, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    city = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166 two-letter code, e.g. DE.")

    class Meta:
        abstract = True


class Coordinates(models.Model):
    """Latitude and longitude, both or neither, for great-circle distances in planning.

    Subclasses that declare their own ``Meta.constraints`` include ``Coordinates.Meta.constraints``.
    """

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

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (Q(latitude__gte=-90, latitude__lte=90) & Q(longitude__gte=-180, longitude__lte=180)),
                name="%(app_label)s_%(class)s_coordinates_valid",
                violation_error_message="Give both latitude (-90..90) and longitude (-180..180), or neither.",
            ),
        ]
