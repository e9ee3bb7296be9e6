"""Load config.yaml safely: YAML safe_load, ${ENV} secrets, one clear error line.

Every failure becomes a `ConfigError` whose message names the key path,
e.g. ``sources[2].every：时长应写作 30s、5m、2h、1d 这样的形式``. Messages are
Chinese, like everything an office reads; pydantic's own are translated by type.
A hostile file is refused before it costs anything: at most 1 MB is read, YAML
aliases may expand to at most `MAX_NODES` nodes, and a secret written literally
under a secret key is refused unless `allow_literal_secrets: true` says it is meant.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import yaml
from pydantic import ValidationError

from bot.config import Config
from bot.redact import register

_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
MAX_CONFIG_BYTES = 1_000_000
MAX_NODES = 100_000  # YAML nodes after alias expansion; a real config has a few hundred
_SECRET_VAR = re.compile(r"TOKEN|PASSWORD|PASSWD|SECRET|KEY|PASS$", re.I)
# a robot webhook URL holds its key; client_secret: the 钉钉 app; app_secret: the 飞书 app
SECRET_KEYS = frozenset({"token", "password", "secret", "client_secret", "app_secret", "api_key", "webhook"})
URL_SECRET_KEYS = frozenset({"url", "proxy"})  # the password in store.url (redis://:PASSWORD@host) or a proxy URL


class ConfigError(Exception):
    """A config problem, already phrased for the person who wrote the file."""


def load_config(path: str | Path, env: dict[str, str] | None = None) -> Config:
    path = Path(path)
    try:
        with path.open("rb") as f:
            data = f.read(MAX_CONFIG_BYTES + 1)
        if len(data) > MAX_CONFIG_BYTES:
            raise ConfigError(f"{path}: 配置文件过大（上限 {MAX_CONFIG_BYTES // 1_000_000} MB），请检查是否选错了文件")
        text = data.decode("utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}：找不到配置文件") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}：无法读取配置文件（{exc}）") from None
    return parse_config(text, source=str(path), env=os.environ if env is None else env)


def parse_config(text: str, source: str = "config", env: dict[str, str] | os._Environ | None = None) -> Config:
    try:
        raw = _safe_load_bounded(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{source}：YAML 格式错误，{_yaml_where(exc)}{_yaml_what(exc)}") from None
    except _TooManyNodes as exc:
        raise ConfigError(f"{source}：{exc}") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}：顶层应为“键: 值”的映射")
    if raw.get("allow_literal_secrets") is not True:
        for key_path in _literal_secrets(raw, ""):
            raise ConfigError(
                f"{source}：{key_path}：密钥不能直接写在配置文件里，请改用环境变量，如 ${{TELEGRAM_BOT_TOKEN}}"
                "（确需如此请设置 allow_literal_secrets: true）"
            )
    missing: list[tuple[str, str]] = []
    used: dict[str, str] = {}
    resolved = _substitute(raw, "", env if env is not None else os.environ, missing, used)
    register_secrets(resolved, used)
    try:
        config = Config.model_validate(resolved)
    except ValidationError as exc:
        raise ConfigError(f"{source}：{_first_error(exc)}") from None
    for key_path, var in missing:
        if _enabled_along(resolved, key_path):
            raise ConfigError(f"{source}：{key_path}：环境变量 {var} 未设置")
    return config


class _TooManyNodes(Exception):
    """The document expands (through aliases) to more nodes than any config needs."""


def _safe_load_bounded(text: str) -> Any:
    """yaml.safe_load, refusing alias bombs before anything is built: the node graph is
    composed (cheap: aliases are shared), its expanded size counted, then constructed."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded_size(node, {}, set())
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _expanded_size(node: yaml.Node, sizes: dict[int, int], open_nodes: set[int]) -> int:
    """Nodes after alias expansion, memoised per node; a cycle or an excess is refused."""
    key = id(node)
    if key in sizes:
        return sizes[key]
    if key in open_nodes:
        raise _TooManyNodes("YAML 别名（&/*）自我引用，已拒绝")
    open_nodes.add(key)
    total = 1
    if isinstance(node, yaml.SequenceNode):
        children: list[yaml.Node] = list(node.value)
    elif isinstance(node, yaml.MappingNode):
        children = [part for pair in node.value for part in pair]
    else:
        children = []
    for child in children:
        total += _expanded_size(child, sizes, open_nodes)
        if total > MAX_NODES:
            raise _TooManyNodes(f"YAML 别名（&/*）展开后超过 {MAX_NODES} 个节点，已拒绝（疑似别名炸弹）")
    open_nodes.discard(key)
    sizes[key] = total
    return total


def _literal_secrets(node: Any, path: str) -> list[str]:
    """Key paths whose value is a secret written into the file rather than taken from ${ENV}."""
    found: list[str] = []
    if isinstance(node, dict):
        for k, v in node.items():
            key_path = _join(path, str(k))
            name = str(k).lower()
            if isinstance(v, str) and (
                (name in SECRET_KEYS and _written_out(v))
                or (name in URL_SECRET_KEYS and _url_password(_written_out(v)))
            ):
                found.append(key_path)
            else:
                found.extend(_literal_secrets(v, key_path))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            found.extend(_literal_secrets(v, f"{path}[{i}]"))
    return found


def _written_out(value: str) -> str:
    """What of `value` is written in the file: ${VAR} references dropped, ${VAR:-default} as its default."""
    return _ENV_REF.sub(lambda m: m.group(2) or "", value).strip()


def _url_password(url: str) -> str:
    try:
        return urlsplit(url).password or ""
    except ValueError:
        return ""


def register_secrets(resolved: Any, used: dict[str, str]) -> None:
    """Tell bot.redact every secret this config holds, so no log line or stored record shows one."""
    register(*(value for var, value in used.items() if _SECRET_VAR.search(var)))
    register(*_secret_values(resolved))


def _secret_values(node: Any) -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        for k, v in node.items():
            name = str(k).lower()
            if isinstance(v, str) and name in SECRET_KEYS:
                found.append(v)
                if name == "webhook":  # its key alone too (access_token=…, key=…, /hook/<token>), wherever echoed
                    found.extend(_url_keys(v))
            elif isinstance(v, str) and name in URL_SECRET_KEYS:
                found.append(_url_password(v))
            else:
                found.extend(_secret_values(v))
    elif isinstance(node, list):
        for v in node:
            found.extend(_secret_values(v))
    return found


def _url_keys(url: str) -> list[str]:
    """The parts of a webhook URL that hold its key: query values and the last path segment."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return []
    values = [v for _, v in parse_qsl(parts.query)] + [parts.path.rsplit("/", 1)[-1]]
    return [v for v in values if len(v) >= 16]  # a key, not a word like "send" that would be masked everywhere


def require_work(config: Config, source: str) -> None:
    """`check` and `run` refuse a config that watches nothing, saying what is missing."""
    if any(s.enabled for s in config.sources):
        return
    if config == Config():
        raise ConfigError(
            f"{source}：配置文件为空：请参照示例 config.yaml 至少配置 sources（来源）与 schemes（监测方案）"
        )
    raise ConfigError(
        f"{source}：没有配置任何来源（sources 为空或全部 enabled: false），机器人无事可做：请至少配置一个来源"
    )


def _yaml_where(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    return f"第 {mark.line + 1} 行第 {mark.column + 1} 列：" if mark else ""


def _yaml_what(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if "could not determine a constructor" in str(exc):
        tag = str(exc).split("tag '")[-1].split("'")[0] if "tag '" in str(exc) else "?"
        return f"不允许使用标签 {tag}（只接受普通 YAML）"
    return problem


def _substitute(
    node: Any, path: str, env: Any, missing: list[tuple[str, str]], used: dict[str, str] | None = None
) -> Any:
    """Replace ${VAR} / ${VAR:-default} in strings; record unset variables by key path, used ones in `used`."""
    used = {} if used is None else used
    if isinstance(node, dict):
        return {k: _substitute(v, _join(path, str(k)), env, missing, used) for k, v in node.items()}
    if isinstance(node, list):
        return [_substitute(v, f"{path}[{i}]", env, missing, used) for i, v in enumerate(node)]
    if isinstance(node, str) and "${" in node:

        def repl(m: re.Match[str]) -> str:
            value = env.get(m.group(1))
            if value is not None:
                used[m.group(1)] = value
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
