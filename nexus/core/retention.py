"""Retention: rows that may be deleted once they are old enough, registered by the apps that own them.

An app registers a purge rule from its ``AppConfig.ready()``::

    register_purge_rule(
        "accounts.expired_tokens",
        lambda: ApiToken.objects.filter(revoked_at__isnull=False),
        older_than="ACCOUNTS_TOKEN_RETENTION_DAYS",
        field="revoked_at",
    )

``manage.py purge_expired`` (and Celery beat, ``core.purge_expired``) runs every rule in the
system context, deleting in batches. What is history never goes: models registered with
``protect_from_purge`` (audit events, transition logs; the domains add ledger rows and posted
documents) are refused a rule.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from nexus.core import scope
from nexus.core.models import AuditEvent, TransitionLog

QuerysetFactory = Callable[[], models.QuerySet[Any]]
DEFAULT_BATCH_SIZE = 1000


class PurgeRuleRefused(ValueError):
    """The rule would delete rows that are never purged, or is malformed."""


@dataclass(frozen=True)
class PurgeRule:
    name: str
    queryset_factory: QuerysetFactory
    older_than: str | timedelta
    field: str

    def period(self) -> timedelta:
        """The age after which rows go; a setting name holds days (a number) or a timedelta."""
        if isinstance(self.older_than, timedelta):
            return self.older_than
        value = getattr(settings, self.older_than)
        return value if isinstance(value, timedelta) else timedelta(days=value)

    def cutoff(self, now: datetime | None = None) -> datetime:
        return (now or timezone.now()) - self.period()

    def expired(self, now: datetime | None = None) -> models.QuerySet[Any]:
        """The rows this rule would delete now (build inside the system context)."""
        return self.queryset_factory().filter(**{f"{self.field}__lt": self.cutoff(now)})


_rules: dict[str, PurgeRule] = {}
_protected: set[type[models.Model]] = set()


def protect_from_purge(*model_classes: type[models.Model]) -> None:
    """Declare models whose rows are history and may never get a purge rule."""
    _protected.update(model_classes)


def is_protected(model: type[models.Model]) -> bool:
    return any(issubclass(model, protected) for protected in _protected)


def register_purge_rule(
    name: str,
    queryset_factory: QuerysetFactory,
    *,
    older_than: str | timedelta,
    field: str,
) -> PurgeRule:
    """Register rule ``name``: rows of ``queryset_factory()`` whose ``field`` is older than the period.

    ``older_than`` is a timedelta or the name of a setting holding days. Rules run in the order
    registered, so a rule for child rows is registered before the rule for their parents.
    Raises ``PurgeRuleRefused`` for a protected model, an unknown field or a reused name.
    """
    if name in _rules and _rules[name].queryset_factory is not queryset_factory:
        raise PurgeRuleRefused(f"a purge rule named {name!r} is already registered")
    model = queryset_factory().model
    if is_protected(model):
        raise PurgeRuleRefused(f"{model._meta.label} rows are history and are never purged")
    try:
        model._meta.get_field(field)
    except Exception as exc:
        raise PurgeRuleRefused(f"{model._meta.label} has no field {field!r} to measure age by") from exc
    if isinstance(older_than, str) and not hasattr(settings, older_than):
        raise PurgeRuleRefused(f"setting {older_than!r} (the retention period of {name}) is not defined")
    rule = PurgeRule(name, queryset_factory, older_than, field)
    _rules[name] = rule
    return rule


def purge_rules() -> list[PurgeRule]:
    return list(_rules.values())


@dataclass(frozen=True)
class PurgeProgress:
    rule: PurgeRule
    deleted: int
    total: int


def purge(
    rule: PurgeRule, *, batch_size: int = DEFAULT_BATCH_SIZE, now: datetime | None = None
) -> Iterator[PurgeProgress]:
    """Delete the rule's expired rows in batches, each in its own transaction; yield progress.

    Call in the system context. ``total`` is counted before the first batch; rows that expire
    meanwhile are left for the next run.
    """
    cutoff_now = now or timezone.now()
    model = rule.queryset_factory().model
    total = rule.expired(cutoff_now).count()
    deleted = 0
    yield PurgeProgress(rule, deleted, total)
    while deleted < total:
        with transaction.atomic():
            ids = list(rule.expired(cutoff_now).order_by("pk").values_list("pk", flat=True)[:batch_size])
            if not ids:
                break
            # Deleted by primary key through the plain manager: the batch was chosen above.
            model._base_manager.filter(pk__in=ids).delete()
        deleted += len(ids)
        yield PurgeProgress(rule, min(deleted, total), total)


def count_expired(rule: PurgeRule, now: datetime | None = None) -> int:
    """How many rows the rule would delete now (call in the system context)."""
    return rule.expired(now).count()


def purge_all(*, dry_run: bool = False, batch_size: int = DEFAULT_BATCH_SIZE) -> dict[str, int]:
    """Run every rule (or count, with ``dry_run``) in the system context; rows per rule."""
    done: dict[str, int] = {}
    with scope.system_context("purge_expired"):
        for rule in purge_rules():
            if dry_run:
                done[rule.name] = count_expired(rule)
                continue
            last = 0
            for progress in purge(rule, batch_size=batch_size):
                last = progress.deleted
            done[rule.name] = last
    return done


protect_from_purge(AuditEvent, TransitionLog)
