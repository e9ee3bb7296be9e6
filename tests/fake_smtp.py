"""A local SMTP server for the mail tests: aiosmtpd on 127.0.0.1 with STARTTLS or SSL and a login.

It keeps every accepted message (parsed), refuses the addresses in `refuse` with 550, and
can stop and start again on the same port (a mail server down, then back). The TLS
certificate is made per session with the `openssl` command (self-signed for 127.0.0.1),
and the channel trusts it through `chats.mail.ca_file`, as an office with its own CA does.
"""

from __future__ import annotations

import email
import shutil
import socket
import ssl
import subprocess
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any, Literal

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER = "yq@gov.test"
PASSWORD = "smtp-Pa55word-secret"


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """(cert.pem, key.pem) for 127.0.0.1, valid for a day."""
    if shutil.which("openssl") is None:
        import pytest

        pytest.skip("openssl not installed: no TLS certificate for the fake mail server")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class FakeSmtp:
    cert: Path
    key: Path
    security: Literal["ssl", "starttls", "none"] = "starttls"
    port: int = field(default_factory=free_port)
    refuse: set[str] = field(default_factory=set)
    received: list[Received] = field(default_factory=list)
    _controller: Controller | None = None

    def start(self) -> None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        options: dict[str, Any] = {"authenticator": _authenticate, "auth_required": True}
        if self.security == "starttls":
            options.update(tls_context=context, require_starttls=True)
        elif self.security == "ssl":
            options.update(ssl_context=context, auth_require_tls=False)  # the session cannot tell it is TLS
        else:
            options.update(auth_require_tls=False)
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port, **options)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: list[str]) -> str:
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.original_content, policy=default)
        assert isinstance(message, EmailMessage)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 OK"


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and data.login.decode() == USER and data.password.decode() == PASSWORD
    return AuthResult(success=ok, handled=False)  # not handled: aiosmtpd answers 535 itself
