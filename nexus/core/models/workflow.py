"""Workflow records: only the transition service writes their state, and stale saves are refused.

Every model with a state field (an ``FSMField``) subclasses ``WorkflowModel`` (a system check,
``nexus.E120``, says so). Two guards, so that an edit racing a transition can never put a record
back into an earlier state:

- A save of a row whose state differs from the state it was loaded in raises
  ``StaleWorkflowRecord`` (409 ``concurrent_change``): the update is filtered on the loaded
  state, as django-fsm's ``ConcurrentTransitionMixin`` does, and a row that moved on since is
  left alone. A ``VersionedWorkflowModel`` is filtered on its loaded ``version`` too.
- A plain save that would change the state raises ``StateWriteOutsideTransition`` (a bug, not
  a client error): only ``perform_transition`` writes a state (``allow_state_write``).

``VersionedWorkflowModel`` (business documents) adds ``version``, raised by one on every save of
the row — header edits, transitions, and line writes, which save their header through
``nexus.core.editing`` — so that a form opened at one version is refused at another.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.apps import AppConfig, apps
from django.core.checks import CheckMessage, Error, Tags, register
from django.db import models
from django.utils.text import capfirst
from django_fsm import ConcurrentTransition, FSMFieldMixin

from nexus.core.errors import ConcurrentChange

VERSION_FIELD = "version"
_STATE_WRITE_ALLOWED = "_nexus_state_write_allowed"


class StateWriteOutsideTransition(RuntimeError):
    """Code saved a changed state field itself instead of calling the transition service."""


class StaleWorkflowRecord(ConcurrentChange, ConcurrentTransition):
    """The row was moved on (or, for documents, written) since this instance was read."""


def workflow_state_fields(model: type[models.Model]) -> list[FSMFieldMixin]:
    """The model's state fields (its ``FSMField``\\ s)."""
    return [field for field in model._meta.concrete_fields if isinstance(field, FSMFieldMixin)]


@contextmanager
def allow_state_write(instance: models.Model) -> Iterator[None]:
    """Let ``instance.save()`` write a changed state: for the transition service alone."""
    setattr(instance, _STATE_WRITE_ALLOWED, True)
    try:
        yield
    finally:
        delattr(instance, _STATE_WRITE_ALLOWED)


class WorkflowModel(models.Model):
    """A record whose state only the transition service writes (see the module docstring)."""

    class Meta:
        abstract = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._remember_loaded_values()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding and not getattr(self, _STATE_WRITE_ALLOWED, False):
            self._refuse_state_change()
        super().save(*args, **kwargs)
        self._remember_loaded_values()

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        super().refresh_from_db(*args, **kwargs)
        self._remember_loaded_values()

    def _guarded_attnames(self) -> list[str]:
        return [field.attname for field in workflow_state_fields(type(self))]

    def _remember_loaded_values(self) -> None:
        # Only what is loaded: reading a deferred field here would query for it.
        loaded = self.__dict__
        self._loaded_values = {name: loaded[name] for name in self._guarded_attnames() if name in loaded}

    def _refuse_state_change(self) -> None:
        states = {field.attname: field.name for field in workflow_state_fields(type(self))}
        changed = [
            states[name]
            for name, value in self._loaded_values.items()
            if name in states and self.__dict__.get(name, value) != value
        ]
        if changed:
            raise StateWriteOutsideTransition(
                f"{self._meta.label}.{', '.join(changed)} changes only through the transition service "
                "(nexus.core.transitions.perform_transition); a plain save cannot write it."
            )

    def _do_update(
        self,
        base_qs: models.QuerySet[Any],
        using: Any,
        pk_val: Any,
        values: Any,
        update_fields: Any,
        forced_update: Any,
    ) -> bool:
        local = {field.attname for field in base_qs.model._meta.local_concrete_fields}
        expected = {name: value for name, value in self._loaded_values.items() if name in local}
        updated: bool = super()._do_update(
            base_qs.filter(**expected), using, pk_val, values, update_fields, forced_update
        )
        # Nothing updated although the row exists: it is no longer what this instance read.
        if not updated and expected and base_qs.filter(pk=pk_val).exists():
            raise StaleWorkflowRecord(
                f"{capfirst(self._meta.verbose_name)} {self} changed since it was read (moved on or "
                "saved by someone else); reload it and try again."
            )
        return updated


class VersionedWorkflowModel(WorkflowModel):
    """A business document's header: ``version`` goes up by one with every write of the document."""

    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Raised by every write (edits, lines, transitions); a form opened at another version "
        "is refused.",
    )

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding:
            super().save(*args, **kwargs)
            return
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and VERSION_FIELD not in update_fields:
            kwargs["update_fields"] = [*update_fields, VERSION_FIELD]
        self.version += 1
        try:
            super().save(*args, **kwargs)
        except BaseException:
            self.version -= 1
            raise

    def _guarded_attnames(self) -> list[str]:
        return [*super()._guarded_attnames(), VERSION_FIELD]


@register(Tags.models)
def check_workflow_models(
    app_configs: Iterable[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """Every model with a state field is a ``WorkflowModel`` (``nexus.E120``)."""
    configs = app_configs if app_configs is not None else apps.get_app_configs()
    return [
        Error(
            f"{model._meta.label} has a state field but is not a WorkflowModel: a plain save could write "
            "its state or put it back after a transition.",
            hint="Subclass nexus.core.models.WorkflowModel (VersionedWorkflowModel for documents).",
            obj=model,
            id="nexus.E120",
        )
        for config in configs
        for model in config.get_models()
        if workflow_state_fields(model) and not issubclass(model, WorkflowModel)
    ]
