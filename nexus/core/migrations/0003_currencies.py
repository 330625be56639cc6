"""The currency table, seeded with common ISO 4217 currencies and their minor-unit exponents."""

from typing import Any

import django.core.validators
from django.db import migrations, models

from nexus.core.iso_currencies import CURRENCIES


def seed_currencies(apps: Any, schema_editor: Any) -> None:
    Currency = apps.get_model("core", "Currency")
    existing = set(Currency.objects.values_list("code", flat=True))
    Currency.objects.bulk_create(
        [
            Currency(code=code, name=name, exponent=exponent)
            for code, name, exponent in CURRENCIES
            if code not in existing
        ]
    )


def unseed_currencies(apps: Any, schema_editor: Any) -> None:
    apps.get_model("core", "Currency").objects.filter(code__in=[code for code, _, _ in CURRENCIES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_audit_immutability"),
    ]

    operations = [
        migrations.CreateModel(
            name="Currency",
            fields=[
                (
                    "code",
                    models.CharField(
                        help_text="ISO 4217 code, e.g. USD.",
                        max_length=3,
                        primary_key=True,
                        serialize=False,
                        validators=[
                            django.core.validators.RegexValidator(
                                "^[A-Z]{3}$", "Use the three-letter ISO 4217 code, e.g. USD."
                            )
                        ],
                    ),
                ),
                ("name", models.CharField(max_length=100)),
                (
                    "exponent",
                    models.PositiveSmallIntegerField(
                        help_text="Digits after the decimal point in the minor unit: 2 for USD, 0 for JPY, 3 for KWD.",
                        validators=[django.core.validators.MaxValueValidator(4)],
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "currencies",
                "ordering": ["code"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("exponent__lte", 4)), name="core_currency_exponent_max_4"
                    ),
                ],
            },
        ),
        migrations.RunPython(seed_currencies, unseed_currencies),
    ]
