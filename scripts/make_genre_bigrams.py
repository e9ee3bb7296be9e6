"""Write bot/data/genre_bigrams.txt: rare bigrams that every kind of local news report says.

The rare table (scripts/make_rare_bigrams.py) holds bigrams rare in general Chinese, a story's own
words. Some of them are rare in general use but said by nearly every local report: how it is told
(通报, 时许, 凌晨, 送医, 涉事, 回应), the seams of its figures (人受 of 3人受伤, 余名) and the offices it names
(管局, 场监 of 市场监管局). Two different stories share those, so the pair model's `rare_words` leaves
them out. Read off the texts written for this project to train on (the groups of
scripts/train_reposts.py up to T12, see LATER; never the held-out sets H–X): the stored leads of both
sides of every labelled pair, each distinct text once. Kept: rare bigrams in at least GENRE_SHARE of the
texts and in the texts of at least half the groups (a group's invented city, 临川 or 檀溪, is common in its
own set only).

Usage: python scripts/make_genre_bigrams.py [--check]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from train_reposts import GROUPS, side  # noqa: E402

from bot.analysis.rarity import GENRE_FILE, rare_bigrams  # noqa: E402
from bot.analysis.story import stored_lead  # noqa: E402

GENRE_SHARE = 0.02  # of the distinct texts: about 80 of 4,100
# the groups the table is read off: those of scripts/train_reposts.py up to T12. Sets measured only that came
# later (T13, T14: education and housing) thin the share of the reports' own words of other registers: with
# them 监委, 介入 and 疏散 fell below GENRE_SHARE and two boilerplate 接受纪律审查 notices about two people
# read as one story (tests/test_story_retellings.py); T15, T16 (registered in the forty-fourth round) likewise
LATER = ("t13", "t14", "t15", "t16", "t17", "t18")
SOURCES = {name: paths for name, paths in GROUPS.items() if name not in LATER}


def genre() -> list[str]:
    """The genre bigrams, sorted (see the module docstring)."""
    texts: Counter[str] = Counter()
    groups: defaultdict[str, set[str]] = defaultdict(set)
    seen: set[str] = set()
    for name, (pairs_path, _config) in SOURCES.items():
        for pair in yaml.safe_load(pairs_path.read_text(encoding="utf-8"))["pairs"]:
            for key in ("a", "b"):
                lead = stored_lead(side(pair[key]))
                found = rare_bigrams(lead)
                for bigram in found:
                    groups[bigram].add(name)
                if lead not in seen:
                    seen.add(lead)
                    texts.update(found)
    floor = GENRE_SHARE * len(seen)
    return sorted(b for b, n in texts.items() if n >= floor and 2 * len(groups[b]) >= len(SOURCES))


def main() -> None:
    parser = argparse.ArgumentParser(
        description="由本项目的训练文本生成新闻套语二字表（写 bot/data/genre_bigrams.txt）"
    )
    parser.add_argument("--check", action="store_true", help="只比较，不写文件：随包的表是否与训练文本一致")
    args = parser.parse_args()
    words = genre()
    text = "\n".join(words) + "\n"
    if args.check:
        same = GENRE_FILE.read_text(encoding="utf-8") == text
        print(f"{GENRE_FILE.name}: {'与训练文本一致' if same else '与训练文本不一致，请重新生成'}（{len(words)} 个）")
        sys.exit(0 if same else 1)
    GENRE_FILE.write_text(text, encoding="utf-8")
    print(f"wrote {GENRE_FILE}: {len(words)} bigrams")


if __name__ == "__main__":
    main()
