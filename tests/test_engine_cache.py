"""Built engines kept on disk: used again only when nothing they were built from changed."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from detectors import engine_cache
from detectors.engine_cache import cached_engine
from detectors.profile import ShownName, TargetProfile
from detectors.registry import Registry
from tests.drawing import logo, save

XINHUA = {"id": "xinhua", "name": "新华通讯社", "type": "agency", "domains": ["news.cn"], "names": ["新华社"]}
CHINADAILY = {"id": "chinadaily", "name": "中国日报", "type": "newspaper", "domains": ["chinadaily.com.cn"]}


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """The detector names of every engine actually built."""
    built: list[tuple[str, ...]] = []
    build = engine_cache.build_engine

    def counting(registry: Registry, names: tuple[str, ...]):  # noqa: ANN202
        built.append(tuple(names))
        return build(registry, names)

    monkeypatch.setattr(engine_cache, "build_engine", counting)
    return built


def verdict(engine, name: str) -> tuple[str, str | None, int]:  # noqa: ANN001
    result = engine.analyse(TargetProfile(target=name, names=[ShownName(name)]))
    return result.verdict, result.org_id, result.score


def test_second_engine_is_loaded_and_judges_alike(tmp_path: Path, write_registry: Callable[..., Path],
                                                  builds: list[tuple[str, ...]]) -> None:
    registry = Registry.load([write_registry([XINHUA, CHINADAILY])])
    first = cached_engine(registry, ("name", "news_branding"), tmp_path / "cache")
    second = cached_engine(Registry.load([write_registry([XINHUA, CHINADAILY])]), ("name", "news_branding"),
                           tmp_path / "cache")
    assert builds == [("name", "news_branding")]
    assert second is not first
    for name in ("新華社", "中国日报社", "东方日报", "光明眼镜"):
        assert verdict(second, name) == verdict(first, name)
    assert oct((tmp_path / "cache").stat().st_mode & 0o777) == "0o700"


def test_another_registry_or_other_detectors_build_anew(tmp_path: Path, write_registry: Callable[..., Path],
                                                        builds: list[tuple[str, ...]]) -> None:
    folder = tmp_path / "cache"
    cached_engine(Registry.load([write_registry([XINHUA])]), ("name",), folder)
    changed = Registry.load([write_registry([{**XINHUA, "names": ["新华社", "新华网"]}])])
    assert verdict(cached_engine(changed, ("name",), folder), "新华网")[1] == "xinhua"
    cached_engine(changed, ("name", "domain"), folder)
    assert builds == [("name",), ("name",), ("name", "domain")]


def test_a_changed_logo_file_builds_anew(tmp_path: Path, write_registry: Callable[..., Path],
                                         builds: list[tuple[str, ...]]) -> None:
    image = tmp_path / "xinhua.png"
    save(logo(1, 200, "XH"), image)
    registry_file = write_registry([{**XINHUA, "logos": [str(image)]}])
    cached_engine(Registry.load([registry_file]), ("logo",), tmp_path / "cache")
    cached_engine(Registry.load([registry_file]), ("logo",), tmp_path / "cache")
    save(logo(2, 200, "XH"), image)
    cached_engine(Registry.load([registry_file]), ("logo",), tmp_path / "cache")
    assert builds == [("logo",), ("logo",)]


def test_a_corrupt_cache_file_is_rebuilt_and_replaced(tmp_path: Path, write_registry: Callable[..., Path],
                                                      builds: list[tuple[str, ...]]) -> None:
    registry, folder = Registry.load([write_registry([XINHUA])]), tmp_path / "cache"
    cached_engine(registry, ("name",), folder)
    (stored,) = folder.glob("*.engine.pickle")
    stored.write_bytes(stored.read_bytes()[:1000])
    assert verdict(cached_engine(registry, ("name",), folder), "新华社")[1] == "xinhua"
    cached_engine(registry, ("name",), folder)
    assert builds == [("name",), ("name",)]


def test_a_folder_others_may_write_to_is_not_used(tmp_path: Path, write_registry: Callable[..., Path],
                                                  builds: list[tuple[str, ...]]) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    os.chmod(folder, 0o777)
    registry = Registry.load([write_registry([XINHUA])])
    cached_engine(registry, ("name",), folder)
    cached_engine(registry, ("name",), folder)
    assert builds == [("name",), ("name",)] and not list(folder.iterdir())


def test_only_the_most_recently_used_engines_are_kept(tmp_path: Path, write_registry: Callable[..., Path],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine_cache, "KEEP", 2)
    folder = tmp_path / "cache"
    for index in range(4):
        cached_engine(Registry.load([write_registry([{**XINHUA, "names": [f"新华{index}"]}])]), ("name",), folder)
    assert len(list(folder.glob("*.engine.pickle"))) == 2


@pytest.mark.parametrize(("value", "expected"), [("off", None), ("", None), ("/some/where", Path("/some/where"))])
def test_cache_folder_from_the_environment(monkeypatch: pytest.MonkeyPatch, value: str, expected: Path | None) -> None:
    monkeypatch.setenv("MASTHEAD_CACHE_DIR", value)
    assert engine_cache.cache_dir() == expected


def test_default_cache_folder_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("MASTHEAD_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert engine_cache.cache_dir() == tmp_path / "masthead"
