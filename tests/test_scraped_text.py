"""Scraped text never runs: not as a path, not as terminal control, not as a formula."""

from __future__ import annotations

import pytest

from crawler.cli.display import cell, visible
from crawler.csvsafe import safe_cell
from crawler.evidence import safe_folder_name


@pytest.mark.parametrize("host", [
    "../../etc", "..", "a/b.example.com", "evil\x00.example.com", "back\\slash.com", "EXAMPLE.COM/..",
    "x" * 300, "新华网.中国", "name with spaces", ".hidden", "-rf", "",
])
def test_hostile_host_names_give_plain_folder_names(host: str) -> None:
    name = safe_folder_name(host)
    assert name and len(name) <= 100 and name not in (".", "..")
    assert all(ch.isascii() and (ch.isalnum() or ch in ".-") for ch in name)
    assert not name.startswith((".", "-")) and ".." not in name


def test_plain_punycode_hosts_keep_their_names() -> None:
    assert safe_folder_name("xn--xkry9kk1bz66a.xn--fiqs8s") == "xn--xkry9kk1bz66a.xn--fiqs8s"
    assert safe_folder_name("news.example.com") == "news.example.com"


@pytest.mark.parametrize("raw, shown", [
    ("Daily\u202egnp.exe", "Daily<U+202E>gnp.exe"),
    ("a\x00b\x1b[31mred", "a<U+0000>b<U+001B>[31mred"),
    ("zero\u200bwidth\u2066isolate", "zero<U+200B>width<U+2066>isolate"),
    ("bell\x07\r\nline", "bell<U+0007><U+000D><U+000A>line"),
    ("[bold red]markup[/]", "[bold red]markup[/]"),
])
def test_names_in_the_terminal_show_controls_and_bidi(raw: str, shown: str) -> None:
    assert visible(raw) == shown
    assert cell(raw).plain == shown  # a rich Text: printed literally, never parsed as markup


def test_long_names_are_cut_for_the_terminal() -> None:
    assert visible("x" * 1000, limit=40) == "x" * 39 + "…"


@pytest.mark.parametrize("value", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR", "＝HYPERLINK()"])
def test_formulas_are_neutralised(value: str) -> None:
    assert safe_cell(value) == "'" + value


def test_numbers_and_plain_text_stay_as_they_are() -> None:
    assert safe_cell(-5) == "-5" and safe_cell("人民日报") == "人民日报" and safe_cell(["=a", "b"]) == "'=a; b"
