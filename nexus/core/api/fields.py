"""Serializer fields of the API kernel."""

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from nexus.core.quantities import QUANTITY_DECIMAL_PLACES, QUANTITY_MAX_DIGITS


class LineQuantitiesField(serializers.DictField):
    """Quantities by line id: ``{"12": "3.5"}`` in, ``{12: Decimal("3.5")}`` out.

    JSON keys are strings, so the keys are parsed as well as the values: each key must be a
    line id (a whole number) and each value a quantity of 0 or more; every bad key or value is
    named in the error (``lines.²``), and two keys naming the same line are refused.
    """

    default_error_messages = {
        "duplicate": "Line {line} is named more than once.",
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "child",
            serializers.DecimalField(
                max_digits=QUANTITY_MAX_DIGITS, decimal_places=QUANTITY_DECIMAL_PLACES, min_value=Decimal(0)
            ),
        )
        super().__init__(**kwargs)
        self.key_field = serializers.IntegerField(
            min_value=1, error_messages={"invalid": "A line id is a whole number."}
        )

    def run_child_validation(self, data: dict[Any, Any]) -> dict[int, Decimal]:
        result: dict[int, Decimal] = {}
        errors: dict[str, Any] = {}
        for key, value in data.items():
            label = str(key)
            try:
                line_id = self.key_field.run_validation(label)
                quantity = self.child.run_validation(value)
            except serializers.ValidationError as exc:
                errors[label] = exc.detail
                continue
            if line_id in result:
                errors[label] = [self.error_messages["duplicate"].format(line=line_id)]
                continue
            result[line_id] = quantity
        if errors:
            raise serializers.ValidationError(errors)
        return result
