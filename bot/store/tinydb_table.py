"""A TinyDB table that changes documents in place.

TinyDB's Table rebuilds the whole table dict twice on every write (int ids in,
str ids out): an insert into a table of 30,000 items costs milliseconds. This
table hands TinyDB's update functions a view that maps int ids to the stored
str keys, so a write costs what it touches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, MutableMapping
from typing import Any

from tinydb import TinyDB
from tinydb.table import Table


class _IntKeyed(MutableMapping[int, Any]):
    """The stored table ({"7": doc}) seen as TinyDB's update functions expect it ({7: doc})."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw

    def __getitem__(self, doc_id: int) -> Any:
        return self.raw[str(doc_id)]

    def __setitem__(self, doc_id: int, doc: Any) -> None:
        self.raw[str(doc_id)] = doc

    def __delitem__(self, doc_id: int) -> None:
        del self.raw[str(doc_id)]

    def __contains__(self, doc_id: object) -> bool:
        return str(doc_id) in self.raw

    def __iter__(self) -> Iterator[int]:
        return (int(k) for k in self.raw)

    def __len__(self) -> int:
        return len(self.raw)


class InPlaceTable(Table):
    def _update_table(self, updater: Callable[[dict[int, Mapping]], None]) -> None:
        tables = self._storage.read() or {}
        raw = tables.setdefault(self.name, {})
        updater(_IntKeyed(raw))  # type: ignore[arg-type]
        self._storage.write(tables)
        self.clear_cache()


class InPlaceTinyDB(TinyDB):
    table_class = InPlaceTable
