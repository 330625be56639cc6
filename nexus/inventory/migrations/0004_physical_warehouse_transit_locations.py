"""Every physical warehouse gets a ``TRANSIT`` location for two-step transfers (new ones get it
from ``add_default_location``)."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def add_transit_locations(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Create the missing transit locations, across tenants."""
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            # A data migration crosses tenants: the system context, for this transaction only.
            cursor.execute("SELECT set_config('app.system', 'on', true)")
    Warehouse = apps.get_model("inventory", "Warehouse")
    Location = apps.get_model("inventory", "Location")
    with_transit = Location._base_manager.filter(kind="transit").values("warehouse_id")
    missing = Warehouse._base_manager.filter(kind="physical").exclude(pk__in=with_transit)
    Location._base_manager.bulk_create(
        [
            Location(
                tenant_id=w.tenant_id, warehouse_id=w.pk, code="TRANSIT", name="In transit", kind="transit"
            )
            for w in missing.exclude(locations__code__iexact="TRANSIT").order_by("id")
        ]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0003_costlayer_origin_move"),
    ]

    operations = [migrations.RunPython(add_transit_locations, migrations.RunPython.noop)]
