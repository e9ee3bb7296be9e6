"""A report as a list of blocks, rendered to Markdown and Word from the same source.

Reports are built once as data (headings, paragraphs, bullet lists, tables,
figures), so the .md and the .docx always say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Para:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    labelled: bool = False  # in chat text, say each column's name before its value


@dataclass(frozen=True)
class Figure:
    png: bytes
    caption: str
    name: str  # file name for formats that keep images beside the text


Block = Heading | Para | Bullets | Table | Figure


@dataclass
class Report:
    title: str
    subtitle: str = ""
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> Report:
        self.blocks.extend(blocks)
        return self

    def section(self, title: str, *blocks: Block) -> Report:
        return self.add(Heading(title, 1), *blocks)

    @property
    def headings(self) -> list[str]:
        return [b.text for b in self.blocks if isinstance(b, Heading)]

    @property
    def figures(self) -> list[Figure]:
        return [b for b in self.blocks if isinstance(b, Figure)]
