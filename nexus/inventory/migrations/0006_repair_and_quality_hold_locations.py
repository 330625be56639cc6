"""A ``repair`` location kind, and every physical warehouse gets its quality-hold and repair
locations (new ones get them from ``add_default_location``)."""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

# (code, name, kind) as in ``nexus.inventory.services.sites.ROLE_LOCATIONS`` when this was written.
ROLE_LOCATIONS = (("QHOLD", "Quality hold", "quality_hold"), ("REPAIR", "Repair", "repair"))


def add_role_locations(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Create the missing quality-hold and repair locations, across tenants."""
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            # A data migration crosses tenants: the system context, for this transaction only.
            cursor.execute("SELECT set_config('app.system', 'on', true)")
    Warehouse = apps.get_model("inventory", "Warehouse")
    Location = apps.get_model("inventory", "Location")
    physical = Warehouse._base_manager.filter(kind="physical").order_by("id")
    for code, name, kind in ROLE_LOCATIONS:
        with_role = Location._base_manager.filter(kind=kind).values("warehouse_id")
        missing = physical.exclude(pk__in=with_role).exclude(locations__code__iexact=code)
        Location._base_manager.bulk_create(
            [
                Location(tenant_id=w.tenant_id, warehouse_id=w.pk, code=code, name=name, kind=kind)
                for w in missing
            ]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0005_staged_reservations"),
    ]

    operations = [
        migrations.AlterField(
            model_name="location",
            name="kind",
            field=models.CharField(
                choices=[
                    ("stock", "Stock (sellable)"),
                    ("staging", "Staging"),
                    ("quality_hold", "Quality hold"),
                    ("scrap", "Scrap"),
                    ("transit", "Transit"),
                    ("repair", "Repair"),
                ],
                default="stock",
                max_length=16,
            ),
        ),
        migrations.RunPython(add_role_locations, migrations.RunPython.noop),
    ]
