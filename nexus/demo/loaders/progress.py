"""A plain progress bar for the loader's steps, written to the command's output."""

from typing import Any, Protocol

WIDTH = 30


class Output(Protocol):
    """Where the bar is drawn: a text stream, or a management command's ``stdout``."""

    def write(self, text: str, /) -> Any: ...

    def flush(self) -> Any: ...


class ProgressBar:
    """``[#########---------]  45%  creating sales orders``, redrawn in place on a terminal."""

    def __init__(self, out: Output, total: int) -> None:
        self.out = out
        self.total = max(total, 1)
        self.done = 0
        self.interactive = bool(getattr(out, "isatty", lambda: False)())

    def step(self, label: str) -> None:
        """Mark one more step done and say what comes next."""
        self.done = min(self.done + 1, self.total)
        filled = WIDTH * self.done // self.total
        line = f"[{'#' * filled}{'-' * (WIDTH - filled)}] {100 * self.done // self.total:3d}%  {label}"
        if self.interactive:
            self._emit(f"\r{line:<{WIDTH + 60}}" + ("\n" if self.done == self.total else ""))
        else:
            self._emit(f"{line}\n")
        self.out.flush()

    def _emit(self, text: str) -> None:
        # A management command's stdout adds a newline unless told otherwise (``ending``).
        if hasattr(self.out, "ending"):
            self.out.write(text, ending="")  # type: ignore[call-arg]
        else:
            self.out.write(text)
