"""Leads at 12 bits a character (bot.analysis.leadcode) and the shared lead pool of the index."""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from bot.analysis.leadcode import decode, encode
from bot.analysis.similarity import SLOTS, SimilarityIndex, minhash, minutes
from bot.analysis.story import LEAD_CHARS, TITLE_END, canonical, story
from tests.conftest import START

LEAD = canonical(f"临川公交集团一公交车在滨江路侧翻致3人受伤{TITLE_END}11月28日7时40分许，12路公交车在滨江路侧翻。")


def roundtrip(text: str, units: int = 128) -> str:
    packed, used = encode(text, units)
    assert packed.size == (used + 1) // 2 * 3  # three bytes for two codes
    return decode(packed, used)


def test_common_text_round_trips_at_twelve_bits_a_character() -> None:
    packed, used = encode(LEAD, 128)
    assert used == len(LEAD) and decode(packed, used) == LEAD
    assert packed.size * 8 <= 12 * len(LEAD) + 12


def test_rare_characters_ascii_and_marks_round_trip() -> None:
    for text in ("鑫淼垚犇骉：ABC xyz 12\ue0023", "", "a", "𠀀字", "\ue003" * 5):
        expected = text.replace("𠀀", "\ufffd")  # outside the BMP: one replacement character
        assert roundtrip(text) == expected


def test_a_lead_longer_than_its_codes_is_cut_between_characters() -> None:
    assert roundtrip("临" * 127 + "鑫") == "临" * 127  # the two-code 鑫 does not fit in the last code
    assert roundtrip("鑫" * 100) == "鑫" * 64


def test_copies_of_one_lead_share_one_pooled_lead() -> None:
    index = SimilarityIndex()
    sig = minhash(LEAD)
    for n in range(20):
        index.add(sig, "YQ-1", f"（来源：第{n}家网站）{LEAD}"[:LEAD_CHARS])
    index.add(sig, "YQ-2", LEAD)  # the same lead under another incident: its own row
    index.add(sig, "YQ-1", canonical("临川公交集团回应侧翻事故：司机已停职接受调查，伤者无生命危险"))
    assert len(index) == 22 and index.pooled == 3
    assert index.leads("YQ-1")[0].endswith(LEAD[-20:])
    assert index.find(sig, story(LEAD)) is not None


def test_eviction_keeps_the_leads_kept_items_point_to() -> None:
    index = SimilarityIndex(window=timedelta(days=3))
    old = canonical(f"江州港务集团码头集装箱倒塌{TITLE_END}二号码头堆场一排集装箱倒塌，砸中两辆货车。")
    index.add(minhash(old), "YQ-old", old, minutes(START))
    index.add(minhash(LEAD), "YQ-new", LEAD, minutes(START + timedelta(days=2)))
    index.add(minhash(LEAD), "YQ-new", LEAD, minutes(START + timedelta(days=4)))
    index.evict()
    assert len(index) == 2 and index.pooled == 1 and "YQ-old" not in index
    assert index.find(minhash(LEAD), story(LEAD)) == ("YQ-new", index.find(minhash(LEAD), story(LEAD))[1])
    assert index.leads("YQ-new") == [LEAD]
    index.add(np.full(SLOTS, 7, dtype=np.uint16), "YQ-3", old)  # the pool takes new leads after compaction
    assert index.leads("YQ-3") == [old] and index.pooled == 2


def test_random_bmp_text_round_trips() -> None:
    rng = np.random.default_rng(12)
    points = [p for p in range(0x20, 0x10000) if not 0xD800 <= p < 0xE000]
    for _ in range(200):
        text = "".join(chr(points[i]) for i in rng.integers(0, len(points), size=int(rng.integers(0, 60))))
        assert roundtrip(text) == text


def test_a_name_whose_simplified_form_lies_beyond_the_bmp_is_found_in_a_pooled_lead() -> None:
    """opencc simplifies 檵 to 𪲛, beyond the Basic Multilingual Plane, which a pooled lead keeps as U+FFFD: a retelling
    naming 檵阳燃气集团 found no stored lead naming it (round 109). Simplified text writes 檵, and so does the canonical
    form now; a character beyond the plane in the text itself is still cut."""
    assert canonical("檵阳燃气集团") == "檵阳燃气集团"
    lead = canonical(f"枍香苑业主吐槽檵阳燃气集团乱收费{TITLE_END}每户初装费4800元，业主认为不合理。")
    index = SimilarityIndex()
    index.add(minhash(lead), "YQ-1", lead)
    assert index.leads("YQ-1") == [lead]
    found = index.find(minhash(lead), story(lead), names=("檵阳燃气集团",))
    assert found is not None and found[0] == "YQ-1"
