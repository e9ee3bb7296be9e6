"""E-mail for the documents that go upward: each report kind to its recipients, the .docx attached.

A "chat" here is a report kind: the target `mail:daily` is `chats.mail.recipients.daily`.
Mail goes out only through the outbox (a DOCUMENT notice with a stored file), so a mail
server that is down holds the entry and the next round sends it; the entry is marked sent
only after the server accepted the message, so it arrives once. The SMTP reply decides:
a connection failure or a 4xx is tried again, a 5xx (refused recipient, message too large)
is given up with the reason, a refused login waits for the fix like a robot's bad key.
"""

from __future__ import annotations

import logging
import re
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from typing import Literal
from zoneinfo import ZoneInfo

import aiosmtplib

from bot.channels.base import Channel, DeliveryError
from bot.clock import Clock
from bot.config import MailConfig
from bot.models import Incident
from bot.redact import redact
from bot.render import incident_text, update_line

log = logging.getLogger(__name__)

BAD_CONFIG_WAIT = 300.0  # a refused login or an unsupported STARTTLS: the mail waits in the outbox for the fix
KIND_NAMES = {
    "special": "舆情专报",
    "daily": "舆情日报",
    "weekly": "舆情周报",
    "evaluation": "总结评估",
    "monthly": "考核月报",
}
SUBJECT_PREFIX = "【舆情值守】"
_LEADING_SYMBOLS = re.compile(r"^[^\w【（(]+")  # a chat caption's emoji (📎, 📊) has no place in a subject
_MIME = {
    ".docx": ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".png": ("image", "png"),
    ".md": ("text", "markdown"),
}
FOOTER = "本邮件由舆情值守机器人自动发送，请勿直接回复。"


def subject_of(caption: str, fallback: str) -> str:
    """One header line: the caption without its leading emoji, no line breaks (no header injection)."""
    text = " ".join(_LEADING_SYMBOLS.sub("", caption.strip()).split()) or fallback
    return SUBJECT_PREFIX + text[:150]


class MailChannel(Channel):
    name = "mail"

    def __init__(
        self, config: MailConfig, clock: Clock, zone: ZoneInfo, source_names: dict[str, str] | None = None
    ) -> None:
        self.config = config
        self.clock = clock
        self.zone = zone
        self.source_names = source_names or {}

    def recipients(self, kind: str) -> list[str]:
        found = self.config.recipients.of(kind)
        if not found:
            raise DeliveryError(f"chats.mail.recipients.{kind} 未配置收件人，邮件未发送", retry=False)
        return found

    def message(self, kind: str, subject: str, body: str) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = formataddr((self.config.name, self.config.sender))
        msg["To"] = ", ".join(self.recipients(kind))
        msg["Subject"] = subject
        msg["Date"] = format_datetime(self.clock.now().astimezone(self.zone))
        msg["Message-ID"] = make_msgid(domain=self.config.sender.rpartition("@")[2])
        msg.set_content(f"{body}\n\n{FOOTER}\n")
        return msg

    async def send_file(
        self,
        chat_id: str,
        data: bytes,
        filename: str,
        caption: str = "",
        kind: Literal["photo", "document"] = "document",
    ) -> str:
        """The report as an attachment; the caption (its title) is the subject."""
        title = KIND_NAMES.get(chat_id, "报告")
        subject = subject_of(caption, title)
        now = self.clock.now().astimezone(self.zone)
        body = "\n".join(
            [
                "各位领导、同事：",
                "",
                f"{subject.removeprefix(SUBJECT_PREFIX)}已生成，详见附件《{filename}》。",
                f"生成时间：{now:%Y-%m-%d %H:%M}",
            ]
        )
        msg = self.message(chat_id, subject, body)
        suffix = "." + filename.rpartition(".")[2].lower() if "." in filename else ""
        maintype, subtype = _MIME.get(suffix, ("application", "octet-stream"))
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
        return await self._send(chat_id, msg)

    async def send_text(self, chat_id: str, text: str, mentions: tuple[str, ...] = ()) -> str:
        first = text.strip().splitlines()[0] if text.strip() else KIND_NAMES.get(chat_id, "通知")
        return await self._send(chat_id, self.message(chat_id, subject_of(first, "通知"), text))

    async def send_incident(self, chat_id: str, incident: Incident) -> str:
        name = self.source_names.get(incident.source_id, "")
        text = incident_text(incident, self.clock.now(), self.zone, name)
        subject = subject_of(f"{incident.tier.label}舆情 {incident.number}", "舆情告警")
        return await self._send(chat_id, self.message(chat_id, subject, text))

    async def update_incident(self, chat_id: str, message_id: str, incident: Incident) -> str:
        """A sent mail cannot change: the update goes as a short new mail."""
        await self.send_text(chat_id, update_line(incident, self.clock.now(), self.zone))
        return message_id

    def _tls(self) -> ssl.SSLContext | None:
        if self.config.security == "none":
            return None
        return ssl.create_default_context(cafile=self.config.ca_file or None)

    async def _send(self, kind: str, msg: EmailMessage) -> str:
        cfg = self.config
        recipients = self.recipients(kind)
        self.check_gate()
        where = f"邮件服务器 {cfg.host}:{cfg.smtp_port}"
        try:
            refused, _ = await aiosmtplib.send(
                msg,
                sender=cfg.sender,
                recipients=recipients,
                hostname=cfg.host,
                port=cfg.smtp_port,
                username=cfg.username or None,
                password=cfg.password.get_secret_value() or None,
                use_tls=cfg.security == "ssl",
                start_tls=cfg.security == "starttls",
                tls_context=self._tls(),
                timeout=cfg.timeout.total_seconds(),
            )
        except aiosmtplib.SMTPAuthenticationError as exc:
            log.error("mail server %s refused our login (%s)", cfg.host, exc.code)
            raise DeliveryError(
                f"{where} 拒绝登录（{exc.code}），请检查 username 与 password", retry_after=BAD_CONFIG_WAIT
            ) from exc
        except aiosmtplib.SMTPNotSupported as exc:
            raise DeliveryError(
                redact(f"{where} 不支持所需功能：{exc}（请检查 security 与端口）"), retry_after=BAD_CONFIG_WAIT
            ) from exc
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [r.code for r in exc.recipients]
            texts = "；".join(f"{r.recipient} {r.code}" for r in exc.recipients)
            raise DeliveryError(f"{where} 拒收全部收件人：{texts}", retry=any(c < 500 for c in codes)) from exc
        except aiosmtplib.SMTPReadTimeoutError as exc:  # the message may have been accepted: wait before resending
            raise DeliveryError(f"{where} 无应答", maybe_sent=True) from exc
        except aiosmtplib.SMTPResponseException as exc:  # sender refused, data refused, …
            raise DeliveryError(redact(f"{where} 拒绝：{exc.code} {exc.message}"), retry=exc.code < 500) from exc
        except (aiosmtplib.SMTPConnectError, aiosmtplib.SMTPServerDisconnected, OSError) as exc:  # down, TLS handshake
            raise DeliveryError(redact(f"{where} 连接失败：{exc}")) from exc
        except aiosmtplib.SMTPException as exc:  # e.g. no AUTH offered (a login over a plain connection)
            log.error("mail server %s: %s", cfg.host, exc)
            raise DeliveryError(
                redact(f"{where} 发送失败：{exc}（请检查 security、端口与登录设置）"), retry_after=BAD_CONFIG_WAIT
            ) from exc
        if refused:
            log.warning(
                "mail %s: some recipients refused: %s", kind, ", ".join(f"{a} {r.code}" for a, r in refused.items())
            )
        return str(msg["Message-ID"])
