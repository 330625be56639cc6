"""A progress bar for management commands: ``rates [#########---------]  320/730``."""

from django.core.management.base import OutputWrapper

WIDTH = 30


class ProgressBar:
    """Draw ``label [###---] done/total`` on one line, redrawn in place as the count grows.

    Call it with the label and the counts as often as you like: it redraws only when the
    percentage or the label changes, and ends the line when the count is complete, the label changes, or
    ``finish()`` is called (the total may turn out larger than the work actually done).
    """

    def __init__(self, out: OutputWrapper, width: int = WIDTH) -> None:
        self.out = out
        self.width = width
        self._drawn: tuple[str, int] | None = None
        self._open = False

    def __call__(self, label: str, done: int, total: int) -> None:
        percent = 100 * done // total if total > 0 else 100
        if self._open and self._drawn is not None and self._drawn[0] != label:
            self.finish()
        if (label, percent) == self._drawn and done < total:
            return
        filled = self.width * percent // 100
        bar = "#" * filled + "-" * (self.width - filled)
        self.out.write(f"\r{label} [{bar}] {done}/{total}", ending="")
        self.out.flush()
        self._drawn, self._open = (label, percent), True
        if done >= total:
            self.finish()

    def finish(self) -> None:
        """End the current line (nothing when none is open)."""
        if self._open:
            self.out.write("")
            self._open = False
        self._drawn = None
