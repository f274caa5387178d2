"""Built detection engines kept on disk, keyed by everything they are built from.

Building the engine for the bundled registry costs ~0.9 s of CPU (the pinyin of every
name, the domain index's key tables, the common-word list); loading it back ~0.2 s. Every
`masthead check`, every scan and every analysis worker of a crawl builds one, so each
keeps what it built for the next.

The key covers the registry (every field, and the bytes of its logo files), the
detectors asked for, the source and data files of this package, the Python version, and
the installed libraries (the modification times of the site-packages folders, which
installing or upgrading a package changes). A file that cannot be loaded is rebuilt and
replaced. Since loading a pickle runs code, a folder that other users may write to is not
used.

Where: `MASTHEAD_CACHE_DIR` (empty or `off`: no cache), else `$XDG_CACHE_HOME/masthead`,
else `~/.cache/masthead`. The most recently used `KEEP` engines are kept.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import stat
import sys
import tempfile
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from detectors.engine import DETECTORS, DetectionEngine, build_engine
from detectors.registry import Registry

logger = logging.getLogger(__name__)
KEEP = 8
_PACKAGE = Path(__file__).resolve().parent
_SUFFIX = ".engine.pickle"


def cache_dir() -> Path | None:
    """The folder for built engines, or None when caching is turned off."""
    chosen = os.environ.get("MASTHEAD_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "off") else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "masthead"


@lru_cache(maxsize=1)
def _code_and_libraries() -> str:
    """Digest of this package's files, Python's version and the installed libraries."""
    digest = hashlib.sha256(sys.version.encode())
    for path in sorted(_PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(_PACKAGE)).encode() + b"\0" + path.read_bytes())
    for entry in sys.path:
        if entry.endswith(("site-packages", "dist-packages")) and os.path.isdir(entry):
            digest.update(f"{entry}\0{os.stat(entry).st_mtime_ns}".encode())
    return digest.hexdigest()


def engine_key(registry: Registry, names: Sequence[str]) -> str:
    digest = hashlib.sha256(_code_and_libraries().encode())
    digest.update(json.dumps([list(names), [org.to_dict() for org in registry]], sort_keys=True).encode())
    for org in registry:
        for logo in org.logos:
            try:
                digest.update(hashlib.sha256(Path(logo).read_bytes()).digest())
            except OSError as exc:  # the build reports it; a later fix must change the key
                digest.update(f"unreadable {exc.errno}".encode())
    return digest.hexdigest()


def _private(folder: Path) -> bool:
    """The folder is the user's own and no one else may write to it."""
    try:
        info = folder.stat()
    except OSError:
        return False
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _load(path: Path) -> DetectionEngine | None:
    try:
        with path.open("rb") as stream:
            engine = pickle.load(stream)
    except FileNotFoundError:
        return None
    except Exception as exc:  # noqa: BLE001 - truncated, corrupt or stale: built again
        logger.info("cached engine %s not usable (%s): building it again", path, exc)
        return None
    if not isinstance(engine, DetectionEngine):
        return None
    os.utime(path)  # recently used: kept by _prune
    return engine


def _store(folder: Path, path: Path, engine: DetectionEngine) -> None:
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            pickle.dump(engine, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)  # a reader sees the old file or the whole new one
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _prune(folder: Path) -> None:
    engines = sorted(folder.glob("*" + _SUFFIX), key=lambda path: path.stat().st_mtime, reverse=True)
    for old in engines[KEEP:]:
        old.unlink(missing_ok=True)


def cached_engine(registry: Registry, names: Sequence[str] = tuple(DETECTORS),
                  folder: Path | None = None) -> DetectionEngine:
    """`build_engine(registry, names)`, loaded from the cache when it was built before.
    `folder` defaults to `cache_dir()`. A cache that cannot be read or written is
    skipped: the engine is then built as without one."""
    folder = folder if folder is not None else cache_dir()
    if folder is None:
        return build_engine(registry, names)
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        logger.info("engine cache %s not usable (%s)", folder, exc)
        return build_engine(registry, names)
    if not _private(folder):
        logger.warning("engine cache %s is not private to this user: not used", folder)
        return build_engine(registry, names)
    path = folder / (engine_key(registry, names) + _SUFFIX)
    engine = _load(path)
    if engine is None:
        engine = build_engine(registry, names)
        try:
            _store(folder, path, engine)
            _prune(folder)
        except (OSError, pickle.PicklingError) as exc:
            logger.info("engine not cached in %s (%s)", folder, exc)
    return engine
