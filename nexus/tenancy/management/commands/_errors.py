"""Turn an application error into the one-line message a command prints."""

from nexus.core.errors import NexusError


def describe(error: NexusError) -> str:
    if not error.fields:
        return error.detail
    return " ".join(
        f"{name}: {' '.join(messages)}" if name != "__all__" else " ".join(messages)
        for name, messages in error.fields.items()
    )
