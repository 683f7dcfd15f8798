"""Writing an export file so that the target is either the old file or the whole new one.

A report that fails half-way (a full disk, a vanished folder, a crash) must never leave a truncated
file where a spreadsheet or DevTools will later open it: we write a temporary file next to the
target and rename it over the target, which the operating system does in one step.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

StrPath = str | os.PathLike[str]


class ExportError(ValueError):
    """An export could not be written; the message is one sentence naming the path and the reason."""


def write_atomically(path: StrPath, data: str | bytes) -> None:
    """Write ``data`` (text is UTF-8 encoded) to ``path`` in one step, or raise ``ExportError``.

    The temporary file lives in the target's folder so that ``os.replace`` is a rename on one file
    system, never a copy. It is removed again on any failure.
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    created = False
    try:
        # O_EXCL: never reuse someone else's file; mode 0o666 lets the umask decide, as open() would
        # (tempfile.mkstemp would leave every report readable by its owner only).
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        created = True
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())  # the bytes are on disk before the name points at them
        os.replace(temporary, target)
    except OSError as error:
        if created:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        raise ExportError(f"cannot write {target}: {error.strerror or error}") from error
