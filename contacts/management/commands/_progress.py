"""A tqdm progress bar on stderr for the bulk commands: off when stderr is not a terminal or with --no-progress."""

from contextlib import contextmanager

from tqdm import tqdm


@contextmanager
def progress_bar(command, *, total, description, enabled=True):
    stream = getattr(command.stderr, "_out", None)
    show = enabled and stream is not None and hasattr(stream, "isatty") and stream.isatty()
    with tqdm(total=total, desc=description, unit="rec", file=stream, disable=not show, leave=False) as bar:
        yield bar.update
