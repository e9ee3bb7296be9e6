"""Reports on a schedule (`reports:`): built as .docx and queued for their mail recipients and chats.

日报 (the previous day) daily, 周报 and 总结评估 (the last 7 days) on a weekday, the
值班考核月报 (the previous month) on a day of the month. Each occurrence is claimed
once in the store (`report:<kind>:<local date>`), so a second instance or a repeated
cron run cannot send it twice, and outbox ids derive from that key. The file goes
through the outbox like every other notice: a mail server that is down delays it,
nothing is lost. Only the leader runs these jobs (they live on bot.app's scheduler).
At start, a run missed while the bot was down is made if still within `reports.grace`.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, time, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.briefing.build import report_document
from bot.briefing.document import Report
from bot.briefing.files import queue_file
from bot.briefing.word import to_docx
from bot.config import Config, ReportJobConfig
from bot.models import NoticeKind, Target
from bot.naming import MAIL_NAMES
from bot.routing import all_targets
from bot.services import Services

log = logging.getLogger(__name__)

KINDS = ("daily", "weekly", "evaluation", "monthly")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
EARLY_FIRE = timedelta(minutes=1)  # a cron run a little early still counts as that occurrence


def job_of(config: Config, kind: str) -> ReportJobConfig | None:
    job = getattr(config.reports, kind, None)
    return job if job is not None and job.enabled else None


def mail_target(config: Config, kind: str) -> Target | None:
    """`mail:<kind>` when mail is on and that kind has recipients."""
    mail = config.chats.mail
    return Target("mail", kind) if mail.enabled and mail.recipients.of(kind) else None


def report_targets(config: Config, kind: str) -> list[Target]:
    """The kind's mail recipients, then the chats named in `reports.<kind>.chats` (target key or chat id)."""
    job = job_of(config, kind)
    if job is None:
        return []
    mail = mail_target(config, kind)
    every = all_targets(config.chats)
    wanted = set(job.chats)
    unknown = wanted - {t.key for t in every} - {t.chat_id for t in every}
    if unknown:
        log.warning("reports.%s.chats not among the configured chats: %s", kind, ", ".join(sorted(unknown)))
    return ([mail] if mail else []) + [t for t in every if t.key in wanted or t.chat_id in wanted]


def previous_month(local: datetime) -> str:
    return f"{(local.replace(day=1) - timedelta(days=1)):%Y-%m}"


async def build_report(services: Services, kind: str) -> tuple[Report, str]:
    """The Report and its file name (without .docx) for a scheduled run now."""
    local = services.clock.now().astimezone(services.config.zone)
    if kind == "monthly":
        from bot.roster.assessment import monthly_report  # the roster package, only for this kind

        month = previous_month(local)
        return await monthly_report(services, month), f"值班考核月报-{month}"
    if kind == "daily":
        report = await report_document(services, "daily", "yesterday")
        day = local - timedelta(days=1)
    else:
        report = await report_document(services, kind, "week" if kind == "evaluation" else "")
        day = local
    if report is None:  # only an incident number can name nothing
        raise ValueError(f"no report of kind {kind}")
    names = {"daily": "舆情日报", "weekly": "舆情周报", "evaluation": "总结评估"}
    return report, f"{names[kind]}-{day:%Y%m%d}"


def last_occurrence(kind: str, job: ReportJobConfig, now: datetime, config: Config) -> datetime:
    """The most recent scheduled time of this kind at or before `now` (local)."""
    local = now.astimezone(config.zone)
    hour, minute = (int(x) for x in job.at.split(":"))
    at = datetime.combine(local.date(), time(hour, minute), config.zone)
    if kind == "monthly":
        at = at.replace(day=job.day)
        if at > local:
            before = at.replace(day=1) - timedelta(days=1)
            at = at.replace(year=before.year, month=before.month)
        return at
    while at > local or (kind in ("weekly", "evaluation") and at.isoweekday() != job.weekday):
        at -= timedelta(days=1)
    return at


async def send_scheduled_report(services: Services, kind: str) -> bool:
    """The cron job: build this occurrence's report and queue it, once; True if queued."""
    config, now = services.config, services.clock.now()
    job = job_of(config, kind)
    targets = report_targets(config, kind)
    if job is None or not targets:
        log.warning("report %s is scheduled but has no recipients (chats.mail.recipients.%s or reports.%s.chats)",
                    kind, kind, kind)  # fmt: skip
        return False
    key = f"report:{kind}:{last_occurrence(kind, job, now + EARLY_FIRE, config):%Y%m%d}"
    if not await services.store.set_meta_if_absent(key, {"status": "sending", "at": now.isoformat()}):
        return False
    report, name = await build_report(services, kind)
    data = await asyncio.to_thread(to_docx, report)
    await queue_file(services, targets, data, f"{name}.docx", f"📎 {report.title}", NoticeKind.DOCUMENT, key)
    await services.store.set_meta(key, {"status": "sent", "at": now.isoformat()})
    log.info("report %s queued for %s", kind, ", ".join(t.key for t in targets))
    return True


async def catch_up_reports(services: Services) -> list[str]:
    """At start: make each report whose latest run was missed (bot down) within `reports.grace`; the kinds made."""
    config, now = services.config, services.clock.now()
    made = []
    for kind in KINDS:
        job = job_of(config, kind)
        if job is None or now - last_occurrence(kind, job, now, config) > config.reports.grace:
            continue
        if report_targets(config, kind) and await send_scheduled_report(services, kind):
            made.append(kind)
    return made


def trigger_for(kind: str, job: ReportJobConfig, scheduler: AsyncIOScheduler) -> CronTrigger:
    hour, minute = (int(x) for x in job.at.split(":"))
    extra: dict[str, object] = {}
    if kind in ("weekly", "evaluation"):
        extra["day_of_week"] = WEEKDAYS[job.weekday - 1]
    elif kind == "monthly":
        extra["day"] = job.day
    return CronTrigger(hour=hour, minute=minute, timezone=scheduler.timezone, **extra)


def add_report_jobs(scheduler: AsyncIOScheduler, services: Services) -> list[str]:
    """One cron job per configured report kind; return their ids."""
    added = []
    for kind in KINDS:
        job = job_of(services.config, kind)
        if job is None:
            continue

        async def run(kind: str = kind) -> None:
            await send_scheduled_report(services, kind)

        job_id = f"report:{kind}"
        scheduler.add_job(
            run, trigger_for(kind, job, scheduler), id=job_id, misfire_grace_time=3600, replace_existing=True
        )
        added.append(job_id)
    if added:  # once, at start
        scheduler.add_job(catch_up_reports, args=[services], id="report:catch-up", replace_existing=True)
    return added


WEEKDAY_NAMES = "一二三四五六日"


def schedule_lines(config: Config) -> list[str]:
    """For `yuqing-bot check`: each scheduled report, when, and who gets it."""
    lines = []
    for kind in KINDS:
        job = job_of(config, kind)
        if job is None:
            continue
        when = {"daily": "每天", "monthly": f"每月 {job.day} 日"}.get(kind, f"每周{WEEKDAY_NAMES[job.weekday - 1]}")
        mail = len(config.chats.mail.recipients.of(kind)) if mail_target(config, kind) else 0
        chats = [t.key for t in report_targets(config, kind) if t.channel != "mail"]
        to = "，".join([f"{mail} 个邮箱"] * bool(mail) + chats) or "无接收人（不会生成）"
        lines.append(f"  定时报告 {MAIL_NAMES[kind]}: {when} {job.at} → {to}")
    return lines
