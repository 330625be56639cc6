"""An example transition handler: domain writes that run under the transition's lock."""

from nexus.core.transitions import TransitionRequest, TransitionResult

from .models import Gadget, GadgetNote


def archive_with_note(request: TransitionRequest) -> TransitionResult:
    """Archive the gadget and keep the note (from the payload, else the reason) beside it."""
    text = str(request.payload.get("note") or request.reason)

    def write_note(gadget: Gadget) -> GadgetNote | None:
        return GadgetNote.objects.create(gadget=gadget, text=text) if text else None

    return request.perform(writes=write_note)
