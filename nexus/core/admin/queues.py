"""Work queues: what waits for someone, counted for the dashboard and linked to the filtered list.

An app registers each of its queues (``register_queue``) from its admin module: a title, the
sidebar group it belongs to, who may act on it (a permission name or a test of the request),
a queryset factory and the change list (with the filter) that shows the same rows. The
dashboard counts, for the person asking, only the queues they may act on: one ``COUNT`` query
per queue, whatever the number of rows. Tenant data is counted only when a tenant is selected;
a queue that looks across tenants (the outbox, the audit chain, for operators) names the scope
its count runs in.
"""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse

from nexus.core.scope import current_tenant_id, in_system_context

from .navigation import Group, Permission, allowed

QuerysetFactory = Callable[[HttpRequest], QuerySet[Any]]
ScopeFactory = Callable[[HttpRequest], AbstractContextManager[None]]


@contextmanager
def _unchanged_scope(request: HttpRequest) -> Iterator[None]:
    yield


@dataclass(frozen=True)
class WorkQueue:
    """Rows waiting for someone who holds ``permission``; ``changelist`` + ``filters`` lists them."""

    key: str
    title: str
    group: Group
    permission: Permission
    queryset: QuerysetFactory
    changelist: str
    filters: dict[str, str] = field(default_factory=dict)
    description: str = ""
    #: Counted only while a tenant is selected (tenant-scoped rows).
    needs_tenant: bool = True
    #: The scope the count runs in (an operator's system context for cross-tenant queues).
    scope: ScopeFactory = _unchanged_scope
    order: int = 100

    def url(self) -> str:
        base = reverse(self.changelist)
        return f"{base}?{urlencode(self.filters)}" if self.filters else base

    def applies_to(self, request: HttpRequest) -> bool:
        if self.needs_tenant and current_tenant_id() is None and not in_system_context():
            return False
        return allowed(self.permission, request)


@dataclass(frozen=True)
class QueueCount:
    queue: WorkQueue
    count: int
    url: str


class QueueRegistry:
    """Every app's queues, by key."""

    def __init__(self) -> None:
        self._queues: dict[str, WorkQueue] = {}

    def register(
        self,
        key: str,
        *,
        title: str,
        group: Group,
        permission: Permission,
        queryset: QuerysetFactory,
        changelist: str,
        filters: dict[str, str] | None = None,
        description: str = "",
        needs_tenant: bool = True,
        scope: ScopeFactory = _unchanged_scope,
        order: int = 100,
    ) -> WorkQueue:
        if key in self._queues:
            raise ImproperlyConfigured(f"The work queue {key!r} is registered twice.")
        queue = WorkQueue(
            key,
            title,
            group,
            permission,
            queryset,
            changelist,
            dict(filters or {}),
            description,
            needs_tenant,
            scope,
            order,
        )
        self._queues[key] = queue
        return queue

    def queues(self) -> list[WorkQueue]:
        order = list(Group)
        return sorted(self._queues.values(), key=lambda q: (order.index(q.group), q.order, q.title))

    def counts(self, request: HttpRequest) -> list[QueueCount]:
        """The queues this person may act on, each with its count (one query per queue)."""
        found = []
        for queue in self.queues():
            if not queue.applies_to(request):
                continue
            with queue.scope(request):
                count = queue.queryset(request).order_by().count()
            found.append(QueueCount(queue, count, queue.url()))
        return found


#: The one registry of the admin's dashboard.
work_queues = QueueRegistry()
register_queue = work_queues.register
