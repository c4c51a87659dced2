"""Progress of the core's slow steps, for whichever front shows it.

A step that can take more than a second (building the bundled model, exporting it to ONNX,
computing a model's language statistics) is reported here by its name in `STEPS`, with a
total when it has one; a front installs a `Reporter` (the CLI draws one rich line on stderr
that updates in place) and writes the words. With none installed nothing is shown.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Literal, Protocol

Step = Literal["model-build", "onnx-export", "language-statistics"]
STEPS: tuple[Step, ...] = ("model-build", "onnx-export", "language-statistics")


class Reporter(Protocol):
    def start(self, step: Step, total: int | None) -> None: ...

    def advance(self, step: Step, amount: int) -> None: ...

    def finish(self, step: Step) -> None: ...


_reporter: Reporter | None = None


def install(reporter: Reporter | None) -> Reporter | None:
    """Make `reporter` show the steps from now on (None: show nothing); returns the previous."""
    global _reporter
    previous, _reporter = _reporter, reporter
    return previous


@contextmanager
def step(name: Step, total: int | None = None) -> Iterator[Callable[[int], None]]:
    """Report the step while the block runs; the block calls the yielded function to say how
    much of `total` it has done."""
    reporter = _reporter
    if reporter is None:
        yield lambda amount: None
        return
    reporter.start(name, total)
    try:
        yield lambda amount: reporter.advance(name, amount)
    finally:
        reporter.finish(name)
