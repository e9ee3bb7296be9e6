"""Write bot/data/rare_bigrams.npy: the Han bigrams that are words' parts but rare in general use.

Two reports of one story share its specific words (碱回收, 保温箱, 塔吊, 漏氨); two stories about
one office share only the common ones (情况, 工人, 现场) and the office's name. What is rare is read
off jieba's dictionary (dict.txt in the jieba package, MIT: about 350,000 words with their
frequencies in a general corpus): a bigram's frequency is the summed frequency of the dictionary
words that contain it. Kept: bigrams of two Han characters, neither a function character
(的 了 在 …), that occur inside some dictionary word (a seam between two words, 况仍, is no word
of any story) and whose frequency is at most RARE_FREQUENCY. Stored as sorted uint32 codes
(first character << 16 | second), which bot.analysis.rarity searches.

Usage: python scripts/make_rare_bigrams.py [--out bot/data/rare_bigrams.npy] [--check]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import jieba
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.analysis.boundaries import jieba_dictionary  # noqa: E402
from bot.analysis.rarity import FUNCTION_CHARS, RARE_FREQUENCY, TABLE_FILE, code  # noqa: E402


def han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def table_codes() -> np.ndarray:
    """Sorted codes of the rare bigrams (see the module docstring)."""
    frequency: Counter[str] = Counter()
    # jieba's own dict.txt: the everyday words word boundaries add (boundaries.modern_words) would take
    # 网约 and 外卖 out, yet two reports of one e-bike or delivery story share them as they share 塔吊
    words, _ = jieba_dictionary()
    for word, count in words.items():
        if count == 0 or len(word) < 2 or not all(han(ch) for ch in word):
            continue  # count 0: a prefix kept for the segmenter's walk, not a word
        for i in range(len(word) - 1):
            frequency[word[i : i + 2]] += count
    kept = [
        code(bigram)
        for bigram, count in frequency.items()
        if count <= RARE_FREQUENCY and not (set(bigram) & FUNCTION_CHARS)
    ]
    return np.array(sorted(kept), dtype=np.uint32)


def main() -> None:
    parser = argparse.ArgumentParser(description="由 jieba 词典生成罕见二字表（写 bot/data/rare_bigrams.npy）")
    parser.add_argument("--out", type=Path, default=TABLE_FILE)
    parser.add_argument("--check", action="store_true", help="只比较，不写文件：随包的表是否与 jieba 词典一致")
    args = parser.parse_args()
    codes = table_codes()
    if args.check:
        shipped = np.load(args.out)
        same = shipped.shape == codes.shape and bool((shipped == codes).all())
        print(
            f"{args.out.name}: {'与 jieba 词典一致' if same else '与 jieba 词典不一致，请重新生成'}（{codes.size} 个）"
        )
        sys.exit(0 if same else 1)
    np.save(args.out, codes)
    print(f"wrote {args.out}: {codes.size} bigrams, {codes.nbytes / 1e6:.2f} MB (jieba {jieba.__version__})")


if __name__ == "__main__":
    main()
