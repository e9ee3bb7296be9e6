"""JSON-friendly encoding of the core dataclasses, shared by every store backend.

One codec so that TinyDB and Redis hold the same document shapes and the
contract suite checks both the same way. Each type's encoder and decoder is
worked out once from its type hints and cached: the delivery worker decodes an
incident several times per send, so this sits on the alert's path.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from datetime import datetime
from enum import Enum
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")
Convert = Callable[[Any], Any]

PLAIN = (str, int, float, bool, type(None))


def encode(value: Any) -> Any:
    """Turn a dataclass (or nested values) into JSON-compatible data."""
    kind = type(value)
    if kind in PLAIN:
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: encode(getattr(value, name)) for name in _field_names(kind)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    return value


def decode(cls: type[T], data: Any) -> T:
    """Rebuild a dataclass of type `cls` from `encode`d data."""
    return _decoder(cls)(data)


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def _same(value: Any) -> Any:
    return value


def _optional(inner: Convert) -> Convert:
    return lambda v: None if v is None else inner(v)


@cache
def _decoder(tp: Any) -> Convert:
    """A function turning encoded data back into `tp` (None stays None)."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return _decoder(next(a for a in typing.get_args(tp) if a is not type(None)))
    if origin in (tuple, list):
        inner, build = _decoder(typing.get_args(tp)[0]), origin
        if inner is _same:
            return _optional(build)
        return _optional(lambda v: build(inner(x) for x in v))
    if origin is dict:
        return _optional(dict)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _optional(_dataclass_decoder(tp))
    if isinstance(tp, type) and issubclass(tp, Enum):
        return _optional(tp)
    if tp is datetime:
        return _optional(datetime.fromisoformat)
    return _same


def _dataclass_decoder(cls: type) -> Convert:
    hints = typing.get_type_hints(cls)
    names = set(_field_names(cls))
    converted = {name: _decoder(hints[name]) for name in names}
    converted = {name: convert for name, convert in converted.items() if convert is not _same}

    def build(data: dict[str, Any]) -> Any:
        kwargs = {k: v for k, v in data.items() if k in names}  # a field dropped from the model is ignored
        for name, convert in converted.items():
            if name in kwargs:
                kwargs[name] = convert(kwargs[name])
        return cls(**kwargs)

    return build
