"""Reports to the mail recipients: on a schedule (`reports:`) and on request (`/brief YQ-… 邮件`).

The week of tests/briefing_scenario.py in the store, the real Word builder, the outbox and real
aiosmtplib against aiosmtpd (tests/fake_smtp.py); chats named in `reports.<kind>.chats` get the file too.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.app import build_app
from bot.briefing.scheduled import (
    add_report_jobs,
    catch_up_reports,
    last_occurrence,
    previous_month,
    report_targets,
    send_scheduled_report,
)
from bot.clock import FakeClock
from bot.config import ReportJobConfig
from bot.config_loader import ConfigError, parse_config
from bot.models import Command, Target
from bot.scheduler import build_scheduler
from bot.store.base import Store
from tests.briefing_scenario import NOW, PEOPLE, ZONE, fill, local
from tests.conftest import make_config
from tests.fake_smtp import PASSWORD, USER, FakeSmtp, make_certificate

LEADERS = ["leader@gov.test", "office@gov.test"]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def smtp(certificate) -> Iterator[FakeSmtp]:
    server = FakeSmtp(*certificate)
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def store(tinydb_store: Store) -> Store:
    await fill(tinydb_store)
    return tinydb_store


def config_for(server: FakeSmtp, reports: dict | None = None, recipients: dict | None = None):
    mail = {
        "enabled": True,
        "host": "127.0.0.1",
        "port": server.port,
        "username": USER,
        "password": PASSWORD,
        "sender": USER,
        "ca_file": str(server.cert),
        "recipients": recipients or {"special": LEADERS, "daily": ["daily@gov.test"]},
    }
    chats = {"console": {"enabled": True, "person": "李明"}, "mail": mail}
    return make_config(people=PEOPLE, chats=chats, reports=reports or {})


async def app_for(store, clock, config):
    """The app at the scenario's now (Thursday 2026-11-26 08:30), not conftest's clock."""
    return await build_app(config, store, FakeClock(NOW), console_out=io.StringIO())


def attachments(server: FakeSmtp) -> list[tuple[str, bytes]]:
    return [(a.get_filename(), a.get_content()) for r in server.received for a in r.message.iter_attachments()]


async def test_brief_incident_mail_sends_the_special_report_to_its_recipients(store, clock, smtp):
    app = await app_for(store, clock, config_for(smtp))
    ask = Command("console", "李明", "console", "brief", ("YQ-20261125-0001", "邮件"), message_id="m1")
    replies = await app.dispatcher.handle(ask)
    assert replies[0].startswith("📑 舆情专报 YQ-20261125-0001")  # the chat still gets the text
    assert replies[1] == "📧 舆情专报 YQ-20261125-0001 已排队发往 2 个邮箱（专报收件人）"
    await app.delivery.run_once()
    [got] = smtp.received
    assert got.recipients == LEADERS and got.message["Subject"] == "【舆情值守】舆情专报 YQ-20261125-0001"
    [(name, data)] = attachments(smtp)
    assert name == "舆情专报-YQ-20261125-0001.docx" and data[:2] == b"PK"
    assert app.services.chat_names["mail:special"] == "邮件（专报收件人）"  # how reports and the audit name it
    await app.dispatcher.handle(ask)  # the same message handled again: queued once
    await app.delivery.run_once()
    assert len(smtp.received) == 1
    await app.http.aclose()


async def test_a_member_may_not_mail_and_a_kind_without_recipients_says_so(store, clock, smtp):
    app = await app_for(store, clock, config_for(smtp))
    member = Command("console", "王芳", "console", "brief", ("YQ-20261125-0001", "邮件"), message_id="m2")
    assert (await app.dispatcher.handle(member))[-1] == "只有领导和监测员可以把报告发往邮箱"
    weekly = Command("console", "李明", "console", "brief", ("week", "邮件"), message_id="m3")
    assert "未配置周报的邮件收件人（chats.mail.recipients.weekly）" in (await app.dispatcher.handle(weekly))[-1]
    await app.delivery.run_once()
    assert smtp.received == []
    await app.http.aclose()


async def test_scheduled_daily_report_is_mailed_and_sent_to_its_chats_once(store, clock, smtp):
    config = config_for(smtp, reports={"daily": {"at": "08:30", "chats": ["console:console"]}})
    app = await app_for(store, clock, config)
    assert report_targets(config, "daily") == [Target("mail", "daily"), Target("console", "console")]
    assert await send_scheduled_report(app.services, "daily")
    assert not await send_scheduled_report(app.services, "daily")  # a second run the same day: nothing
    assert await app.delivery.run_once() == 2
    [got] = smtp.received
    assert got.recipients == ["daily@gov.test"] and got.message["Subject"] == "【舆情值守】舆情日报（昨日）"
    [(name, data)] = attachments(smtp)
    assert name == "舆情日报-20261125.docx" and data[:2] == b"PK"
    await app.http.aclose()


async def test_a_report_with_nobody_to_receive_it_is_not_built(store, clock, smtp):
    config = config_for(smtp, reports={"weekly": {"at": "09:00"}})
    app = await app_for(store, clock, config)
    assert report_targets(config, "weekly") == [] and not await send_scheduled_report(app.services, "weekly")
    await app.http.aclose()


def test_jobs_fire_at_the_configured_local_times(smtp):
    reports = {
        "daily": {"at": "08:30"},
        "weekly": {"at": "09:00", "weekday": 1},
        "evaluation": {"at": "17:00", "weekday": 5},
    }
    config = config_for(smtp, reports=reports)
    scheduler = build_scheduler(config)

    services = SimpleNamespace(config=config)  # the jobs read only the config until they run
    assert add_report_jobs(scheduler, services) == ["report:daily", "report:weekly", "report:evaluation"]  # type: ignore[arg-type]

    def next_fire(job_id: str) -> datetime:
        return scheduler.get_job(job_id).trigger.get_next_fire_time(None, NOW)

    assert next_fire("report:daily") == local(11, 26, 8, 30)  # NOW is Thursday 08:30
    assert next_fire("report:weekly") == local(11, 30, 9, 0)  # the next Monday
    assert next_fire("report:evaluation") == local(11, 27, 17, 0)  # Friday
    assert next_fire("report:daily").tzinfo is not None and str(next_fire("report:daily").tzinfo) == str(ZONE)


def test_previous_month():
    assert previous_month(local(11, 26, 8, 0)) == "2026-10"
    assert previous_month(datetime(2027, 1, 1, 9, 0, tzinfo=ZONE)) == "2026-12"


def test_the_monthly_assessment_needs_a_roster():
    with pytest.raises(ConfigError, match="需要先配置值班表"):
        parse_config("reports:\n  monthly: {at: '09:00', day: 1}\n")


def test_last_occurrence_of_each_kind(smtp):
    reports = {
        "daily": {"at": "09:00"},
        "weekly": {"at": "08:00", "weekday": 1},
        "evaluation": {"at": "08:00", "weekday": 4},
        "monthly": {"at": "09:00", "day": 28},
    }
    monthly = reports.pop("monthly")
    config = config_for(smtp, reports=reports)
    config = config.model_copy(  # past the config's roster check: it is not this function's business
        update={"reports": config.reports.model_copy(update={"monthly": ReportJobConfig(**monthly)})}
    )
    jobs = config.reports
    assert last_occurrence("daily", jobs.daily, NOW, config) == local(11, 25, 9, 0)  # 09:00 is still to come
    assert last_occurrence("weekly", jobs.weekly, NOW, config) == local(11, 23, 8, 0)  # Monday
    assert last_occurrence("evaluation", jobs.evaluation, NOW, config) == local(11, 26, 8, 0)  # today, Thursday
    assert last_occurrence("monthly", jobs.monthly, NOW, config) == local(10, 28, 9, 0)


async def test_a_run_missed_while_down_is_made_at_start_within_the_grace(store, clock, smtp):
    config = config_for(smtp, reports={"daily": {"at": "07:00"}})  # NOW is 08:30: 1 h 30 ago, grace 2 h
    app = await app_for(store, clock, config)
    assert await catch_up_reports(app.services) == ["daily"]
    assert await catch_up_reports(app.services) == []  # made once
    assert await send_scheduled_report(app.services, "daily") is False  # nor by a late cron run
    await app.delivery.run_once()
    assert [r.recipients for r in smtp.received] == [["daily@gov.test"]]
    await app.http.aclose()


async def test_a_run_missed_past_the_grace_is_not_made(store, clock, smtp):
    app = await app_for(store, clock, config_for(smtp, reports={"daily": {"at": "06:00"}}))
    assert await catch_up_reports(app.services) == []
    await app.delivery.run_once()
    assert smtp.received == []
    await app.http.aclose()


async def test_two_instances_on_one_redis_make_the_report_once(redis_prefix, smtp):
    """Only the leader runs the job, but a term changing hands at 08:30 must not mean two reports."""
    from bot.store.redis_store import RedisStore
    from tests.conftest import redis_url

    config = config_for(smtp, reports={"daily": {"at": "08:30"}})
    stores = [RedisStore(redis_url(), redis_prefix) for _ in range(2)]
    apps = []
    for store in stores:
        await store.open()
        apps.append(await build_app(config, store, FakeClock(NOW), console_out=io.StringIO()))
    try:
        made = await asyncio.gather(*(send_scheduled_report(a.services, "daily") for a in apps))
        assert sorted(made) == [False, True]
        await apps[1].delivery.run_once()
        await apps[0].delivery.run_once()
        assert [r.recipients for r in smtp.received] == [["daily@gov.test"]]
    finally:
        for app, store in zip(apps, stores, strict=True):
            await app.http.aclose()
            await store.close()
