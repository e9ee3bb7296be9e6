"""Lone UTF-16 surrogates out of text that will be stored.

JSON may carry half a surrogate pair (a chat API's "\\ud83d" alone, a feed's "\\ud800"), and Python
keeps it in a str, but no store can write it as UTF-8: the TinyDB journal's flush would fail on
that document and on every one after it. Text from outside passes through here before anything
records it.
"""

from __future__ import annotations


def without_lone_surrogates(text: str) -> str:
    """`text` with each lone surrogate as "?" (everything else unchanged)."""
    if text.isascii():
        return text
    return text.encode("utf-8", "replace").decode("utf-8")
