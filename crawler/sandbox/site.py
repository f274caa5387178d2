"""How a request maps onto the sandbox folders: files, `_redirects`, `_headers`."""

from __future__ import annotations

import fnmatch
import mimetypes
import posixpath
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import idna

from crawler.sandbox.generated import generate

mimetypes.add_type("image/svg+xml", ".svg")
mimetypes.add_type("image/x-icon", ".ico")
mimetypes.add_type("image/webp", ".webp")
mimetypes.add_type("application/javascript", ".js")

SPECIAL_FILES = ("_redirects", "_headers", "_slow", "_generate")


@dataclass
class Answer:
    """What the sandbox answers to one request."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    file: Path | None = None  # streamed from disk instead of `body`
    chunks: Callable[[], Iterator[bytes]] | None = None  # a made-up body (see `generated`)
    size: int = 0  # the length of the made-up body
    delay: float = 0.0  # seconds to wait before answering
    rate: int | None = None  # bytes per second of the body, for a slow server

    @property
    def length(self) -> int:
        if self.chunks is not None:
            return self.size
        return self.file.stat().st_size if self.file else len(self.body)

    def set_header(self, name: str, value: str) -> None:
        """Set a header, replacing any of the same name."""
        self.headers = [(n, v) for n, v in self.headers if n.lower() != name.lower()]
        self.headers.append((name, value))


def _message(status: int, text: str) -> Answer:
    body = f"<!doctype html><title>{status}</title><p>{text}</p>\n".encode()
    return Answer(status, [("Content-Type", "text/html; charset=utf-8")], body)


@dataclass(frozen=True)
class _Redirect:
    scheme: str | None
    path: str
    status: int
    location: str


class SandboxWeb:
    """Serves `root/HOST/PATH`. A host with no folder answers 502, like a proxy whose DNS
    look-up failed; a missing path answers 404."""

    def __init__(self, root: Path):
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise NotADirectoryError(f"sandbox folder not found: {root}")

    def host_folder(self, host: str) -> Path | None:
        """The folder of `host` (port stripped; punycode or Unicode folder names)."""
        name = host.strip().lower()
        head, _, port = name.rpartition(":")
        if head and port.isdigit():
            name = head
        name = name.rstrip(".")
        candidates = [name]
        try:
            candidates.append(idna.decode(name))
        except idna.IDNAError:
            pass
        for candidate in candidates:
            if not candidate or candidate.startswith(".") or "/" in candidate or "\\" in candidate:
                continue
            folder = self.root / candidate
            if folder.is_dir() and folder.resolve().parent == self.root:
                return folder
        return None

    def answer(self, scheme: str, host: str, target: str) -> Answer:
        """Answer a request for `scheme://host` + `target` (path and query)."""
        folder = self.host_folder(host)
        if folder is None:
            return _message(502, f"sandbox: unknown host {host!r} (no such folder)")
        path = target.split("?", 1)[0].split("#", 1)[0] or "/"
        redirect = self._redirect(folder, scheme, path, target)
        if redirect is not None:
            answer = Answer(redirect.status, [("Location", redirect.location),
                                              ("Content-Type", "text/html; charset=utf-8")])
        else:
            answer = self._generated(folder, path) or self._file(folder, path)
        for name, value in self._extra_headers(folder, path):
            answer.set_header(name, value)
        answer.delay, answer.rate = self._slowness(folder, path)
        return answer

    @staticmethod
    def _rules(folder: Path, name: str) -> list[str]:
        rules_file = folder / name
        if not rules_file.is_file():
            return []
        lines = rules_file.read_text(encoding="utf-8").splitlines()
        return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]

    def _redirect(self, folder: Path, scheme: str, path: str, target: str) -> _Redirect | None:
        for line in self._rules(folder, "_redirects"):
            parts = line.split(None, 2)
            if len(parts) != 3 or not parts[1].isdigit():
                continue
            rule_path, rule_scheme = parts[0], None
            if rule_path.startswith(("http:/", "https:/")):
                rule_scheme, rule_path = rule_path.split(":", 1)
            if rule_scheme not in (None, scheme):
                continue
            if rule_path in (path, target):
                return _Redirect(rule_scheme, rule_path, int(parts[1]), parts[2])
        return None

    def _extra_headers(self, folder: Path, path: str) -> list[tuple[str, str]]:
        headers = []
        for line in self._rules(folder, "_headers"):
            parts = line.split(None, 1)
            if len(parts) != 2 or ":" not in parts[1]:
                continue
            if fnmatch.fnmatchcase(path, parts[0]):
                name, value = parts[1].split(":", 1)
                headers.append((name.strip(), value.strip()))
        return headers

    def _generated(self, folder: Path, path: str) -> Answer | None:
        """From `_generate` lines `PATH KIND [SIZE|COUNT]` (PATH may use * wildcards)."""
        for line in self._rules(folder, "_generate"):
            parts = line.split()
            if len(parts) in (2, 3) and fnmatch.fnmatchcase(path, parts[0]):
                try:
                    made = generate(parts[1], parts[2] if len(parts) == 3 else None, path)
                except ValueError:
                    continue
                return Answer(200, list(made.headers), chunks=made.chunks, size=made.length)
        return None

    def _slowness(self, folder: Path, path: str) -> tuple[float, int | None]:
        """From `_slow` lines `PATH SECONDS [BYTES_PER_SECOND]` (PATH may use * wildcards)."""
        for line in self._rules(folder, "_slow"):
            parts = line.split()
            if len(parts) in (2, 3) and fnmatch.fnmatchcase(path, parts[0]):
                try:
                    return float(parts[1]), int(parts[2]) if len(parts) == 3 else None
                except ValueError:
                    continue
        return 0.0, None

    def _file(self, folder: Path, path: str) -> Answer:
        relative = posixpath.normpath(unquote(path)).lstrip("/")
        if relative in ("", "."):
            relative = ""
        parts = [part for part in relative.split("/") if part]
        if any(part == ".." for part in parts) or (parts and parts[0] in SPECIAL_FILES):
            return _message(404, "not found")
        file = folder.joinpath(*parts) if parts else folder
        if file.is_dir():
            if not path.endswith("/"):
                return Answer(301, [("Location", path + "/")])
            file = file / "index.html"
        try:
            resolved = file.resolve(strict=True)
        except (OSError, RuntimeError):
            return _message(404, "not found")
        if not resolved.is_file() or not resolved.is_relative_to(folder.resolve()):
            return _message(404, "not found")
        content_type = mimetypes.guess_type(resolved.name)[0] or "application/octet-stream"
        return Answer(200, [("Content-Type", content_type)], file=resolved)
