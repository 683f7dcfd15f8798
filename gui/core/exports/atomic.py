"""Writing an export file so that the target is either the old file or the whole new one.

A report that fails half-way (a full disk, a vanished folder, a crash) must never leave a truncated
file where a spreadsheet or DevTools will later open it: we write a temporary file next to the
target and rename it over the target, which the operating system does in one step.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterable, Iterator
from pathlib import Path

StrPath = str | os.PathLike[str]


class ExportError(ValueError):
    """An export could not be written; the message is one sentence naming the path and the reason."""


def write_atomically(path: StrPath, data: str | bytes | Iterable[str]) -> None:
    """Write ``data`` (text is UTF-8 encoded) to ``path`` in one step, or raise ``ExportError``.

    ``data`` may also be pieces of text, written one after another as they come: a 100,000-request
    trace is never one string in memory (it was 80 MB of text, on top of the document it was made
    from). The temporary file lives in the target's folder so that ``os.replace`` is a rename on
    one file system, never a copy. It is removed again on any failure.
    """
    target = Path(path)
    pieces: Iterable[bytes] = (
        [data.encode("utf-8")] if isinstance(data, str) else [data] if isinstance(data, bytes) else _encoded(data)
    )
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    created = False
    try:
        # O_EXCL: never reuse someone else's file; mode 0o666 lets the umask decide, as open() would
        # (tempfile.mkstemp would leave every report readable by its owner only).
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        created = True
        with os.fdopen(descriptor, "wb", buffering=1 << 20) as stream:
            for piece in pieces:
                stream.write(piece)
            stream.flush()
            os.fsync(stream.fileno())  # the bytes are on disk before the name points at them
        os.replace(temporary, target)
    except BaseException as error:  # a full disk, or the pieces failing to be made: no half file stays
        if created:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        if isinstance(error, OSError):
            raise ExportError(f"cannot write {target}: {error.strerror or error}") from error
        raise


def _encoded(texts: Iterable[str]) -> Iterator[bytes]:
    for text in texts:
        yield text.encode("utf-8")
