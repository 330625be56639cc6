"""The kernel's serializer fields."""

from decimal import Decimal

import pytest
from rest_framework import serializers

from nexus.core.api.fields import LineQuantitiesField


class Body(serializers.Serializer):
    lines = LineQuantitiesField()


def parsed(lines):
    body = Body(data={"lines": lines})
    if body.is_valid():
        return body.validated_data["lines"]
    return body.errors["lines"]


def test_line_quantities_are_parsed_to_ids_and_decimals():
    assert parsed({"12": "3.5", "7": 2, "9": "0"}) == {12: Decimal("3.5"), 7: Decimal(2), 9: Decimal(0)}


@pytest.mark.parametrize(
    ("lines", "errors"),
    [
        ({"²": "1"}, {"²": ["A line id is a whole number."]}),
        ({"1.5": "1"}, {"1.5": ["A line id is a whole number."]}),
        ({"": "1"}, {"": ["A line id is a whole number."]}),
        ({"-4": "1"}, {"-4": ["Ensure this value is greater than or equal to 1."]}),
        ({"4": "²"}, {"4": ["A valid number is required."]}),
        ({"4": "-1"}, {"4": ["Ensure this value is greater than or equal to 0."]}),
        ({"4": "1" * 20}, {"4": ["Ensure that there are no more than 18 digits in total."]}),
        ({"4": {"a": 1}}, {"4": ["A valid number is required."]}),
        ({"4": "1", "04": "2"}, {"04": ["Line 4 is named more than once."]}),
        (["4"], ['Expected a dictionary of items but got type "list".']),
    ],
)
def test_every_bad_key_and_value_is_named(lines, errors):
    assert parsed(lines) == errors
