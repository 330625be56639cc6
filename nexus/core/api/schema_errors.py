"""Every operation documents the errors the kernel can answer it with, in the one error shape.

Views document their own business errors (a 409 naming a state, a 400 naming a field); some
answers come from the layers every request passes through and would otherwise be missing from
the schema: a malformed body, query or ``Idempotency-Key`` (400), no or a spent credential
(401), no permission (403), no such row or page (404), a concurrent change or a key still in
use (409, writes), a body of a media type no parser reads (415, writes), a throttle (429) and a
lost database (503). This postprocessing hook adds
those an operation does not document, each answered with the ``Error`` component.
"""

from typing import Any

ERROR_REF = {"$ref": "#/components/schemas/Error"}

COMMON = {
    "400": "The request is not valid: body, query parameters or Idempotency-Key.",
    "401": "No valid credentials.",
    "403": "Not permitted.",
    "404": "No such row in the tenant, or no such page.",
    "429": "Too many requests; retry after the time in Retry-After.",
    "503": "A service this request needs is unavailable; retry after the time in Retry-After.",
}
WRITES = {
    "409": "The row changed meanwhile, or the same Idempotency-Key is in use for another request.",
    "415": "The body's Content-Type is missing or not one the API reads (JSON, form, multipart).",
}
WRITE_METHODS = {"post", "put", "patch", "delete"}


def document_kernel_errors(result: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
    """Add the kernel's error answers that an operation does not document (drf-spectacular hook)."""
    if "Error" not in result.get("components", {}).get("schemas", {}):
        return result
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            errors = COMMON | (WRITES if method in WRITE_METHODS else {})
            for code, description in errors.items():
                responses.setdefault(
                    code, {"description": description, "content": {"application/json": {"schema": ERROR_REF}}}
                )
    return result
