"""/brief [today|yesterday|week|评估|编号] [文档|邮件] — 简报、专报、总结评估；加「文档」另发 Word 文件，加「邮件」发往邮箱。"""

from __future__ import annotations

from datetime import timedelta

from bot.briefing.build import (
    briefing_data,
    chart_png,
    evaluation_text,
    heading_for,
    incident_report_with_figures,
    report_document,
)
from bot.briefing.files import queue_file
from bot.briefing.scheduled import mail_target
from bot.briefing.text import render_text
from bot.briefing.word import to_docx
from bot.commands import INCIDENT_NUMBER
from bot.models import NoticeKind
from bot.naming import MAIL_NAMES
from bot.permissions import STAFF
from bot.services import Services
from handlers.base import Handler, Request, UsageError, clip

PERIODS = {
    "today": "today",
    "今天": "today",
    "今日": "today",
    "yesterday": "yesterday",
    "昨天": "yesterday",
    "昨日": "yesterday",
    "week": "week",
    "本周": "week",
    "近7日": "week",
    "evaluation": "evaluation",
    "eval": "evaluation",
    "评估": "evaluation",
    "总结": "evaluation",
}
AFTER_REPLY = timedelta(seconds=2)  # files follow the text reply, which the channel sends directly
DOCUMENT_WORDS = {"doc", "docx", "word", "文档", "文件"}
DOCUMENT_KINDS = {"today": "daily", "yesterday": "daily", "week": "weekly", "evaluation": "evaluation"}
MAIL_WORDS = {"mail", "email", "邮件", "发邮件", "邮箱"}
MAIL_KINDS = {"incident": "special", "daily": "daily", "weekly": "weekly", "evaluation": "evaluation"}


def _request_key(req: Request, services: Services) -> str:
    c = req.command
    return f"brief:{c.platform}:{c.chat_id}:{c.message_id or services.clock.now().timestamp()}"


async def _send_document(req: Request, services: Services, kind: str, arg: str, name: str) -> str:
    report = await report_document(services, kind, arg)
    if report is None:
        return f"没有编号为 {clip(arg)} 的事件"
    data = to_docx(report)
    await queue_file(
        services,
        [req.command.target],
        data,
        f"{name}.docx",
        f"📎 {report.title}",
        NoticeKind.DOCUMENT,
        _request_key(req, services),
        AFTER_REPLY,
    )
    return f"📎 {report.title} Word 文档已生成，正在发送"


async def _send_mail(req: Request, services: Services, kind: str, arg: str, name: str) -> str:
    """The report as a .docx to the mail recipients of its kind (chats.mail.recipients), through the outbox."""
    mail_kind = MAIL_KINDS[kind]
    if req.person.role not in STAFF:
        return "只有领导和监测员可以把报告发往邮箱"
    target = mail_target(services.config, mail_kind)
    if target is None:
        return f"未配置{MAIL_NAMES[mail_kind]}的邮件收件人（chats.mail.recipients.{mail_kind}），未发送邮件"
    report = await report_document(services, kind, arg)
    if report is None:
        return f"没有编号为 {clip(arg)} 的事件"
    key = _request_key(req, services) + ":mail"
    await queue_file(
        services, [target], to_docx(report), f"{name}.docx", f"📎 {report.title}", NoticeKind.DOCUMENT, key
    )
    count = len(services.config.chats.mail.recipients.of(mail_kind))
    return f"📧 {report.title} 已排队发往 {count} 个邮箱（{MAIL_NAMES[mail_kind]}收件人）"


async def _briefing(req: Request, services: Services, period: str) -> list[str]:
    zone = services.config.zone
    data = await briefing_data(services, period)
    heading = heading_for(data, zone)
    text = render_text(data, zone, heading)
    if services.config.briefing.chart:
        png = await chart_png(data, heading)
        if png is not None:
            name = f"briefing-{data.now.astimezone(zone):%Y%m%d-%H%M}-{period}.png"
            await queue_file(
                services,
                [req.command.target],
                png,
                name,
                "📊 舆情趋势图",
                NoticeKind.PHOTO,
                _request_key(req, services),
                AFTER_REPLY,
            )
    return [text]


async def run(req: Request, services: Services) -> list[str]:
    words = [a.lower() for a in req.args]
    want_document = any(w in DOCUMENT_WORDS for w in words)
    want_mail = any(w in MAIL_WORDS for w in words)
    rest = [w for w in words if w not in DOCUMENT_WORDS | MAIL_WORDS]
    now = services.clock.now().astimezone(services.config.zone)
    if req.incident is not None:
        number = req.incident.number
        text, figures = await incident_report_with_figures(services, number)
        replies = [text]
        for figure in figures:
            name = f"{number}-{figure.name}"
            await queue_file(
                services,
                [req.command.target],
                figure.png,
                name,
                f"📈 {number} {figure.caption}",
                NoticeKind.PHOTO,
                _request_key(req, services),
                AFTER_REPLY,
            )
        if want_document:
            replies.append(await _send_document(req, services, "incident", number, f"舆情专报-{number}"))
        if want_mail:
            replies.append(await _send_mail(req, services, "incident", number, f"舆情专报-{number}"))
        return replies
    arg = rest[0] if rest else "today"
    if INCIDENT_NUMBER.match(arg):
        return [f"没有编号为 {clip(arg.upper())} 的事件"]
    if arg not in PERIODS:
        raise UsageError(f"未知时段「{clip(arg)}」")
    period = PERIODS[arg]
    if period == "evaluation":
        replies = [await evaluation_text(services, "week")]
    else:
        replies = await _briefing(req, services, period)
    kind = DOCUMENT_KINDS[period]
    titles = {"daily": "舆情日报", "weekly": "舆情周报", "evaluation": "总结评估"}
    day = now - timedelta(days=1) if period == "yesterday" else now
    arg = "week" if kind == "evaluation" else period
    if want_document:
        replies.append(await _send_document(req, services, kind, arg, f"{titles[kind]}-{day:%Y%m%d}"))
    if want_mail:
        replies.append(await _send_mail(req, services, kind, arg, f"{titles[kind]}-{day:%Y%m%d}"))
    return replies


HANDLER = Handler(
    "brief",
    "/brief [today|yesterday|week|评估|编号] [文档|邮件]",
    "简报、单个事件专报或总结评估；加「文档」另发 Word 文件，加「邮件」发往配置的邮箱",
    run,
)
