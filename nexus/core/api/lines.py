"""Writing a draft document's lines from a nested list (the API's ``lines``), audited.

A line with an ``id`` of the document updates that line; one without creates a line; the
document's lines the list leaves out are deleted. Sending no ``lines`` leaves them as they are.
Each created, changed or deleted line is recorded in the audit trail with its changed fields.
"""

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.db import models, transaction
from rest_framework import serializers

from nexus.core.audit.changes import field_values, record_model_change, stored_values
from nexus.core.editing import refuse_stale, refuse_unless_draft
from nexus.core.models.refs import ActorRef, ObjectRef

Row = Mapping[str, Any]


def write_lines(
    document: models.Model,
    manager: Any,
    rows: Sequence[Row],
    *,
    parent_field: str,
    actor: ActorRef,
    extra: Sequence[str] = (),
    after_save: Callable[[models.Model, Row], None] | None = None,
) -> None:
    """Make ``document``'s lines (reached through ``manager``) match ``rows``.

    Keys named in ``extra`` are not model fields: ``after_save(line, row)`` writes them.
    """
    existing = {line.pk: line for line in manager.all()}
    kept = set()
    model = manager.model
    for row in rows:
        values = {key: value for key, value in row.items() if key != "id" and key not in extra}
        pk = row.get("id")
        if pk is not None:
            line = existing.get(pk)
            if line is None:
                raise serializers.ValidationError({"lines": [f"Line {pk} is not a line of {document}."]})
            kept.add(pk)
            before = stored_values(line)
        else:
            line = model(**{parent_field: document})
            before = None
        for name, value in values.items():
            setattr(line, name, value)
        line.save()
        if after_save is not None:
            after_save(line, row)
        record_model_change(
            line,
            "changed" if before is not None else "created",
            actor=actor,
            before=before,
            after=field_values(line),
        )
    for pk, line in existing.items():
        if pk in kept:
            continue
        ref, before = ObjectRef.for_instance(line), field_values(line)
        line.delete()
        record_model_change(line, "deleted", actor=actor, before=before, after=None, obj=ref)


def request_actor(context: Mapping[str, Any]) -> ActorRef:
    """The person behind the request in a serializer's context."""
    request = context.get("request")
    return ActorRef.for_user(getattr(request, "user", None))


class DraftDocumentSerializerMixin(serializers.ModelSerializer):
    """Create or change a draft document and its nested ``lines`` in one audited transaction.

    The ``lines`` sent replace the document's lines, so each is sent whole, on a PATCH too.

    Set ``lines_parent_field`` (the line's key to the document); ``lines_extra`` and
    ``lines_after_save`` pass keys that are not model fields to ``write_lines``. Documents
    numbered on creation override ``number_new_document``.

    A change runs on the row the viewset locked: it is refused unless the document is a draft
    (409 ``already_posted``) or, when the body names the ``version`` it was read at, unless it is
    still that version (409 ``concurrent_change``); it saves only the fields it was sent, and the
    document's ``version`` goes up by one (lines included).
    """

    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Goes up with every write. Send the version you read to refuse the change (409 "
        "concurrent_change) if the document changed since; optional.",
    )

    lines_parent_field: str
    lines_extra: Sequence[str] = ()
    lines_after_save: Callable[[models.Model, Row], None] | None = None

    def number_new_document(self, document: Any) -> None:
        """Give a new document its number; documents numbered later (on issue) keep none."""

    def get_field_names(self, declared_fields: Mapping[str, Any], info: Any) -> list[str]:
        names = list(super().get_field_names(declared_fields, info))
        return names if "version" in names else [*names, "version"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if self.partial and attrs.get("lines"):
            self._refuse_incomplete_lines(attrs["lines"])
        return attrs

    def _refuse_incomplete_lines(self, rows: Sequence[Row]) -> None:
        """Each line is sent whole, on a partial update too (DRF skips missing nested fields then)."""
        required = [
            (name, field)
            for name, field in self.fields["lines"].child.fields.items()  # type: ignore[attr-defined]
            if field.required and not field.read_only
        ]
        missing = {
            f"lines.{index}.{name}": [str(field.error_messages["required"])]
            for index, row in enumerate(rows)
            for name, field in required
            if field.source not in row
        }
        if missing:
            raise serializers.ValidationError(missing)

    def _write_lines(self, document: Any, rows: Sequence[Row]) -> None:
        after_save = type(self).lines_after_save
        write_lines(
            document,
            document.lines,
            rows,
            parent_field=self.lines_parent_field,
            actor=request_actor(self.context),
            extra=self.lines_extra,
            after_save=after_save,
        )

    @transaction.atomic
    def create(self, validated_data: dict[str, Any]) -> Any:
        validated_data.pop("version", None)
        rows = validated_data.pop("lines", [])
        document = self.Meta.model(**validated_data)  # type: ignore[misc]
        self.number_new_document(document)
        document.save()
        self._write_lines(document, rows)
        return document

    @transaction.atomic
    def update(self, instance: Any, validated_data: dict[str, Any]) -> Any:
        refuse_unless_draft(instance)
        refuse_stale(instance, validated_data.pop("version", None))
        rows = validated_data.pop("lines", None)
        instance = super().update(instance, validated_data)
        if rows is not None:
            self._write_lines(instance, rows)
        return instance
