"""Give each audit event a hash version, and let erasure clear the labels of version-2 events.

Events already sealed keep version 1 (their hash covers ``actor_label`` and ``object_label``);
new events are version 2, whose hash covers kinds and ids only. The guard is replaced: besides the
sealer's one-time fill, an UPDATE may only erase — set ``personal`` to NULL, and on version-2
events set ``actor_label``/``object_label`` to the empty string — with every other column
(``hash_version`` included) unchanged. On SQLite, adding the column rebuilds the table, which
drops its triggers, so they are installed again from the model's columns.
"""

import importlib
from typing import Any

from django.db import migrations, models

GUARDED_TABLE = "core_auditevent"
HASH_COLUMNS = ("sequence", "prev_hash", "hash", "sealed_at")
ERASABLE_COLUMNS = ("personal", "actor_label", "object_label")
REFUSAL = "audit events are immutable: only the sealer fills the hash columns (once) and erasure clears personal data"
UNSEALED = "audit events are inserted unsealed; only the sealer chains them"

POSTGRES_GUARD = f"""
CREATE OR REPLACE FUNCTION core_auditevent_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    hash_columns text[] := ARRAY['sequence', 'prev_hash', 'hash', 'sealed_at'];
    erasable_columns text[] := ARRAY['personal', 'actor_label', 'object_label'];
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.hash <> '' OR NEW.prev_hash <> '' OR NEW.sequence IS NOT NULL OR NEW.sealed_at IS NOT NULL THEN
            RAISE EXCEPTION '{UNSEALED}' USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'audit events cannot be deleted (event %)', OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;
    -- The sealer: fills the four hash columns once, on an unsealed row, and nothing else.
    IF OLD.hash = '' AND OLD.prev_hash = '' AND OLD.sequence IS NULL AND OLD.sealed_at IS NULL
       AND NEW.sequence IS NOT NULL AND NEW.sealed_at IS NOT NULL
       AND NEW.hash ~ '^[0-9a-f]{{64}}$' AND NEW.prev_hash ~ '^[0-9a-f]{{64}}$'
       AND to_jsonb(NEW) - hash_columns = to_jsonb(OLD) - hash_columns THEN
        RETURN NEW;
    END IF;
    -- Erasure: clears what the event's hash does not cover, and nothing else.
    IF to_jsonb(NEW) - erasable_columns = to_jsonb(OLD) - erasable_columns
       AND (NEW.personal IS NULL OR NEW.personal = OLD.personal)
       AND (NEW.actor_label = OLD.actor_label OR (OLD.hash_version >= 2 AND NEW.actor_label = ''))
       AND (NEW.object_label = OLD.object_label OR (OLD.hash_version >= 2 AND NEW.object_label = ''))
       AND to_jsonb(NEW) <> to_jsonb(OLD) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '{REFUSAL} (event %)', OLD.id USING ERRCODE = 'restrict_violation';
END
$$"""


def _unchanged(columns: list[str]) -> str:
    return " AND ".join(f'NEW."{column}" IS OLD."{column}"' for column in columns)


def _is_hex64(expression: str) -> str:
    return f"(length({expression}) = 64 AND {expression} NOT GLOB '*[^0-9a-f]*')"


def _cleared_or_kept(column: str) -> str:
    return f"(NEW.{column} IS OLD.{column} OR (OLD.hash_version >= 2 AND NEW.{column} = ''))"


def sqlite_statements(columns: list[str]) -> list[str]:
    """The SQLite triggers for a table with these columns (all of them, hash columns included)."""
    others = [c for c in columns if c not in HASH_COLUMNS]
    kept = [c for c in columns if c not in ERASABLE_COLUMNS]
    sealing = (
        "OLD.hash = '' AND OLD.prev_hash = '' AND OLD.sequence IS NULL AND OLD.sealed_at IS NULL "
        "AND NEW.sequence IS NOT NULL AND NEW.sealed_at IS NOT NULL "
        f"AND {_is_hex64('NEW.hash')} AND {_is_hex64('NEW.prev_hash')} AND {_unchanged(others)}"
    )
    erasure = (
        f"{_unchanged(kept)} AND (NEW.personal IS NULL OR NEW.personal IS OLD.personal) "
        f"AND {_cleared_or_kept('actor_label')} AND {_cleared_or_kept('object_label')}"
    )
    return [
        f"""CREATE TRIGGER core_auditevent_immutable BEFORE UPDATE ON {GUARDED_TABLE}
            WHEN NOT (({sealing}) OR ({erasure}))
            BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END""",
        f"""CREATE TRIGGER core_auditevent_insert_unsealed BEFORE INSERT ON {GUARDED_TABLE}
            WHEN NEW.hash <> '' OR NEW.prev_hash <> '' OR NEW.sequence IS NOT NULL
                 OR NEW.sealed_at IS NOT NULL
            BEGIN SELECT RAISE(ABORT, '{UNSEALED}'); END""",
    ]


SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS core_auditevent_immutable",
    "DROP TRIGGER IF EXISTS core_auditevent_insert_unsealed",
]


def install_guard(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = [POSTGRES_GUARD]  # the triggers of 0002 call the function by name
    elif vendor == "sqlite":
        model = apps.get_model("core", "AuditEvent")
        statements = SQLITE_REMOVE + sqlite_statements(
            [field.column for field in model._meta.concrete_fields]
        )
    else:
        return
    for statement in statements:
        # No parameters: the trigger bodies contain "%", which must not be read as placeholders.
        schema_editor.execute(statement, params=None)


def restore_version_one_guard(apps: Any, schema_editor: Any) -> None:
    """Going back on PostgreSQL: the guard of 0002 (SQLite's table rebuild drops the triggers)."""
    if schema_editor.connection.vendor == "postgresql":
        previous = importlib.import_module("nexus.core.migrations.0002_audit_immutability")
        schema_editor.execute(previous.POSTGRES_INSTALL[0], params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_window_counter"),
    ]

    operations = [
        # Every event sealed so far hashed its labels: it is version 1.
        migrations.AddField(
            model_name="auditevent",
            name="hash_version",
            field=models.PositiveSmallIntegerField(
                default=1, editable=False, help_text="Which canonical form the hash covers."
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="hash_version",
            field=models.PositiveSmallIntegerField(
                default=2, editable=False, help_text="Which canonical form the hash covers."
            ),
        ),
        migrations.RunPython(install_guard, restore_version_one_guard),
    ]
