"""Where evidence lives on disk: run ids, safe folder names, atomic writes.

Host names come from the web: they never choose a path unsanitised.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import re
import secrets
import tempfile
from pathlib import Path

_SAFE = re.compile(r"^[a-z0-9][a-z0-9.-]{0,99}$")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_umask()  # what open() would give; mkstemp's 0600 would hide exports


def utc_now() -> str:
    """ISO 8601 UTC timestamp, to the millisecond."""
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")


def new_run_id() -> str:
    """Sortable, unique run id: `20261128T235959Z-3f9a`."""
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{secrets.token_hex(2)}"


def safe_folder_name(host: str | None) -> str:
    """A folder name for a host: the punycode host itself when it is plainly safe
    (letters, digits, dots, hyphens; no `..`), otherwise a digest of it."""
    name = (host or "").lower()
    if _SAFE.match(name) and ".." not in name:
        return name
    return "host-" + hashlib.sha256((host or "").encode("utf-8", "surrogatepass")).hexdigest()[:16]


def write_atomically(path: Path, content: bytes, durable: bool = True) -> None:
    """Write to a temporary file beside `path`, then rename: readers never see half a
    file, and a crash leaves the old content. `durable` also flushes it to the disk before
    the rename (exports, where a power cut must not leave an empty file). Evidence skips
    the flush, which cost seconds per crawl: a killed process loses nothing the kernel
    already has; only a power cut just after a write could."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(handle, _FILE_MODE)
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
