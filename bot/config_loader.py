"""Load config.yaml safely: YAML safe_load, ${ENV} secrets, one clear error line.

Every failure becomes a `ConfigError` whose message names the key path,
e.g. ``sources[2].every: expected a duration like 5m``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.config import Config

_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


class ConfigError(Exception):
    """A config problem, already phrased for the person who wrote the file."""


def load_config(path: str | Path, env: dict[str, str] | None = None) -> Config:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config file ({exc})") from None
    return parse_config(text, source=str(path), env=os.environ if env is None else env)


def parse_config(text: str, source: str = "config", env: dict[str, str] | os._Environ | None = None) -> Config:
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}: YAML error {_yaml_where(exc)}{_yaml_what(exc)}") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: the top level must be a mapping of keys")
    missing: list[tuple[str, str]] = []
    resolved = _substitute(raw, "", env if env is not None else os.environ, missing)
    try:
        config = Config.model_validate(resolved)
    except ValidationError as exc:
        raise ConfigError(f"{source}: {_first_error(exc)}") from None
    for key_path, var in missing:
        if _enabled_along(resolved, key_path):
            raise ConfigError(f"{source}: {key_path}: environment variable {var} is not set")
    return config


def _yaml_where(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    return f"at line {mark.line + 1}, column {mark.column + 1}: " if mark else ""


def _yaml_what(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if "could not determine a constructor" in str(exc):
        tag = str(exc).split("tag '")[-1].split("'")[0] if "tag '" in str(exc) else "?"
        return f"tag {tag} is not allowed (only plain YAML is accepted)"
    return problem


def _substitute(node: Any, path: str, env: Any, missing: list[tuple[str, str]]) -> Any:
    """Replace ${VAR} / ${VAR:-default} in strings; record unset variables by key path."""
    if isinstance(node, dict):
        return {k: _substitute(v, _join(path, str(k)), env, missing) for k, v in node.items()}
    if isinstance(node, list):
        return [_substitute(v, f"{path}[{i}]", env, missing) for i, v in enumerate(node)]
    if isinstance(node, str) and "${" in node:

        def repl(m: re.Match[str]) -> str:
            value = env.get(m.group(1))
            if value is None:
                if m.group(2) is not None:
                    return m.group(2)
                missing.append((path, m.group(1)))
                return ""
            return value

        return _ENV_REF.sub(repl, node)
    return node


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _enabled_along(raw: dict[str, Any], key_path: str) -> bool:
    """A missing secret matters only if no enclosing section says enabled: false."""
    node: Any = raw
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", key_path):
        if isinstance(node, dict) and node.get("enabled") is False:
            return False
        if part.startswith("["):
            node = node[int(part[1:-1])] if isinstance(node, list) else None
        else:
            node = node.get(part) if isinstance(node, dict) else None
    return True


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err["loc"]).lstrip(".")
    kind = err["type"]
    if kind == "extra_forbidden":
        message = "unknown key"
    elif kind == "missing":
        message = "required key is missing"
    else:
        message = err["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return f"{where}: {message}" if where else message
