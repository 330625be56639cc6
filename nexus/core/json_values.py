"""The one conversion of Python values to plain JSON, shared by the audit chain and the outbox.

What is stored must read back identically (the audit hash covers it, listeners compare it), so
the conversion is deterministic: Decimal becomes its exact string ("12.50"), dates and times ISO
8601 (aware datetimes in UTC), UUIDs their text, enums their value, tuples lists, sets sorted
lists. Floats are refused: their stored form is not guaranteed to read back identically
(PostgreSQL's ``jsonb`` rewrites ``1e20``), and Nexus carries no floats anyway.
"""

import datetime as dt
import json
import uuid
from collections.abc import Mapping
from decimal import Decimal
from enum import Enum
from typing import Any


class NotJsonValue(TypeError):
    """A value with no plain-JSON form; the message names where it was found."""


def to_json_value(value: Any, path: str = "value") -> Any:
    """Return ``value`` as plain JSON (dict/list/str/int/bool/None); raise ``NotJsonValue``.

    ``path`` names the value in messages ("sales.order_confirmed.lines[0].quantity is a float").
    Mapping keys must be strings: an integer key would read back as text, so the stored form
    would differ from what was hashed or compared.
    """
    if isinstance(value, Enum):
        return to_json_value(value.value, path)
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        raise NotJsonValue(f"{path} is a float; send quantities and money as decimal strings")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise NotJsonValue(f"{path} is not a finite decimal ({value!r})")
        return str(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(Decimal(value.days * 86400 + value.seconds) + Decimal(value.microseconds).scaleb(-6))
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        result: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise NotJsonValue(f"{path} has the key {key!r}; keys must be strings")
            result[key] = to_json_value(item, f"{path}.{key}")
        return result
    if isinstance(value, list | tuple):
        return [to_json_value(item, f"{path}[{index}]") for index, item in enumerate(value)]
    if isinstance(value, set | frozenset):
        return sorted((to_json_value(item, f"{path}[]") for item in value), key=_sort_key)
    raise NotJsonValue(f"{path} is a {type(value).__name__} ({value!r}), which has no JSON form")


def _sort_key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
