"""钉钉 OpenAPI over httpx: the access token, the stream ticket, group messages and interactive cards.

The dingtalk-stream SDK's own OpenAPI helpers call `requests` on the event loop, log and swallow
failures, and read the endpoint once at import time; this module sends the same documented
requests asynchronously, to the configured endpoint, and turns every answer into something the
outbox understands. DingTalk's v1.0 APIs answer an error as {"code": "...", "message": "...",
"requestid": "..."}: that code decides, never the HTTP status alone (a 200 carrying a code fails).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

import httpx

from bot.channels.base import DeliveryError
from bot.config import DingtalkAppConfig
from bot.redact import redact

log = logging.getLogger(__name__)

TOKEN_PATH = "/v1.0/oauth2/accessToken"
OPEN_PATH = "/v1.0/gateway/connections/open"
CARD_SEND_PATH = "/v1.0/im/v1.0/robot/interactiveCards/send"
CARD_UPDATE_PATH = "/v1.0/im/robots/interactiveCards"
GROUP_SEND_PATH = "/v1.0/robot/groupMessages/send"
TOKEN_MARGIN = 300.0  # seconds: a token is renewed this long before DingTalk says it expires
PROXY_REFUSED_WAIT = 300.0  # a 407: the proxy's password must be fixed first (as for the group robots)
THROTTLE_WAIT = 10.0  # seconds after a QPS limit answer (DingTalk's limits are per second or minute)
# Codes that say the app's own credentials are wrong (not the request): the channel waits for a fix.
CREDENTIAL_CODES = frozenset(
    {"authFailed", "invalidClientId", "invalidClientSecret", "invalidAppKey", "invalidAppSecret"}
)
TOKEN_CODES = frozenset({"InvalidAuthentication", "invalidAccessToken", "Forbidden.AccessDenied.AccessTokenExpired"})
THROTTLE_SIGNS = ("QpsLimit", "Throttling", "RateLimit")
GONE_SIGNS = ("NotExist", "NotFound", "notExist", "notFound")


class CredentialRejected(Exception):
    """DingTalk refused the Client ID / Client Secret (not a network fault): retrying now cannot help."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code} {message}".strip())
        self.code = code
        self.message = message


class OpenApi:
    """The calls the channel makes; one httpx client, one cached access token."""

    def __init__(
        self,
        config: DingtalkAppConfig,
        client: httpx.AsyncClient | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        proxy: str = "",
    ) -> None:
        self.config = config
        self.base = config.endpoint.rstrip("/")
        timeout = config.send_timeout.total_seconds()
        # trust_env=False: only the configured proxy is used, never an HTTP(S)_PROXY of the environment
        self.client = client or httpx.AsyncClient(
            timeout=timeout, follow_redirects=False, trust_env=False, proxy=proxy or None
        )
        self._monotonic = monotonic
        self._token = ""
        self._token_until = 0.0

    @property
    def robot_code(self) -> str:
        return self.config.robot_code or self.config.client_id

    async def aclose(self) -> None:
        await self.client.aclose()

    # -- credentials ------------------------------------------------------------
    def _credentials(self) -> dict[str, str]:
        return {"appKey": self.config.client_id, "appSecret": self.config.client_secret.get_secret_value()}

    async def open_connection(self, subscriptions: list[dict[str, str]], user_agent: str) -> dict[str, str]:
        """The stream gateway's {endpoint, ticket}; CredentialRejected or an httpx/ValueError otherwise."""
        body = {
            "clientId": self.config.client_id,
            "clientSecret": self.config.client_secret.get_secret_value(),
            "subscriptions": subscriptions,
            "ua": user_agent,
            "localIp": "",
        }
        response = await self.client.post(self.base + OPEN_PATH, json=body, headers={"Accept": "application/json"})
        if response.status_code == 407:
            raise ValueError("代理要求认证（407），请检查 proxy 中的用户名与密码")
        data = _json(response)
        code = str(data.get("code") or "")
        if _is_credential_error(response.status_code, code):
            raise CredentialRejected(code or f"HTTP {response.status_code}", str(data.get("message") or ""))
        if response.status_code >= 400 or code or not data.get("endpoint") or not data.get("ticket"):
            raise ValueError(redact(f"HTTP {response.status_code} {code} {data.get('message') or ''}".strip()))
        return {"endpoint": str(data["endpoint"]), "ticket": str(data["ticket"])}

    async def token(self) -> str:
        """A valid access token (cached until shortly before it expires)."""
        if self._token and self._monotonic() < self._token_until:
            return self._token
        try:
            response = await self.client.post(self.base + TOKEN_PATH, json=self._credentials())
        except httpx.HTTPError as exc:
            raise DeliveryError(redact(f"钉钉 OpenAPI 无法连接：{exc}")) from exc
        _check_proxy(response)
        data = _json(response)
        code = str(data.get("code") or "")
        if _is_credential_error(response.status_code, code):
            raise CredentialRejected(code or f"HTTP {response.status_code}", str(data.get("message") or ""))
        if response.status_code >= 400 or code or not data.get("accessToken"):
            raise DeliveryError(redact(f"钉钉获取 access token 失败：HTTP {response.status_code} {code}"))
        self._token = str(data["accessToken"])
        self._token_until = self._monotonic() + float(data.get("expireIn") or 7200) - TOKEN_MARGIN
        return self._token

    # -- messages ---------------------------------------------------------------
    async def send_card(self, conversation_id: str, card_biz_id: str, card: dict[str, Any]) -> None:
        """机器人发送互动卡片（普通版）: a StandardCard into a group, identified by our own cardBizId."""
        body = {
            "cardTemplateId": "StandardCard",
            "openConversationId": conversation_id,
            "cardBizId": card_biz_id,
            "robotCode": self.robot_code,
            "cardData": json.dumps(card, ensure_ascii=False),
            "sendOptions": {"atAll": False},
        }
        await self.call("POST", CARD_SEND_PATH, body, maybe_sent=True)

    async def update_card(self, card_biz_id: str, card: dict[str, Any]) -> None:
        """更新机器人发送互动卡片: every copy with this cardBizId shows the new data."""
        body = {"cardBizId": card_biz_id, "cardData": json.dumps(card, ensure_ascii=False)}
        await self.call("PUT", CARD_UPDATE_PATH, body)

    async def send_markdown(self, conversation_id: str, title: str, text: str) -> None:
        """机器人发送群聊消息 (sampleMarkdown)."""
        body = {
            "msgKey": "sampleMarkdown",
            "msgParam": json.dumps({"title": title, "text": text}, ensure_ascii=False),
            "openConversationId": conversation_id,
            "robotCode": self.robot_code,
        }
        await self.call("POST", GROUP_SEND_PATH, body, maybe_sent=True)

    async def call(self, method: str, path: str, body: dict[str, Any], maybe_sent: bool = False) -> dict[str, Any]:
        """One OpenAPI request with the access token; errors become DeliveryErrors."""
        try:
            token = await self.token()
        except CredentialRejected as exc:
            wait = self.config.rejected_retry.total_seconds()
            raise DeliveryError(f"钉钉拒绝了应用凭据（{exc.code}），{wait:.0f} 秒后重试", retry_after=wait) from None
        headers = {"x-acs-dingtalk-access-token": token, "Accept": "application/json"}
        try:
            response = await self.client.request(method, self.base + path, json=body, headers=headers)
        except httpx.TimeoutException as exc:
            raise DeliveryError("钉钉 OpenAPI 无应答", maybe_sent=maybe_sent) from exc
        except httpx.HTTPError as exc:
            raise DeliveryError(redact(f"钉钉 OpenAPI 连接失败：{exc}")) from exc
        _check_proxy(response)
        data = _json(response)
        code = str(data.get("code") or "")
        if response.status_code < 300 and not code and data.get("success") is not False:
            return data
        message = redact(f"钉钉 OpenAPI 错误：HTTP {response.status_code} {code} {data.get('message') or ''}".strip())
        if code in TOKEN_CODES or response.status_code == 401:
            self._token = ""  # expired or revoked: the next try fetches a new one
            raise DeliveryError(message, retry_after=1.0)
        if response.status_code == 429 or any(sign in code for sign in THROTTLE_SIGNS):
            raise DeliveryError(message, retry_after=THROTTLE_WAIT)
        if response.status_code >= 500 or not response.status_code:
            raise DeliveryError(message)
        if response.status_code == 404 or any(sign in code for sign in GONE_SIGNS):
            raise DeliveryError(message, retry=False, gone=True)
        raise DeliveryError(message, retry=False)


def _check_proxy(response: httpx.Response) -> None:
    """The office proxy refused our (missing or wrong) credentials: nothing reached 钉钉; keep it and wait."""
    if response.status_code == 407:
        raise DeliveryError("钉钉：代理要求认证（407），请检查 proxy 中的用户名与密码", retry_after=PROXY_REFUSED_WAIT)


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _is_credential_error(status: int, code: str) -> bool:
    return code in CREDENTIAL_CODES or (status in (401, 403) and not code.startswith("Forbidden.AccessDenied.Qps"))
