"""Reservations can be pinned to staged goods, counted in ``reserved_staged``; warehouses get a
cross-docking switch, and every physical warehouse a ``STAGING`` location to cross-dock into (new
ones get it from ``add_default_location``)."""

from decimal import Decimal

import django.db.models.deletion
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

import nexus.core.migration_ops


def add_staging_locations(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Create the missing staging locations, across tenants."""
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            # A data migration crosses tenants: the system context, for this transaction only.
            cursor.execute("SELECT set_config('app.system', 'on', true)")
    Warehouse = apps.get_model("inventory", "Warehouse")
    Location = apps.get_model("inventory", "Location")
    with_staging = Location._base_manager.filter(kind="staging").values("warehouse_id")
    missing = Warehouse._base_manager.filter(kind="physical").exclude(pk__in=with_staging)
    Location._base_manager.bulk_create(
        [
            Location(tenant_id=w.tenant_id, warehouse_id=w.pk, code="STAGING", name="Staging", kind="staging")
            for w in missing.exclude(locations__code__iexact="STAGING").order_by("id")
        ]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0004_physical_warehouse_transit_locations"),
    ]

    operations = [
        migrations.AddField(
            model_name="reservation",
            name="location",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                help_text="The staging location whose goods this reservation holds (empty: sellable stock).",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="pinned_reservations",
                to="inventory.location",
            ),
        ),
        migrations.AddField(
            model_name="stockavailability",
            name="reserved_staged",
            field=models.DecimalField(
                decimal_places=4,
                default=Decimal("0"),
                help_text="Staged goods held by reservations pinned to a staging location (not in sellable).",
                max_digits=18,
            ),
        ),
        migrations.AddConstraint(
            model_name="stockavailability",
            constraint=models.CheckConstraint(
                condition=models.Q(("reserved_staged__gte", 0)),
                name="inventory_availability_reserved_staged_gte_0",
            ),
        ),
        migrations.AddField(
            model_name="warehouse",
            name="cross_docking",
            field=models.BooleanField(
                default=False,
                help_text="Goods received here for orders already waiting go to staging for those orders "
                "instead of stock.",
            ),
        ),
        nexus.core.migration_ops.TenantForeignKey("reservation", "location"),
        migrations.RunPython(add_staging_locations, migrations.RunPython.noop),
    ]
