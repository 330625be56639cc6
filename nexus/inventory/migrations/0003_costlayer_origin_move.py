"""Cost layers name the move that first brought their goods in (``origin_move``), backfilled."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

import nexus.core.migration_ops

BACKFILL = """
WITH RECURSIVE chain (id, origin) AS (
    SELECT id, receipt_move_id FROM inventory_costlayer WHERE source_layer_id IS NULL
    UNION ALL
    SELECT layer.id, chain.origin FROM inventory_costlayer layer JOIN chain ON layer.source_layer_id = chain.id
)
UPDATE inventory_costlayer SET origin_move_id = chain.origin FROM chain WHERE inventory_costlayer.id = chain.id
"""


def backfill_origins(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Follow each layer's ``source_layer`` chain back to the layer a move brought in from outside."""
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            # A data migration crosses tenants: the system context, for this transaction only.
            cursor.execute("SELECT set_config('app.system', 'on', true)")
        cursor.execute(BACKFILL)


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0002_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="costlayer",
            name="origin_move",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="descendant_layers",
                to="inventory.stockmove",
            ),
        ),
        migrations.RunPython(backfill_origins, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="costlayer",
            name="origin_move",
            field=models.ForeignKey(
                help_text="The move that first brought these goods in from outside (the receipt, for a transfer).",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="descendant_layers",
                to="inventory.stockmove",
            ),
        ),
        nexus.core.migration_ops.TenantForeignKey("costlayer", "origin_move"),
    ]
