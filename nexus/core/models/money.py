"""The currency table: ISO 4217 codes and how many minor units each has."""

from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models


class Currency(models.Model):
    """A currency (global): its ISO code, name and minor-unit exponent (2 for USD: cents).

    Amounts are stored with four decimal places; a currency's exponent is at most 4 so that
    every minor unit is representable.
    """

    code = models.CharField(
        max_length=3,
        primary_key=True,
        validators=[RegexValidator(r"^[A-Z]{3}$", "Use the three-letter ISO 4217 code, e.g. USD.")],
        help_text="ISO 4217 code, e.g. USD.",
    )
    name = models.CharField(max_length=100)
    exponent = models.PositiveSmallIntegerField(
        validators=[MaxValueValidator(4)],
        help_text="Digits after the decimal point in the minor unit: 2 for USD, 0 for JPY, 3 for KWD.",
    )

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "currencies"
        constraints = [
            models.CheckConstraint(condition=models.Q(exponent__lte=4), name="core_currency_exponent_max_4"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.name})"
