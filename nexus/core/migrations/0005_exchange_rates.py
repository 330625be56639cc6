"""Dated exchange rates per tenant (row-level security on PostgreSQL)."""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

import nexus.core.rls


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_outbox_undispatched_index"),
        ("tenancy", "0002_tenant_code_validators"),
    ]

    operations = [
        migrations.CreateModel(
            name="ExchangeRate",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("date", models.DateField(help_text="The day the rate applies from (until the next rate).")),
                (
                    "rate",
                    models.DecimalField(
                        decimal_places=8,
                        help_text="Units of the tenant's currency per unit of the foreign currency, e.g. 1.0825.",
                        max_digits=18,
                        validators=[
                            django.core.validators.MinValueValidator(
                                Decimal("1E-8"), message="A rate must be more than zero."
                            )
                        ],
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "currency",
                    models.ForeignKey(
                        help_text="The foreign currency, one unit of which buys the rate in the tenant's own currency.",
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="core.currency",
                    ),
                ),
                (
                    "tenant",
                    models.ForeignKey(
                        editable=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="tenancy.tenant",
                    ),
                ),
            ],
            options={
                "ordering": ["-date", "currency"],
                "abstract": False,
                "constraints": [
                    models.UniqueConstraint(fields=("tenant", "id"), name="core_exchangerate_tenant_id_uniq"),
                    models.UniqueConstraint(
                        fields=("tenant", "currency", "date"), name="core_exchange_rate_uniq"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("rate__gt", 0)), name="core_exchange_rate_positive"
                    ),
                ],
            },
        ),
        nexus.core.rls.EnableTenantRLS("exchangerate"),
    ]
