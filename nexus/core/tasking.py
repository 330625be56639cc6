"""Celery tasks carry the tenant they were queued in (the app's default task class).

``apply_async``/``delay`` stamp the current tenant's id into a message header; the worker runs
the task inside ``scope.tenant(...)`` for that id (no tenant when none was stamped), then
resets the scope, since the worker's thread and database connection serve the next task. A
task that must cross tenants enters ``system_context`` itself. Called directly (``task(...)``),
a task simply runs in the caller's scope.
"""

from typing import Any

from celery import Task

from nexus.core import scope

TENANT_HEADER = "nexus_tenant_id"


class TenantTask(Task):
    """A task that runs in the tenant it was queued in."""

    def apply_async(self, args: Any = None, kwargs: Any = None, **options: Any) -> Any:  # type: ignore[override]
        tenant_id = scope.current_tenant_id()
        headers = dict(options.pop("headers", None) or {})
        if tenant_id is not None:
            headers.setdefault(TENANT_HEADER, tenant_id)
        return super().apply_async(args, kwargs, headers=headers, **options)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        request = self.request
        if request.called_directly:
            return super().__call__(*args, **kwargs)
        token = scope.activate(scope.Scope(tenant_id=queued_tenant_id(request)))
        try:
            return super().__call__(*args, **kwargs)
        finally:
            if request.is_eager:
                scope.restore(token)  # ran in the caller's thread: give the caller its scope back
            else:
                scope.reset_scope()


def queued_tenant_id(request: Any) -> int | None:
    """The tenant id stamped on the message (a worker copies custom headers to attributes)."""
    value = (getattr(request, "headers", None) or {}).get(TENANT_HEADER)
    if value is None:
        value = getattr(request, TENANT_HEADER, None)
    return None if value is None else int(value)
