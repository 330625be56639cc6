"""The currency table, seeded with common ISO 4217 currencies and their minor-unit exponents."""

from typing import Any

import django.core.validators
from django.db import migrations, models

# (code, name, exponent) as published in ISO 4217; more can be added in the admin.
CURRENCIES = [
    ("AED", "UAE Dirham", 2),
    ("ARS", "Argentine Peso", 2),
    ("AUD", "Australian Dollar", 2),
    ("BHD", "Bahraini Dinar", 3),
    ("BRL", "Brazilian Real", 2),
    ("CAD", "Canadian Dollar", 2),
    ("CHF", "Swiss Franc", 2),
    ("CLF", "Unidad de Fomento", 4),
    ("CLP", "Chilean Peso", 0),
    ("CNY", "Yuan Renminbi", 2),
    ("COP", "Colombian Peso", 2),
    ("CZK", "Czech Koruna", 2),
    ("DKK", "Danish Krone", 2),
    ("EGP", "Egyptian Pound", 2),
    ("EUR", "Euro", 2),
    ("GBP", "Pound Sterling", 2),
    ("HKD", "Hong Kong Dollar", 2),
    ("HUF", "Forint", 2),
    ("IDR", "Rupiah", 2),
    ("ILS", "New Israeli Sheqel", 2),
    ("INR", "Indian Rupee", 2),
    ("IQD", "Iraqi Dinar", 3),
    ("ISK", "Iceland Krona", 0),
    ("JOD", "Jordanian Dinar", 3),
    ("JPY", "Yen", 0),
    ("KES", "Kenyan Shilling", 2),
    ("KRW", "Won", 0),
    ("KWD", "Kuwaiti Dinar", 3),
    ("LYD", "Libyan Dinar", 3),
    ("MAD", "Moroccan Dirham", 2),
    ("MXN", "Mexican Peso", 2),
    ("MYR", "Malaysian Ringgit", 2),
    ("NGN", "Naira", 2),
    ("NOK", "Norwegian Krone", 2),
    ("NZD", "New Zealand Dollar", 2),
    ("OMR", "Rial Omani", 3),
    ("PEN", "Sol", 2),
    ("PHP", "Philippine Peso", 2),
    ("PKR", "Pakistan Rupee", 2),
    ("PLN", "Zloty", 2),
    ("PYG", "Guarani", 0),
    ("QAR", "Qatari Rial", 2),
    ("RON", "Romanian Leu", 2),
    ("SAR", "Saudi Riyal", 2),
    ("SEK", "Swedish Krona", 2),
    ("SGD", "Singapore Dollar", 2),
    ("THB", "Baht", 2),
    ("TND", "Tunisian Dinar", 3),
    ("TRY", "Turkish Lira", 2),
    ("TWD", "New Taiwan Dollar", 2),
    ("UAH", "Hryvnia", 2),
    ("UGX", "Uganda Shilling", 0),
    ("USD", "US Dollar", 2),
    ("VND", "Dong", 0),
    ("XAF", "CFA Franc BEAC", 0),
    ("XOF", "CFA Franc BCEAO", 0),
    ("ZAR", "Rand", 2),
]


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
