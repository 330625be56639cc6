"""An example of a transition's declared writes: domain writes that run under the transition's lock."""

from nexus.core.transitions import TransitionChange

from .models import GadgetNote


def keep_archive_note(change: TransitionChange) -> GadgetNote | None:
    """The writes of ``archive``: keep the note (from the payload, else the reason) beside the gadget."""
    text = str(change.payload.get("note") or change.reason)
    return GadgetNote.objects.create(gadget=change.instance, text=text) if text else None
