"""Shared fixtures: the real `masthead` command, the sandbox web, registry files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

MASTHEAD = [sys.executable, "-m", "crawler.cli"]


def run_masthead(*args: str, input: str | None = None, cwd: Path | None = None,
                 timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the real command line, as a user would."""
    return subprocess.run([*MASTHEAD, *args], input=input, capture_output=True, text=True,
                          cwd=cwd, timeout=timeout)


class RunningSandbox:
    """A `masthead sandbox DIR --port 0` process and the proxy URL it printed."""

    def __init__(self, root: Path):
        self.root = root
        self.process = subprocess.Popen([*MASTHEAD, "sandbox", str(root), "--port", "0"],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True)
        first_line = self.process.stdout.readline().strip()
        if not first_line.startswith("proxy: "):
            self.process.kill()
            raise RuntimeError(f"sandbox did not start: {first_line!r} {self.process.stderr.read()}")
        self.url = first_line.removeprefix("proxy: ")

    def stop(self) -> int:
        self.process.terminate()
        try:
            return self.process.wait(timeout=10)
        finally:
            self.process.stdout.close()
            self.process.stderr.close()


def pytest_configure(config: pytest.Config) -> None:
    """Built engines are cached in a folder of this test session's own (see
    detectors.engine_cache), which the `masthead` processes it starts inherit: the user's
    cache is neither read nor filled."""
    os.environ["MASTHEAD_CACHE_DIR"] = tempfile.mkdtemp(prefix="masthead-test-cache-")


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(os.environ.pop("MASTHEAD_CACHE_DIR", ""), ignore_errors=True)


REPO = Path(__file__).parent.parent
# The workplace's reference data sits beside the checkout (../shared), in CI too.
SHARED = Path(os.environ.get("MASTHEAD_SHARED", REPO.parent / "shared"))
WEB = Path(__file__).parent / "web"


@pytest.fixture(scope="session")
def test_web(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of tests/web with the images its pages refer to drawn in."""
    from tests.drawing import logo, save

    root = tmp_path_factory.mktemp("web")
    shutil.copytree(WEB, root, dirs_exist_ok=True)
    save(logo(1, 64), root / "static-news.example.com" / "favicon.png")
    save(logo(1, 300, "CG"), root / "static-news.example.com" / "images" / "logo.png")
    save(logo(2, 200, "XH"), root / "js-built.example.com" / "logo.png")
    save(logo(3, 64), root / "favicon-only.example.com" / "static" / "brand.ico",
         sizes=[(16, 16), (32, 32), (48, 48)])
    save(logo(4, 600).convert("RGB"), root / "og-image.example.com" / "share" / "brand-card.png")
    return root


@pytest.fixture(scope="session")
def test_web_proxy(test_web: Path) -> Iterator[str]:
    """The proxy URL of a sandbox serving `test_web`, for the whole session."""
    running = RunningSandbox(test_web)
    yield running.url
    running.stop()


@pytest.fixture
def sandbox() -> Iterator[Callable[[Path], RunningSandbox]]:
    """Start sandbox webs on folders; all are stopped at the end of the test."""
    started: list[RunningSandbox] = []

    def start(root: Path) -> RunningSandbox:
        started.append(RunningSandbox(root))
        return started[-1]

    yield start
    for running in started:
        if running.process.poll() is None:
            running.stop()


@pytest.fixture
def write_registry(tmp_path: Path) -> Callable[..., Path]:
    """Write a registry YAML file from a list of organisation mappings."""

    def write(organisations: list[dict], name: str = "registry.yaml") -> Path:
        path = tmp_path / name
        path.write_text(yaml.safe_dump({"organisations": organisations}, allow_unicode=True),
                        encoding="utf-8")
        return path

    return write
