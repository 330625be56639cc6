"""The API's request parsers: no body a client sends can exhaust the server or reach the database raw.

DRF reads the request stream itself, so Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` never applies to
an API body. These parsers (``REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]``) apply it to every body
(413 ``request_too_large``) and answer 400 in the error shape for

- JSON nested deeper than ``NEXUS_API_MAX_JSON_DEPTH``, found by a linear scan before decoding
  (the decoder recurses: 100,000 ``[`` would exhaust the stack);
- a number no float can hold (``1e400`` would become infinity), NaN or Infinity, and an
  integer of more than ``MAX_INTEGER_DIGITS`` digits;
- the NUL character in any string or key (PostgreSQL text cannot store it), named by its path;
- forms with more fields than ``DATA_UPLOAD_MAX_NUMBER_FIELDS`` (or files than
  ``DATA_UPLOAD_MAX_NUMBER_FILES``).
"""

import io
import json
import math
import re
from collections.abc import Iterator
from itertools import accumulate
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import QueryDict
from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.settings import api_settings

from nexus.core.errors import RequestTooLarge

NULL_CHARACTER_MESSAGE = "Null characters are not allowed."
# No quantity, amount or id comes near; Python itself refuses more than 4,300 digits.
MAX_INTEGER_DIGITS = 100

# A JSON string, its closing quote optional so that an unterminated one is consumed once rather
# than rescanned from every later quote; possessive, so that nothing backtracks.
_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"?', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def body_limit() -> int | None:
    """The most bytes a request body may have (Django's setting; None: no limit)."""
    limit: int | None = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return limit


def read_body(stream: IO[bytes], parser_context: dict[str, Any]) -> bytes:
    """Read the whole body, refusing one over ``body_limit()`` before reading more than that."""
    limit = body_limit()
    if limit is None:
        return stream.read()
    request = parser_context.get("request")
    meta = getattr(request, "META", {})
    try:
        declared = int(meta.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    body = b"" if declared > limit else stream.read(limit + 1)
    if declared > limit or len(body) > limit:
        raise RequestTooLarge(f"The request body is larger than {limit} bytes.")
    return body


def exceeds_depth(text: str, limit: int) -> bool:
    """Whether brackets outside strings nest deeper than ``limit``: linear, without recursion.

    Up to where a JSON decoder would stop at an error, its nesting is exactly this count.
    """
    if text.count("[") + text.count("{") <= limit:
        return False
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0) > limit


def refuse_null_characters(data: Any) -> None:
    """Raise a validation error naming the first place a NUL character appears in ``data``."""
    for path, text in _strings(data, ""):
        if "\x00" in text:
            raise ValidationError({path or api_settings.NON_FIELD_ERRORS_KEY: [NULL_CHARACTER_MESSAGE]})


def _strings(data: Any, path: str) -> Iterator[tuple[str, str]]:
    # Recursion is safe: the depth was bounded before decoding.
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, QueryDict):
        for key, values in data.lists():
            yield key, key
            for value in values:
                yield from _strings(value, key)
    elif isinstance(data, dict):
        for key, value in data.items():
            inner = f"{path}.{key}" if path else str(key)
            yield inner, str(key)
            yield from _strings(value, inner)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, f"{path}.{index}" if path else str(index))


def _finite_float(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise ValueError(f"the number {literal[:40]} is out of range")
    return value


def _bounded_int(literal: str) -> int:
    if len(literal.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise ValueError(f"an integer of more than {MAX_INTEGER_DIGITS} digits is out of range")
    return int(literal)


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


class JSONParser(parsers.JSONParser):
    """JSON with a bounded size and depth, finite numbers and no NUL characters."""

    def parse(self, stream: IO[bytes], media_type: str | None = None, parser_context: Any = None) -> Any:
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = read_body(stream, parser_context).decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
        depth = settings.NEXUS_API_MAX_JSON_DEPTH
        if exceeds_depth(text, depth):
            raise ParseError(f"JSON parse error - nested deeper than {depth} levels.")
        try:
            data = json.loads(
                text, parse_float=_finite_float, parse_int=_bounded_int, parse_constant=_refuse_constant
            )
        except ValueError as exc:  # malformed, or a number out of range
            raise ParseError(f"JSON parse error - {exc}") from exc
        refuse_null_characters(data)
        return data


class FormParser(parsers.FormParser):
    """URL-encoded forms with a bounded size and field count and no NUL characters."""

    def parse(self, stream: IO[bytes], media_type: str | None = None, parser_context: Any = None) -> Any:
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        body = read_body(stream, parser_context)
        try:
            data = QueryDict(body, encoding=encoding)
        except SuspiciousOperation as exc:  # too many fields
            raise ParseError(f"Form parse error - {exc}") from exc
        refuse_null_characters(data)
        return data


class MultiPartParser(parsers.MultiPartParser):
    """Multipart forms with a bounded size, field and file count, and no NUL characters in fields."""

    def parse(self, stream: IO[bytes], media_type: str | None = None, parser_context: Any = None) -> Any:
        parser_context = parser_context or {}
        body = read_body(stream, parser_context)
        try:
            parsed = super().parse(io.BytesIO(body), media_type, parser_context)
        except RequestDataTooBig as exc:
            raise RequestTooLarge(f"The form's fields are larger than {body_limit()} bytes.") from exc
        except SuspiciousOperation as exc:  # too many fields or files
            raise ParseError(f"Multipart form parse error - {exc}") from exc
        refuse_null_characters(parsed.data)
        return parsed
