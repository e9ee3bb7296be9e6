"""E-mail through the outbox: real aiosmtplib against aiosmtpd on 127.0.0.1 (tests/fake_smtp.py).

A report queued for `mail:<kind>` reaches that kind's recipients as a .docx attachment
with a Chinese subject; a mail server that is down holds it and it arrives once when the
server is back; the SMTP reply decides what is retried.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import build_app
from bot.briefing.files import queue_file
from bot.config_loader import ConfigError, parse_config
from bot.models import NoticeKind, Target
from bot.store.base import Store
from tests.conftest import make_config
from tests.fake_smtp import PASSWORD, USER, FakeSmtp, make_certificate

DOCX = b"PK\x03\x04" + b"word/document.xml" * 50
LEADERS = ["leader@gov.test", "office@gov.test"]
# aiosmtpd warns when the plain-SMTP fake takes a login without TLS: that case is tested on purpose
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def store(tinydb_store: Store) -> Store:
    return tinydb_store


@pytest.fixture
def smtp(certificate) -> Iterator[FakeSmtp]:
    server = FakeSmtp(*certificate)
    server.start()
    yield server
    server.stop()


def mail_config(server: FakeSmtp, **extra: object) -> dict:
    return {
        "enabled": True,
        "host": "127.0.0.1",
        "port": server.port,
        "security": server.security,
        "username": USER,
        "password": PASSWORD,
        "sender": USER,
        "ca_file": str(server.cert),
        "timeout": "5s",
        "recipients": {"special": LEADERS, "daily": ["daily@gov.test"]},
        **extra,
    }


async def mail_app(store, clock, server: FakeSmtp, **extra: object):
    config = make_config(chats={"console": {"enabled": False}, "mail": mail_config(server, **extra)})
    return await build_app(config, store, clock, console_out=io.StringIO())


async def queue_report(app, kind: str = "special", name: str = "舆情专报-YQ-20261126-0001.docx") -> None:
    caption = "📎 舆情专报：江城化工集团仓库爆炸（YQ-20261126-0001）"
    await queue_file(app.services, [Target("mail", kind)], DOCX, name, caption, NoticeKind.DOCUMENT, "r1")


async def pending(store, clock) -> list:
    return await store.pending_notifications(clock.now() + timedelta(hours=1))


async def test_a_report_reaches_its_recipients_as_a_word_attachment(store, clock, smtp):
    app = await mail_app(store, clock, smtp)
    await queue_report(app)
    assert await app.delivery.run_once() == 1
    [got] = smtp.received
    assert got.sender == USER and got.recipients == LEADERS
    msg = got.message
    assert msg["Subject"] == "【舆情值守】舆情专报：江城化工集团仓库爆炸（YQ-20261126-0001）"
    assert "舆情值守机器人" in msg["From"] and msg["To"] == ", ".join(LEADERS)
    body = msg.get_body(("plain",)).get_content()
    assert "详见附件《舆情专报-YQ-20261126-0001.docx》" in body and "请勿直接回复" in body
    [attachment] = list(msg.iter_attachments())
    assert attachment.get_filename() == "舆情专报-YQ-20261126-0001.docx"
    assert attachment.get_content_type().endswith("wordprocessingml.document")
    assert attachment.get_content() == DOCX
    assert await pending(store, clock) == []


async def test_mail_server_down_then_up_the_mail_arrives_once(store, clock, smtp):
    smtp.stop()
    app = await mail_app(store, clock, smtp)
    await queue_report(app, "daily", "舆情日报-20261125.docx")
    assert await app.delivery.run_once() == 0
    [waiting] = await pending(store, clock)
    assert "连接失败" in waiting.last_error and PASSWORD not in waiting.last_error
    smtp.start()  # the same port
    assert await app.delivery.run_once() == 0  # not before its retry time
    clock.advance(timedelta(minutes=2))
    assert await app.delivery.run_once() == 1
    clock.advance(timedelta(minutes=2))
    assert await app.delivery.run_once() == 0
    assert [r.recipients for r in smtp.received] == [["daily@gov.test"]]
    assert await pending(store, clock) == []


@pytest.mark.parametrize("security", ["ssl", "none"])
async def test_implicit_tls_and_plain_smtp(store, clock, certificate, security):
    server = FakeSmtp(*certificate, security=security)
    server.start()
    try:
        app = await mail_app(store, clock, server)
        await queue_report(app)
        assert await app.delivery.run_once() == 1
        assert len(server.received) == 1
    finally:
        server.stop()


async def test_a_refused_login_waits_for_the_fix_and_never_shows_the_password(store, clock, smtp):
    app = await mail_app(store, clock, smtp, password="wrong-smtp-password")
    await queue_report(app)
    assert await app.delivery.run_once() == 0
    [waiting] = await pending(store, clock)
    assert "拒绝登录（535）" in waiting.last_error and "wrong-smtp-password" not in waiting.last_error
    assert waiting.next_attempt_at == clock.now() + timedelta(minutes=5)
    assert smtp.received == []


async def test_refused_recipients(store, clock, smtp):
    smtp.refuse = {"office@gov.test"}
    app = await mail_app(store, clock, smtp)
    await queue_report(app)
    assert await app.delivery.run_once() == 1  # one of two refused: the other gets it
    assert [r.recipients for r in smtp.received] == [["leader@gov.test"]]
    smtp.refuse = set(LEADERS)
    await queue_file(app.services, [Target("mail", "special")], DOCX, "b.docx", "专报", NoticeKind.DOCUMENT, "r2")
    await app.delivery.run_once()
    assert await pending(store, clock) == []  # every recipient refused (550): given up, not retried forever
    given_up = await store.get_notification("document:r2:mail:special")
    assert given_up is not None and "拒收全部收件人" in given_up.last_error and "550" in given_up.last_error
    assert len(smtp.received) == 1


async def test_a_kind_without_recipients_is_given_up(store, clock, smtp):
    app = await mail_app(store, clock, smtp)
    await queue_report(app, "weekly")
    await app.delivery.run_once()
    assert await pending(store, clock) == [] and smtp.received == []


EXAMPLE = """
chats:
  mail:
    enabled: true
    host: smtp.example.gov.cn
    security: ssl
    username: yuqing@example.gov.cn
    password: ${SMTP_PASSWORD}
    sender: yuqing@example.gov.cn
    recipients:
      special: [leader@example.gov.cn]
      daily: [office@example.gov.cn]
reports:
  daily: {at: "08:30"}
  weekly: {at: "09:00", weekday: 1}
"""


def test_the_documented_example_is_accepted_and_the_password_comes_from_the_environment():
    config = parse_config(EXAMPLE, env={"SMTP_PASSWORD": PASSWORD})
    mail = config.chats.mail
    assert mail.smtp_port == 465 and mail.password.get_secret_value() == PASSWORD
    assert config.reports.daily is not None and config.reports.weekly.weekday == 1
    with pytest.raises(ConfigError, match="SMTP_PASSWORD"):
        parse_config(EXAMPLE, env={})
    with pytest.raises(ConfigError, match="password：密钥不能直接写在配置文件里"):
        parse_config(EXAMPLE.replace("${SMTP_PASSWORD}", "plain-text-pw"), env={})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("security: ssl", "security: tls"),
        ("sender: yuqing@example.gov.cn", "sender: 舆情值守"),
        ("special: [leader@example.gov.cn]", "special: [leader]"),
        ("weekday: 1", "weekday: 8"),
    ],
)
def test_mistakes_are_refused(change, message):
    with pytest.raises(ConfigError):
        parse_config(EXAMPLE.replace(change, message), env={"SMTP_PASSWORD": PASSWORD})


def test_check_accepts_the_docs_example_and_lists_mail_and_the_schedule(tmp_path):
    import os
    import re
    import subprocess
    import sys

    docs = (Path(__file__).resolve().parents[1] / "docs" / "mail.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", docs, re.S).group(1)
    source = "sources:\n  - {id: a, url: 'https://news.example.cn/rss'}\n"
    (tmp_path / "config.yaml").write_text(source + example, encoding="utf-8")
    env = {**os.environ, "SMTP_PASSWORD": PASSWORD}
    out = subprocess.run([sys.executable, "-m", "bot.cli", "check", "-c", "config.yaml"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    assert "mail（smtp.example.gov.cn:465 ssl）" in out.stdout
    assert "定时报告 日报: 每天 08:30 → 1 个邮箱" in out.stdout
    assert "定时报告 周报: 每周一 09:00 → 2 个邮箱" in out.stdout
    assert "定时报告 总结评估: 每周五 17:00 → 1 个邮箱，console:console" in out.stdout
    assert PASSWORD not in out.stdout + out.stderr
