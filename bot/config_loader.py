"""Load config.yaml safely: YAML safe_load, ${ENV} secrets, one clear error line.

Every failure becomes a `ConfigError` whose message names the key path,
e.g. ``sources[2].every：时长应写作 30s、5m、2h、1d 这样的形式``. Messages are
Chinese, like everything an office reads; pydantic's own are translated by type.
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
        raise ConfigError(f"{path}：找不到配置文件") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}：无法读取配置文件（{exc}）") from None
    return parse_config(text, source=str(path), env=os.environ if env is None else env)


def parse_config(text: str, source: str = "config", env: dict[str, str] | os._Environ | None = None) -> Config:
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}：YAML 格式错误，{_yaml_where(exc)}{_yaml_what(exc)}") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}：顶层应为“键: 值”的映射")
    missing: list[tuple[str, str]] = []
    resolved = _substitute(raw, "", env if env is not None else os.environ, missing)
    try:
        config = Config.model_validate(resolved)
    except ValidationError as exc:
        raise ConfigError(f"{source}：{_first_error(exc)}") from None
    for key_path, var in missing:
        if _enabled_along(resolved, key_path):
            raise ConfigError(f"{source}：{key_path}：环境变量 {var} 未设置")
    return config


def _yaml_where(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    return f"第 {mark.line + 1} 行第 {mark.column + 1} 列：" if mark else ""


def _yaml_what(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if "could not determine a constructor" in str(exc):
        tag = str(exc).split("tag '")[-1].split("'")[0] if "tag '" in str(exc) else "?"
        return f"不允许使用标签 {tag}（只接受普通 YAML）"
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
    if kind == "value_error":  # our validators: already Chinese
        message = err["msg"].removeprefix("Value error, ")
    else:
        message = _pydantic_message(kind, err.get("ctx") or {}, err["msg"])
    return f"{where}：{message}" if where else message


# pydantic's error types, in the words of the person who wrote the file.
_PYDANTIC = {
    "extra_forbidden": "未知的配置项",
    "missing": "缺少必填项",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "string_type": "应为文字",
    "list_type": "应为列表",
    "dict_type": "应为“键: 值”的映射",
    "model_type": "应为“键: 值”的映射",
    "model_attributes_type": "应为“键: 值”的映射",
    "string_too_short": "不能为空",
    "too_short": "至少需要 {min_length} 项",
    "too_long": "最多 {max_length} 项",
    "string_too_long": "最长 {max_length} 个字符",
    "literal_error": "可选值：{expected}",
    "enum": "可选值：{expected}",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "应不小于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "应不大于 {le}",
    "assertion_error": "取值无效",
}


def _pydantic_message(kind: str, ctx: dict[str, Any], english: str) -> str:
    template = _PYDANTIC.get(kind)
    if template is None:
        return f"取值无效（{english}）"
    try:
        return template.format(**{k: str(v).replace(" or ", "、") for k, v in ctx.items()})
    except (KeyError, IndexError):
        return template.split("{")[0].rstrip("：") or "取值无效"
