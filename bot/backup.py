"""`yuqing-bot backup --out FILE`: one consistent copy of the TinyDB store, even while the bot runs.

The store is a snapshot plus a journal that the running bot appends to and
folds in now and then; copying the two files by hand at the wrong moment can
pair a journal with the wrong snapshot. This writes what the bot last
committed as one snapshot file. To restore: stop the bot, put the file at
`store.path` and remove `<store.path>.journal`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot.config import Config
from bot.store.journal_storage import copy_committed, has_data

EXIT_USAGE = 2


def backup_main(config: Config, out: str) -> int:
    if config.store.backend != "tinydb":
        print("备份错误: Redis 存储请用 Redis 自身的持久化备份（AOF 或 BGSAVE 生成的 RDB 文件）", file=sys.stderr)
        return EXIT_USAGE
    source, dest = Path(config.store.path), Path(out)
    if not has_data(source):
        print(f"备份错误: 数据文件 {source} 不存在（请检查 -c 指定的配置中的 store.path）", file=sys.stderr)
        return EXIT_USAGE
    if dest.resolve() in (source.resolve(), source.with_name(source.name + ".journal").resolve()):
        print("备份错误: 备份文件不能是数据文件本身", file=sys.stderr)
        return EXIT_USAGE
    dest.parent.mkdir(parents=True, exist_ok=True)
    tables = copy_committed(source, dest)
    counts = "，".join(f"{label} {len(tables.get(name, {}))} 条" for name, label in COUNTED)
    print(f"已备份到 {dest}（{counts}）；证据存档在 {config.evidence.path}，请一并按目录备份")
    return 0


COUNTED = (("incidents", "事件"), ("actions", "操作记录"), ("items", "已存信息"))
