"""The registry of genuine organisations: validation errors name file, entry and field."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from detectors.registry import Registry, RegistryError, load_organisations

PEOPLE = {
    "id": "people",
    "name": "人民日报社",
    "names": ["人民日报", "人民网", "People's Daily"],
    "type": "newspaper",
    "domains": ["people.com.cn", "people.cn"],
    "licences": ["10120170001"],
    "accounts": {"weibo": ["2803301701"]},
}
XINHUA = {"id": "xinhua", "name": "新华通讯社", "type": "agency", "domains": ["news.cn"]}


def test_a_valid_file_loads_with_every_field(write_registry, tmp_path: Path) -> None:
    Image.new("RGB", (32, 32), "red").save(tmp_path / "people.png")
    path = write_registry([{**PEOPLE, "logos": ["people.png"]}, XINHUA])
    registry = Registry.load([path])
    people = registry.get("people")
    assert len(registry) == 2
    assert people.all_names == ("人民日报社", "人民日报", "人民网", "People's Daily")
    assert people.logos == ((tmp_path / "people.png").resolve(),)
    assert people.accounts == {"weibo": ("2803301701",)}
    assert registry.holder_of_licence("10120170001") is people


def test_hosts_map_to_the_most_specific_official_domain(write_registry) -> None:
    path = write_registry([PEOPLE, {**XINHUA, "domains": ["news.cn", "jjckb.people.cn"]}])
    registry = Registry.load([path])
    assert registry.org_for_host("www.people.com.cn").id == "people"
    assert registry.org_for_host("people.cn").id == "people"
    assert registry.org_for_host("a.jjckb.people.cn").id == "xinhua"
    assert registry.org_for_host("people.com.cn.evil.top") is None
    assert registry.org_for_host("notpeople.cn") is None


def test_unicode_domains_are_stored_as_punycode(write_registry) -> None:
    path = write_registry([{**XINHUA, "domains": ["新华网.中国", "NEWS.CN."]}])
    assert Registry.load([path]).get("xinhua").domains == ("xn--xkrr14bows.xn--fiqs8s", "news.cn")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"colour": "red"}, "entry 1 (id 'people'): field 'colour': unknown field"),
        ({"id": "People Daily"}, "field 'id': String should match pattern"),
        ({"type": "blog"}, "field 'type': Input should be 'agency', 'newspaper'"),
        ({"domains": []}, "field 'domains': List should have at least 1 item"),
        ({"domains": ["people com"]}, "field 'domains': [0] 'people com' is not a valid host name"),
        ({"licences": ["1012017001"]}, "field 'licences': [0] '1012017001': year 2017 is outside"),
        ({"licences": ["99120170001"]}, "region 99 is neither 10 (national) nor a province code"),
        ({"licences": ["123"]}, "'123' is not 11 digits"),
        ({"logos": ["missing.png"]}, "field 'logos': file not found: missing.png"),
    ],
)
def test_each_invalid_field_is_named(write_registry, change: dict, expected: str) -> None:
    path = write_registry([{**PEOPLE, **change}])
    with pytest.raises(RegistryError) as error:
        load_organisations(path)
    assert str(error.value).startswith(f"{path}: entry 1 (id ")
    assert expected in str(error.value)


@pytest.mark.parametrize("field", ["id", "name", "type", "domains"])
def test_required_fields(write_registry, field: str) -> None:
    entry = {key: value for key, value in PEOPLE.items() if key != field}
    path = write_registry([XINHUA, entry])
    with pytest.raises(RegistryError, match=rf"entry 2.*field '{field}': Field required"):
        load_organisations(path)


def test_duplicate_ids_are_an_error(write_registry) -> None:
    path = write_registry([XINHUA, {**PEOPLE, "id": "xinhua"}])
    with pytest.raises(RegistryError, match="organisation 'xinhua': id 'xinhua' is already claimed"):
        Registry.load([path])


def test_a_domain_claimed_twice_is_an_error(write_registry) -> None:
    path = write_registry([PEOPLE, {**XINHUA, "domains": ["news.cn", "People.cn"]}])
    with pytest.raises(RegistryError) as error:
        Registry.load([path])
    assert str(error.value) == (
        f"{path}: organisation 'xinhua': domain 'people.cn' is already claimed by "
        f"organisation 'people' ({path})"
    )


def test_files_merge_and_a_clash_between_them_is_an_error(write_registry) -> None:
    first = write_registry([PEOPLE], "first.yaml")
    second = write_registry([XINHUA], "second.yaml")
    assert [org.id for org in Registry.load([first, second])] == ["people", "xinhua"]
    clash = write_registry([{**XINHUA, "licences": ["10120170001"]}], "clash.yaml")
    with pytest.raises(RegistryError, match=r"clash.yaml: organisation 'xinhua': licence "
                                            r"'10120170001' is already claimed .*first.yaml"):
        Registry.load([first, clash])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("organisations: [\n  - {id: a,", "not valid YAML"),
        ("- just a list", "expected a mapping with an 'organisations' list"),
        ("organisations: []\nextra: 1", "unknown top-level key(s): extra"),
        ("organisations:\n  - plain string", "entry 1: expected a mapping of fields"),
    ],
)
def test_malformed_documents(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RegistryError) as error:
        load_organisations(path)
    assert str(error.value).startswith(f"{path}: ")
    assert expected in str(error.value)
