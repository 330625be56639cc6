from django.db import migrations

import nexus.core.migration_ops


class Migration(migrations.Migration):
    dependencies = [
        ("kernel_example", "0002_gadget_transitions"),
    ]

    operations = [
        nexus.core.migration_ops.TenantForeignKey("gadget", "kind"),
        nexus.core.migration_ops.TenantForeignKey("gadgetnote", "gadget"),
    ]
