"""The held-out judgement evaluation data (tests/data/judgement/) is well-formed.

Checks the files, not the judgement: schema, sizes, ids, that every expectation is one the
bench understands and every reference points at an earlier item (items run in file order).
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

DATA = Path(__file__).resolve().parent / "data" / "judgement"
sys.path.insert(0, str(DATA.parent.parent.parent / "bench"))

TIERS = {"I", "II", "III", "IV"}
MIN_PER_KIND = {
    "casualties": 60,
    "leaders": 30,
    "boundaries": 40,
    "exclusions": 25,
    "stance": 30,
    "reposts": 40,
    "encodings": 20,
    "must-not-alert": 50,
}
SAME_KINDS = {"headline", "source-line", "trimmed", "extended", "summary", "figures", "traditional", "spaced"}
DIFFERENT_KINDS = {"same-subject-day", "same-type-place", "new-not-followup"}
REFERENCE_KEYS = {"merge_with", "separate_from", "progress_of"}


def load(name: str) -> Any:
    with (DATA / name).open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    return load("eval_config.yaml")


@pytest.fixture(scope="module")
def items() -> list[dict[str, Any]]:
    return load("eval_items.yaml")["items"]


@pytest.fixture(scope="module")
def pairs() -> list[dict[str, Any]]:
    return load("repost_pairs.yaml")["pairs"]


def words(entries: list[Any]) -> list[str]:
    return [e["word"] if isinstance(e, dict) else e for e in entries]


def test_config_follows_the_scheme_syntax_of_the_spec(config: dict[str, Any]) -> None:
    schemes = config["schemes"]
    assert 3 <= len(schemes) <= 5
    assert len({s["name"] for s in schemes}) == len(schemes)
    allowed = {
        "name",
        "subjects",
        "leaders",
        "regions",
        "events",
        "exclude",
        "exclude_scope",
        "dictionary",
        "expression",
        "weight",
    }
    for scheme in schemes:
        assert set(scheme) <= allowed, scheme["name"]
        assert scheme["events"] and all(isinstance(v, int) and 1 <= v <= 5 for v in scheme["events"].values())
        assert scheme.get("exclude_scope", "sentence") in {"title", "sentence", "anywhere"}
        assert scheme.get("subjects") or scheme.get("leaders") or scheme.get("regions"), scheme["name"]
        for group in ("subjects", "leaders", "regions", "exclude", "dictionary"):
            for entry in scheme.get(group, []):
                if isinstance(entry, dict):
                    assert set(entry) == {"word", "exact"} and isinstance(entry["exact"], bool), entry
                else:
                    assert isinstance(entry, str) and entry.strip(), entry
    assert any(max(s["events"].values()) <= 3 for s in schemes), "one scheme's severities stop at 3"
    assert any(max(s["events"].values()) == 5 for s in schemes)
    assert sum(len(s.get("leaders", [])) for s in schemes) >= 5
    assert {s.get("exclude_scope", "sentence") for s in schemes} == {"title", "sentence", "anywhere"}
    assert any(not s.get("subjects") and not s.get("leaders") for s in schemes), "a regions-only scheme"


def test_config_sources_are_unique_and_some_official(config: dict[str, Any]) -> None:
    ids = [s["id"] for s in config["sources"]]
    assert len(ids) == len(set(ids)) >= 5
    assert 0 < sum(bool(s.get("official")) for s in config["sources"]) < len(ids)


def test_config_validates_once_the_spec_keys_are_rewritten() -> None:
    """Everything but the spec's new keys is valid for today's bot.config.Config."""
    from eval_data import load_config

    loaded = load_config(lenient=True)
    assert len(loaded.config.schemes) >= 3
    assert any("leaders" in note for note in loaded.rewritten)


def test_the_demo_city_is_not_used(
    config: dict[str, Any], items: list[dict[str, Any]], pairs: list[dict[str, Any]]
) -> None:
    texts = [w for s in config["schemes"] for g in ("subjects", "leaders", "regions") for w in words(s.get(g, []))]
    texts += [f"{i['title']} {i['text']}" for i in items]
    texts += [f"{p[side]['title']} {p[side]['text']}" for p in pairs for side in ("a", "b")]
    assert not [t for t in texts if "江城" in t]


def test_items_have_every_field(items: list[dict[str, Any]], config: dict[str, Any]) -> None:
    sources = {s["id"] for s in config["sources"]}
    for item in items:
        assert set(item) == {"id", "kind", "source", "title", "text", "expect", "why"}, item.get("id")
        for key in ("id", "title", "text", "why"):
            assert isinstance(item[key], str) and item[key].strip(), (item["id"], key)
            assert "\n" not in item[key].strip(), (item["id"], key)
        assert item["source"] in sources, item["id"]
        assert item["kind"] in MIN_PER_KIND, item["id"]


def test_items_are_enough_per_kind_and_ids_unique(items: list[dict[str, Any]]) -> None:
    assert len(items) >= 300
    ids = [i["id"] for i in items]
    assert len(ids) == len(set(ids)), [k for k, n in Counter(ids).items() if n > 1]
    counts = Counter(i["kind"] for i in items)
    for kind, least in MIN_PER_KIND.items():
        assert counts[kind] >= least, (kind, counts[kind])


def test_every_expectation_is_well_formed(items: list[dict[str, Any]]) -> None:
    earlier: set[str] = set()
    for item in items:
        expect = item["expect"]
        assert isinstance(expect, dict) and expect, item["id"]
        for key, value in expect.items():
            if key in ("tier", "upgrades_to"):
                assert value in TIERS, (item["id"], key, value)
            elif key == "tier_in":
                assert isinstance(value, list) and value and set(value) <= TIERS, item["id"]
                assert len(value) < len(TIERS), item["id"]
            elif key == "alert":
                assert isinstance(value, bool), item["id"]
            elif key in REFERENCE_KEYS:
                assert value in earlier, f"{item['id']}: {key} {value} is not an earlier item"
            else:
                pytest.fail(f"{item['id']}: unknown expectation {key}")
        assert not ("tier" in expect and "tier_in" in expect), item["id"]
        earlier.add(item["id"])


def test_references_point_at_items_that_should_alert(items: list[dict[str, Any]]) -> None:
    """A story others merge into, progress or separate from is one that opens an incident."""
    by_id = {i["id"]: i for i in items}
    for item in items:
        for key in REFERENCE_KEYS & set(item["expect"]):
            target = by_id[item["expect"][key]]
            assert target["expect"].get("alert") is not False, (item["id"], target["id"])


def test_pairs_are_well_formed(pairs: list[dict[str, Any]]) -> None:
    assert len(pairs) >= 150
    ids = [p["id"] for p in pairs]
    assert len(ids) == len(set(ids))
    for pair in pairs:
        assert set(pair) == {"id", "kind", "same", "a", "b"}, pair.get("id")
        assert isinstance(pair["same"], bool)
        assert pair["kind"] in (SAME_KINDS if pair["same"] else DIFFERENT_KINDS), pair["id"]
        for side in ("a", "b"):
            assert set(pair[side]) == {"title", "text"}, pair["id"]
            assert all(isinstance(v, str) and v.strip() for v in pair[side].values()), pair["id"]
        assert pair["a"] != pair["b"], pair["id"]
    kinds = Counter(p["kind"] for p in pairs)
    assert set(kinds) == SAME_KINDS | DIFFERENT_KINDS
    assert sum(not p["same"] for p in pairs) >= 50
