"""Make audit events immutable in the database, and index them by actor and by time.

PostgreSQL: one row trigger refuses DELETE, and UPDATE unless it is the sealer filling the hash
columns once on an unsealed row or erasure setting ``personal`` to NULL, with every other column
unchanged; a second refuses INSERTs that arrive already sealed, so that only the sealer makes
hashes. ``TRUNCATE`` fires no row trigger, so the test framework can still empty the table.

SQLite (the embedded mode): the same rules for INSERT and UPDATE. DELETE is not refused there:
SQLite has no TRUNCATE, so Django empties tables with DELETE between transactional tests and in
``flush``; ``verify_audit_chain`` still reports a deleted sealed event as a gap. Note that Django
rebuilds a SQLite table for most ALTERs, which drops its triggers: a later migration that alters
this table must install them again (``install_guard`` below takes the model's columns).
"""

from typing import Any

from django.db import migrations, models

GUARDED_TABLE = "core_auditevent"
HASH_COLUMNS = ("sequence", "prev_hash", "hash", "sealed_at")
ERASABLE_COLUMN = "personal"
REFUSAL = "audit events are immutable: only the sealer fills the hash columns (once) and erasure clears personal data"

POSTGRES_INSTALL = [
    f"""
CREATE OR REPLACE FUNCTION core_auditevent_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    hash_columns text[] := ARRAY['sequence', 'prev_hash', 'hash', 'sealed_at'];
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.hash <> '' OR NEW.prev_hash <> '' OR NEW.sequence IS NOT NULL OR NEW.sealed_at IS NOT NULL THEN
            RAISE EXCEPTION 'audit events are inserted unsealed; only the sealer chains them'
                USING ERRCODE = 'restrict_violation';
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
    -- Erasure: clears the personal-data column, which the hash does not cover, and nothing else.
    IF OLD.personal IS NOT NULL AND NEW.personal IS NULL
       AND to_jsonb(NEW) - 'personal' = to_jsonb(OLD) - 'personal' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '{REFUSAL} (event %)', OLD.id USING ERRCODE = 'restrict_violation';
END
$$""",
    f"""CREATE TRIGGER core_auditevent_immutable BEFORE UPDATE OR DELETE ON {GUARDED_TABLE}
        FOR EACH ROW EXECUTE FUNCTION core_auditevent_guard()""",
    f"""CREATE TRIGGER core_auditevent_insert_unsealed BEFORE INSERT ON {GUARDED_TABLE}
        FOR EACH ROW EXECUTE FUNCTION core_auditevent_guard()""",
]

POSTGRES_REMOVE = [
    f"DROP TRIGGER IF EXISTS core_auditevent_immutable ON {GUARDED_TABLE}",
    f"DROP TRIGGER IF EXISTS core_auditevent_insert_unsealed ON {GUARDED_TABLE}",
    "DROP FUNCTION IF EXISTS core_auditevent_guard()",
]


def _unchanged(columns: list[str]) -> str:
    return " AND ".join(f'NEW."{column}" IS OLD."{column}"' for column in columns)


def _is_hex64(expression: str) -> str:
    return f"(length({expression}) = 64 AND {expression} NOT GLOB '*[^0-9a-f]*')"


def sqlite_statements(columns: list[str]) -> list[str]:
    """The SQLite triggers for a table with these columns (all of them, hash columns included)."""
    others = [c for c in columns if c not in HASH_COLUMNS]
    kept = [c for c in columns if c != ERASABLE_COLUMN]
    sealing = (
        "OLD.hash = '' AND OLD.prev_hash = '' AND OLD.sequence IS NULL AND OLD.sealed_at IS NULL "
        "AND NEW.sequence IS NOT NULL AND NEW.sealed_at IS NOT NULL "
        f"AND {_is_hex64('NEW.hash')} AND {_is_hex64('NEW.prev_hash')} AND {_unchanged(others)}"
    )
    erasure = f"OLD.personal IS NOT NULL AND NEW.personal IS NULL AND {_unchanged(kept)}"
    return [
        f"""CREATE TRIGGER core_auditevent_immutable BEFORE UPDATE ON {GUARDED_TABLE}
            WHEN NOT (({sealing}) OR ({erasure}))
            BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END""",
        f"""CREATE TRIGGER core_auditevent_insert_unsealed BEFORE INSERT ON {GUARDED_TABLE}
            WHEN NEW.hash <> '' OR NEW.prev_hash <> '' OR NEW.sequence IS NOT NULL
                 OR NEW.sealed_at IS NOT NULL
            BEGIN SELECT RAISE(ABORT, 'audit events are inserted unsealed; only the sealer chains them'); END""",
    ]


def install_guard(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = POSTGRES_INSTALL
    elif vendor == "sqlite":
        model = apps.get_model("core", "AuditEvent")
        statements = sqlite_statements([field.column for field in model._meta.concrete_fields])
    else:
        return
    for statement in statements:
        # No parameters: the trigger bodies contain "%", which must not be read as placeholders.
        schema_editor.execute(statement, params=None)


def remove_guard(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = POSTGRES_REMOVE
    elif vendor == "sqlite":
        statements = [
            "DROP TRIGGER IF EXISTS core_auditevent_immutable",
            "DROP TRIGGER IF EXISTS core_auditevent_insert_unsealed",
        ]
    else:
        return
    for statement in statements:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["actor_kind", "actor_id"], name="core_audit_actor_idx"),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["occurred_at", "id"], name="core_audit_time_idx"),
        ),
        migrations.RunPython(install_guard, remove_guard),
    ]
