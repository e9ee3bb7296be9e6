"""The `yuqing-bot` command: run, check, export, report, replay, sources test, evidence, backup. Problems print one line and exit 2."""

from __future__ import annotations

import argparse
import asyncio
import atexit
import signal
import sys
import threading
from collections.abc import Sequence

from bot import argparse_zh, early_stop
from bot.clock import SystemClock
from bot.config import Config
from bot.config_loader import ConfigError, load_config, require_work
from bot.durations import format_duration
from bot.logs import setup_logging
from bot.redact import redact
from bot.roster.loading import RosterError
from bot.store.base import StoreError

EXIT_CONFIG = 2


def build_parser() -> argparse.ArgumentParser:
    """Every subcommand that writes a file takes `-o/--output` (`--out` still works, unlisted)."""
    argparse_zh.install()
    parser = argparse.ArgumentParser(
        prog="yuqing-bot",
        description="舆情值守机器人：轮询信息源，研判分级，向群聊推送告警，接受 /ack /assign /resolve 等命令。",
        epilog="示例：yuqing-bot run（运行演示）；yuqing-bot check -c config.yaml；yuqing-bot 子命令 -h 查看该命令的帮助",
    )
    parser.add_argument("-c", "--config", default="config.yaml", metavar="文件", help="配置文件（默认 config.yaml）")
    parser.add_argument("-v", "--verbose", action="store_true", help="输出更多日志")
    sub = parser.add_subparsers(dest="command", title="子命令", metavar="<命令>")
    run_p = sub.add_parser("run", help="运行机器人（Ctrl+C 停止）")
    run_p.add_argument("--for", dest="duration", type=float, default=None, help=argparse.SUPPRESS)
    sub.add_parser("check", help="校验配置并打印摘要")
    export_p = sub.add_parser("export", help="导出事件台账与操作记录（考核用，.xlsx 或 .csv）")
    export_p.add_argument("--from", dest="start", required=True, metavar="日期", help="起始日期 YYYY-MM-DD")
    export_p.add_argument("--to", dest="end", required=True, metavar="日期", help="截止日期 YYYY-MM-DD（含当天）")
    export_p.add_argument(
        "--format",
        dest="fmt",
        choices=["csv", "xlsx"],
        default=None,
        help="格式（默认按输出文件扩展名，无文件名时 xlsx）",
    )
    _output(export_p, "输出文件 .xlsx 或 .csv（格式由扩展名决定）")
    evidence_p = sub.add_parser("evidence", help="证据存档：verify 核验每个文件的 sha256")
    evidence_p.add_argument("action", choices=["verify"], help="verify：核验")
    report_p = sub.add_parser(
        "report", help="生成报告：daily|weekly|incident 编号|evaluation|monthly --month 2026-11（.docx 或 .md）"
    )
    report_p.add_argument("kind", choices=["daily", "weekly", "incident", "evaluation", "monthly"], help="报告类型")
    report_p.add_argument("--month", default="", metavar="月份", help="monthly 考核月报的月份，如 2026-11")
    report_p.add_argument("number", nargs="?", default="", metavar="编号", help="事件编号（incident 时必填）")
    _output(report_p, "输出文件 .docx 或 .md（省略则把 Markdown 打印到屏幕）")
    replay_p = sub.add_parser("replay", help="用当前监测方案重跑已存信息：打印会告警什么、什么等级、为什么（不发送）")
    replay_p.add_argument("--since", default="7d", metavar="时长", help="回看多久，如 7d、24h（默认 7d）")
    replay_p.add_argument("--all", dest="show_all", action="store_true", help="也列出影响较小（不推送）的事件")
    roster_p = sub.add_parser(
        "roster", help="打印值班表（值班员、备班、带班领导），如 --from 2026-12-01 --to 2026-12-07"
    )
    roster_p.add_argument("--from", dest="start", required=True, metavar="日期", help="起始日期 YYYY-MM-DD")
    roster_p.add_argument("--to", dest="end", required=True, metavar="日期", help="截止日期 YYYY-MM-DD（含当天）")
    sources_p = sub.add_parser("sources", help="来源工具：test <id> 试抓一次，打印解析结果与研判（不存储、不发送）")
    sources_p.add_argument("action", choices=["test"], help="test：试抓")
    sources_p.add_argument("source_id", metavar="id", help="来源 id（config.yaml 中 sources 的 id）")
    backup_p = sub.add_parser("backup", help="备份数据（TinyDB）：写出一份一致的快照，机器人运行时也可用")
    _output(backup_p, "备份文件（必填），如 backup/yuqing-20261126.json")
    for p in sub.choices.values():
        p.add_argument("-c", "--config", default=argparse.SUPPRESS, metavar="文件", help="配置文件（默认 config.yaml）")
    return parser


def _output(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument("-o", "--output", dest="output", default=None, metavar="文件", help=help_text)
    parser.add_argument("--out", dest="output", default=None, help=argparse.SUPPRESS)  # the old spelling


def _stop_as_interrupt(signum: int, frame: object) -> None:
    """SIGTERM before the event loop takes over ends the same quiet way as Ctrl+C."""
    raise KeyboardInterrupt


def _ignore_late_stops() -> None:
    """At exit, after other atexit work: let the interpreter's teardown finish with our exit code.

    Teardown first resets every Python signal handler to the OS default (all but ignored
    ones), then spends 0.1-0.6 s freeing modules and threads; a second Ctrl+C or a SIGTERM
    landing then killed the process (exit -2/-15, nothing on stderr) instead of ending it quietly.
    """
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)


def main(argv: Sequence[str] | None = None) -> int:
    on_main_thread = threading.current_thread() is threading.main_thread()
    if on_main_thread:
        atexit.unregister(_ignore_late_stops)  # once per process, even if main() runs again (tests)
        atexit.register(_ignore_late_stops)  # atexit runs it after the work registered later
    previous = signal.signal(signal.SIGTERM, _stop_as_interrupt) if on_main_thread else None
    try:
        return _main(argv)
    except KeyboardInterrupt:
        return 0
    finally:
        if on_main_thread:
            signal.signal(signal.SIGTERM, previous)


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    if args.command == "backup" and args.output is None:
        parser.error("backup 缺少必填参数：-o/--output（备份文件，如 backup/yuqing.json）")
    setup_logging(args.verbose)
    command = args.command
    try:
        config = load_config(args.config)
        setup_logging(args.verbose, config.zone)  # log times as the chats show them
        if command in ("check", "run"):
            require_work(config, args.config)
        if command == "check":
            print(summary(config, args.config))
            from bot.roster.cli import check_lines, stored_overrides

            overrides, note = asyncio.run(stored_overrides(config)) if config.roster.enabled else ([], "")
            print("\n".join(check_lines(config, SystemClock().now(), overrides, note)))
            return 0
        if command == "roster":
            from bot.roster.cli import roster_main, stored_overrides

            overrides, note = asyncio.run(stored_overrides(config)) if config.roster.enabled else ([], "")
            print(roster_main(config, args.start, args.end, overrides, note))
            return 0
        if command == "replay":
            from bot.replay import replay_main

            return replay_main(config, args.since, args.show_all)
        if command == "sources":
            from bot.source_test import sources_test_main

            return sources_test_main(config, args.source_id)
        if command == "export":
            from bot.export import export_main

            return export_main(config, args.start, args.end, args.fmt, args.output)
        if command == "backup":
            from bot.backup import backup_main

            return backup_main(config, args.output)
        if command == "evidence":
            from bot.evidence import verify_main

            return verify_main(config)
        if command == "report" and args.kind == "monthly":
            from bot.roster.assessment_cli import export_monthly

            print(asyncio.run(export_monthly(config, args.month, args.output)))
            return 0
        if command == "report":
            from bot.briefing.export import ReportError, export_report

            try:
                print(asyncio.run(export_report(config, args.kind, args.number, args.output)))
            except ReportError as exc:
                print(f"报告错误: {exc}", file=sys.stderr)
                return EXIT_CONFIG
            return 0
        if threading.current_thread() is threading.main_thread():
            early_stop.catch()  # until the loop takes the signals over: no KeyboardInterrupt mid-import
        print(
            f"舆情值守机器人启动：{len(config.sources)} 个来源，{len(config.schemes)} 个监测方案。输入 /help 查看命令，Ctrl+C 退出。"
        )
        asyncio.run(_run(config, getattr(args, "duration", None)))
        return 0
    except ConfigError as exc:
        print(f"配置错误: {redact(exc)}", file=sys.stderr)
        return EXIT_CONFIG
    except StoreError as exc:
        print(f"存储错误: {redact(exc)}", file=sys.stderr)
        return EXIT_CONFIG
    except RosterError as exc:  # what to fix, one per line
        print(f"值班表错误: {exc}", file=sys.stderr)
        return EXIT_CONFIG


async def _run(config: Config, duration: float | None) -> None:
    from bot.app import run

    await run(config, duration)


def summary(config: Config, path: str) -> str:
    chats = []
    if config.chats.console.enabled:
        chats.append(f"console（{config.chats.console.person or '未指定身份'}）")
    if config.chats.telegram.enabled:
        chats.append(f"telegram × {len(config.chats.telegram.chats)}")
    if config.chats.wechat.enabled:
        chats.append(f"wechat × {len(config.chats.wechat.rooms)}")
    for section, label in (
        ("wecom_app", "企业微信智能机器人"),
        ("dingtalk_app", "钉钉应用机器人"),
        ("feishu_app", "飞书应用"),
    ):
        app = getattr(config.chats, section)
        if app.enabled:
            via = "，经代理" if config.chats.app_proxy(section) else ""
            chats.append(f"{section} × {len(app.chats)}（{label}{via}）")
    for r in config.chats.robots:
        chats.append(f"{r.kind}:{r.name}（群机器人{'，经代理' if config.chats.robot_proxy(r) else ''}）")
    if config.chats.mail.enabled:
        mail = config.chats.mail
        chats.append(f"mail（{mail.host}:{mail.smtp_port} {mail.security}）")
    roles: dict[str, int] = {}
    for p in config.people:
        roles[p.role] = roles.get(p.role, 0) + 1
    store = config.store.backend + (f"（{config.store.url}）" if config.store.backend == "redis" else "")
    lines = [
        f"{path}: 配置有效",
        f"  时区: {config.timezone}  存储: {store}",
        f"  来源 {len(config.sources)}: "
        + ", ".join(f"{s.id}({s.kind}, {s.source_category}, 每{format_duration(s.every)})" for s in config.sources),
        f"  监测方案 {len(config.schemes)}: " + ", ".join(s.name for s in config.schemes),
        f"  群聊: {', '.join(chats) or '无'}",
        f"  人员 {len(config.people)}: " + ", ".join(f"{r} {n}" for r, n in sorted(roles.items())),
        f"  简报时间: {', '.join(config.briefing.times)}",
    ]
    from bot.briefing.scheduled import schedule_lines

    lines += schedule_lines(config)
    return redact("\n".join(lines))


if __name__ == "__main__":
    raise SystemExit(main())
