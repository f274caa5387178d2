"""Look-alike Chinese characters: the shipped table and name comparison."""

from __future__ import annotations

import time
from importlib import resources

import pytest

from detectors import lookalikes as lk
from detectors.lookalikes import lookalike_variant, lookalikes

# Pairs the table must have: the computed ones, and the two added from observed impostor
# names (网/冈, 中/申), which glyph comparison alone ranks too low.
MUST_HAVE = ["人入", "日曰", "日目", "社杜", "网冈", "视祝", "华毕", "光先", "中申",
             "已己", "已巳", "己巳", "未末", "土士", "干千", "天夭", "贝见",
             "王玉", "大太", "大犬", "太犬", "刀力"]


def _rows() -> list[list[str]]:
    text = resources.files("detectors.data").joinpath("lookalike_chars.tsv").read_text("utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@pytest.mark.parametrize("pair", MUST_HAVE)
def test_must_have_pairs(pair: str) -> None:
    a, b = pair
    assert b in lookalikes(a)
    assert a in lookalikes(b)


def test_not_shape_similar_enough() -> None:
    assert "亲" not in lookalikes("新")
    assert "八" not in lookalikes("人")


def test_symmetric_and_irreflexive() -> None:
    table = lk._table()
    for char, others in table.items():
        assert char not in others
        for other in others:
            assert char in table[other]


def test_file_format() -> None:
    text = resources.files("detectors.data").joinpath("lookalike_chars.tsv").read_text("utf-8")
    assert text.startswith("# char_a\tchar_b\tscore\tsource")
    rows = _rows()
    assert len(rows) > 3000
    keys = [(a, b) for a, b, *_ in rows]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    for a, b, score, source in rows:
        assert len(a) == len(b) == 1 and a < b
        assert 0.0 <= float(score) <= 1.0
        assert source in {"shape", "shape-mutual", "shape-box", "observed"}
    assert lk.table_size() == len(rows)


def test_unknown_characters() -> None:
    assert lookalikes("x") == frozenset()
    assert lookalikes("") == frozenset()


def test_variant_single_swaps() -> None:
    assert lookalike_variant("入民日报", "人民日报") == [(0, "人", "入")]
    assert lookalike_variant("人民曰报", "人民日报") == [(2, "日", "曰")]
    assert lookalike_variant("新华杜", "新华社") == [(2, "社", "杜")]
    assert lookalike_variant("人民冈", "人民网") == [(2, "网", "冈")]
    assert lookalike_variant("申国日报", "中国日报") == [(0, "中", "申")]


def test_variant_rejects() -> None:
    assert lookalike_variant("人民网", "人民网") is None          # no difference
    assert lookalike_variant("人民日报社", "人民日报") is None     # different lengths
    assert lookalike_variant("人民晚报", "人民日报") is None       # 晚 does not look like 日
    assert lookalike_variant("新华路小学", "新华社") is None       # benign, longer name
    assert lookalike_variant("新华路", "新华社") is None           # 路 does not look like 社


def test_variant_swap_limit() -> None:
    # Two swaps in four characters: over the default of one per three characters.
    assert lookalike_variant("入民曰报", "人民日报") is None
    assert lookalike_variant("入民曰报", "人民日报", max_swaps=2) == [(0, "人", "入"), (2, "日", "曰")]
    assert lookalike_variant("入民日报", "人民日报", max_swaps=0) is None
    assert lk.default_max_swaps(3) == 1 and lk.default_max_swaps(8) == 2


def test_lazy_cached_load() -> None:
    lk._table.cache_clear()
    assert lk._table.cache_info().currsize == 0
    started = time.perf_counter()
    lookalikes("人")
    elapsed = time.perf_counter() - started
    assert lk._table.cache_info().currsize == 1
    assert lk._table() is lk._table()
    assert elapsed < 1.0
