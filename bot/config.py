"""The configuration schema: every key typed, unknown keys rejected.

Loading (YAML, environment variables, error messages) lives in
`bot.config_loader`; this module only says what a valid config is.
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    SecretStr,
    field_validator,
    model_validator,
)

from bot.analysis.expression import groups as expression_groups
from bot.analysis.expression import matches_nothing_present as expression_matches_nothing
from bot.analysis.expression import parse as parse_expression
from bot.durations import parse_duration
from bot.models import Tier

Duration = Annotated[timedelta, BeforeValidator(parse_duration)]


def _parse_tier(value: object) -> Tier:
    if isinstance(value, Tier):
        return value
    try:
        return Tier.parse(str(value))
    except ValueError:
        raise ValueError("等级应为 I、II、III 或 IV") from None


TierName = Annotated[Tier, BeforeValidator(_parse_tier)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StoreConfig(Strict):
    backend: Literal["tinydb", "redis"] = "tinydb"
    path: str = "data/yuqing.json"
    url: str = "redis://127.0.0.1:6379/0"
    prefix: str = "yuqing:"
    flush_every: Duration = timedelta(seconds=1)
    # stored items (replay, watch backfill) older than this are dropped; incidents, actions and
    # evidence are kept for good, and so are the seen marks that stop an old item alerting again
    keep_items: Duration = Field(default=timedelta(days=30), gt=timedelta(0))


class HttpConfig(Strict):
    user_agent: str = "yuqing-bot/0.1 (+public-opinion duty bot)"
    connect_timeout: Duration = timedelta(seconds=5)
    read_timeout: Duration = timedelta(seconds=10)
    total_timeout: Duration = timedelta(seconds=30)
    max_bytes: int = Field(default=5_000_000, gt=0)
    per_host_concurrency: int = Field(default=2, gt=0)
    per_host_delay: Duration = timedelta(seconds=0)
    max_connections: int = Field(default=100, gt=0)
    # Networks every source may reach although not public (an intranet host); CIDR strings.
    allow_networks: list[str] = Field(default_factory=list)
    ca_bundle: str = ""  # extra CA certificates (PEM file) trusted besides the system ones: an intranet CA

    @field_validator("allow_networks")
    @classmethod
    def _cidrs(cls, v: list[str]) -> list[str]:
        import ipaddress

        for cidr in v:
            try:
                ipaddress.ip_network(cidr, strict=False)
            except ValueError:
                raise ValueError(f"不是网段：{cidr!r}（应写作 10.1.0.0/16 这样的 CIDR）") from None
        return v


class RsshubConfig(Strict):
    base_url: str = "http://127.0.0.1:1200"

    @field_validator("base_url")
    @classmethod
    def _http(cls, v: str) -> str:
        if not v.startswith(("http://", "https://")):
            raise ValueError("base_url 须以 http:// 或 https:// 开头")
        return v.rstrip("/")


CATEGORIES = ("媒体", "自媒体", "论坛", "政务", "热榜")
# RSSHub route prefixes whose category is not 媒体 (the default for feeds and pages)
_ROUTE_CATEGORIES = (
    (("/people/liuyan", "/gov/", "/12345"), "政务"),
    (("/tieba/", "/baidu/tieba/", "/zhihu/", "/douban/", "/hupu/", "/nga/", "/v2ex/"), "论坛"),
    (("/weibo/", "/wechat/", "/douyin/", "/bilibili/", "/xiaohongshu/", "/kuaishou/", "/toutiao/"), "自媒体"),
)


def default_category(kind: str, route: str = "") -> str:
    """热榜 for hot lists; for RSSHub, by the route's platform; else 媒体."""
    if kind == "hotlist":
        return "热榜"
    if kind == "rsshub":
        path = "/" + route.strip().lstrip("/")
        for prefixes, category in _ROUTE_CATEGORIES:
            if path.startswith(prefixes):
                return category
    return "媒体"


class SourceConfig(Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)  # `list:` in YAML, .board here
    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.\-]+$")
    name: str = ""
    kind: Literal["rss", "jsonfeed", "rsshub", "html", "hotlist"] = "rss"
    url: str = ""
    route: str = ""
    every: Duration = timedelta(minutes=5)
    jitter: Duration = timedelta(seconds=0)
    expect_every: Duration | None = None
    allow_private: bool = False
    weight: float = Field(default=1.0, ge=0)
    official: bool = False
    watch: bool = False
    enabled: bool = True
    encoding: str = ""
    selectors: dict[str, str] = Field(default_factory=dict)
    fetch_detail: bool = False
    detail_limit: int = Field(default=20, ge=0)  # detail pages fetched per poll at most
    max_items: int = Field(default=300, ge=1, le=100_000)  # entries read per poll, newest first; the rest dropped
    backoff_max: Duration = timedelta(hours=1)  # a failing source waits at most this long
    watch_every: Duration = timedelta(minutes=1)  # poll interval while an emergency watch is active
    user_agent: str = ""  # this site only (some refuse bot-like agents); else http.user_agent
    format: Literal["newsnow", "dailyhot", "rsshub"] | None = None  # hotlist: which aggregator serves the list
    board: str = Field(default="", alias="list")  # hotlist: newsnow id or DailyHotApi route (weibo, baidu …)
    category: str = ""  # 媒体 / 自媒体 / 论坛 / 政务 / 热榜 for propagation figures; empty: by kind and route

    @field_validator("category")
    @classmethod
    def _known_category(cls, v: str) -> str:
        v = v.strip()
        if v and v not in CATEGORIES:
            raise ValueError(f"未知的来源类别「{v}」；可用：{'、'.join(CATEGORIES)}")
        return v

    @property
    def source_category(self) -> str:
        """The configured category, else a guess from the kind and the RSSHub route (see default_category)."""
        return self.category or default_category(self.kind, self.route)

    @model_validator(mode="after")
    def _needs_location(self) -> SourceConfig:
        if self.kind == "rsshub" or (self.kind == "hotlist" and self.format == "rsshub"):
            if not self.route:
                raise ValueError(f"{self.kind} 来源需要 route:（如 /weibo/search/hot）")
        elif not self.url:
            raise ValueError(f"{self.kind} 来源需要 url:")
        if self.url and not self.url.startswith(("http://", "https://")):
            # The scheme check is repeated at fetch time; this catches typos early.
            raise ValueError("url 须以 http:// 或 https:// 开头")
        if self.kind == "hotlist":
            if self.format is None:
                raise ValueError("hotlist 来源需要 format:（newsnow、dailyhot 或 rsshub）")
            if not self.board and self.format != "rsshub":
                raise ValueError("hotlist 来源需要 list:（如 weibo、baidu、zhihu）")
        if self.kind == "html" and not self.selectors.get("item"):
            raise ValueError("html 来源需要 selectors: {item: ...}（每条信息对应一个节点）")
        unknown = set(self.selectors) - {"item", "title", "link", "time", "text", "author", "detail"}
        if unknown:
            raise ValueError(f"未知的选择器 {sorted(unknown)}；可用：item title link time text author detail")
        return self


class SchemeWord(str):
    """A configured word; `exact` False turns the word-boundary check off (plain substring match).

    A str subclass, so code that only needs the text keeps treating scheme words as strings."""

    exact: bool

    def __new__(cls, word: str, exact: bool = True) -> SchemeWord:
        obj = super().__new__(cls, word)
        obj.exact = exact
        return obj


_WORD_KEYS = {"word", "exact"}


def _scheme_word(value: object) -> SchemeWord:
    """A plain string, or a mapping {word: 中石化, exact: false}."""
    if isinstance(value, SchemeWord):
        return value
    if isinstance(value, str):
        if not value.strip():
            raise ValueError("词不能为空")
        return SchemeWord(value.strip())
    if isinstance(value, dict):
        unknown = set(value) - _WORD_KEYS
        if unknown:
            raise ValueError(f"未知的键 {'、'.join(sorted(map(str, unknown)))}（可用 word、exact）")
        word, exact = value.get("word"), value.get("exact", True)
        if not isinstance(word, str) or not word.strip():
            raise ValueError("缺少 word（要匹配的词）")
        if not isinstance(exact, bool):
            raise ValueError("exact 只能是 true 或 false")
        return SchemeWord(word.strip(), exact)
    raise ValueError("应为一个词，或 {word: 词, exact: false}")


Word = Annotated[SchemeWord, PlainValidator(_scheme_word)]


def _events(value: object) -> object:
    """{翻车: 4} or {中石化: {severity: 3, exact: false}} → {SchemeWord: severity}."""
    if not isinstance(value, dict):
        return value
    out: dict[object, object] = {}
    for word, spec in value.items():
        if isinstance(spec, dict):
            unknown = set(spec) - {"severity", "exact"}
            if unknown:
                raise ValueError(
                    f"事件词「{word}」: 未知的键 {'、'.join(sorted(map(str, unknown)))}（可用 severity、exact）"
                )
            if "severity" not in spec:
                raise ValueError(f"事件词「{word}」缺少 severity（1–5）")
            out[_scheme_word({"word": word, "exact": spec.get("exact", True)})] = spec["severity"]
        else:
            out[word] = spec
    return out


class SchemeConfig(Strict):
    name: str = Field(min_length=1)
    subjects: list[Word] = Field(default_factory=list)
    leaders: list[Word] = Field(default_factory=list)  # named leaders (领导干部): group "leader", counts as 主体
    regions: list[Word] = Field(default_factory=list)
    events: Annotated[dict[Word, int], BeforeValidator(_events)] = Field(default_factory=dict)
    exclude: list[str] = Field(default_factory=list)
    exclude_scope: Literal["title", "sentence", "anywhere"] = "sentence"
    dictionary: list[str] = Field(default_factory=list)  # extra words for segmentation at hit boundaries
    expression: str = ""
    weight: float = Field(default=1.0, ge=0)

    @field_validator("events")
    @classmethod
    def _severity_range(cls, v: dict[SchemeWord, int]) -> dict[SchemeWord, int]:
        for word, sev in v.items():
            if not 1 <= sev <= 5:
                raise ValueError(f"{word!r} 的严重度应为 1..5")
        return v

    @field_validator("dictionary")
    @classmethod
    def _dictionary_words(cls, v: list[str]) -> list[str]:
        for word in v:
            if len(word.strip()) < 2:
                raise ValueError(f"分词词典里的「{word}」太短：至少两个字")
        return [w.strip() for w in v]

    @field_validator("expression")
    @classmethod
    def _expression_parses(cls, v: str) -> str:
        if v.strip():
            parse_expression(v)  # ExpressionError (a ValueError) points at the position
        return v

    @model_validator(mode="after")
    def _expression_valid(self) -> SchemeConfig:
        """Parse the expression now, so a typo fails at start with its position."""
        if self.expression.strip():
            configured = {
                "subject": self.subjects,
                "leader": self.leaders,
                "region": self.regions,
                "event": self.events,
                "exclude": self.exclude,
            }
            if expression_matches_nothing(parse_expression(self.expression)):
                raise ValueError("表达式在一个词都没出现时也成立（如只有 !排除）：请至少要求一组词或一个词")
            for group in sorted(expression_groups(parse_expression(self.expression))):
                if not configured[group]:
                    raise ValueError(f"表达式用到 {group} 词组，但该方案没有配置")
        return self

    def words(self, group: str) -> list[SchemeWord]:
        """The configured words of one group (subject / leader / region / event) as SchemeWords."""
        raw = {"subject": self.subjects, "leader": self.leaders, "region": self.regions, "event": self.events}[group]
        return [w if isinstance(w, SchemeWord) else SchemeWord(w) for w in raw]


class TierPolicy(Strict):
    ack: Duration
    resolve: Duration


def _default_tier_policies() -> dict[str, TierPolicy]:
    return {
        "I": TierPolicy(ack=timedelta(minutes=15), resolve=timedelta(hours=24)),
        "II": TierPolicy(ack=timedelta(minutes=30), resolve=timedelta(hours=24)),
        "III": TierPolicy(ack=timedelta(hours=2), resolve=timedelta(hours=72)),
        "IV": TierPolicy(ack=timedelta(days=1), resolve=timedelta(days=7)),
    }


class TiersConfig(Strict):
    deadlines: dict[Literal["I", "II", "III", "IV"], TierPolicy] = Field(default_factory=_default_tier_policies)

    def policy(self, tier: Tier) -> TierPolicy | None:
        return self.deadlines.get(tier.name) or _default_tier_policies().get(tier.name)


class PersonConfig(Strict):
    name: str = Field(min_length=1)
    role: Literal["leader", "monitor", "member"] = "member"
    department: str = ""
    telegram_id: int | None = None
    wechat_id: str = ""
    # group robots @mention by these ids (never by display name): bot.people.platform_id
    mobile: str = ""
    wecom_userid: str = ""
    dingtalk_id: str = ""
    feishu_open_id: str = ""


class ChatConfig(Strict):
    id: str
    name: str = ""
    tiers: list[TierName] = Field(default_factory=lambda: [Tier.I, Tier.II, Tier.III, Tier.IV])
    role: Literal["leaders", "monitors", "all"] = "all"

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, v: object) -> object:
        return str(v) if isinstance(v, int) else v


class ConsoleConfig(Strict):
    enabled: bool = True
    person: str = ""
    tiers: list[TierName] = Field(default_factory=lambda: [Tier.I, Tier.II, Tier.III, Tier.IV])


class TelegramConfig(Strict):
    enabled: bool = False
    token: SecretStr = SecretStr("")
    base_url: str = "https://api.telegram.org/bot"
    base_file_url: str = "https://api.telegram.org/file/bot"
    chats: list[ChatConfig] = Field(default_factory=list)
    forum_topics: bool = False


class WechatConfig(Strict):
    enabled: bool = False
    endpoint: str = ""  # host:port of the puppet service (plaintext gRPC); always set, or wechaty goes online to look
    token: SecretStr = SecretStr("")
    rooms: list[ChatConfig] = Field(default_factory=list)
    cache_dir: str = "data/wechaty"  # wechaty's own files ($CACHE_DIR)
    plugin_port: int = Field(default=0, ge=0, le=65535)  # wechaty's plugin HTTP port; 0 = any free local port
    throttle_backoff: Duration = timedelta(minutes=2)  # first pause after 发送消息过于频繁; doubles while it repeats
    throttle_max: Duration = timedelta(minutes=30)
    reconnect: Duration = timedelta(seconds=10)  # first wait before reconnecting to the puppet service
    # HTTP/2 PING to the puppet service, to notice a dead connection; no answer within keepalive_timeout: reconnect
    keepalive: Duration = Field(default=timedelta(minutes=5), gt=timedelta(0))
    keepalive_timeout: Duration = Field(default=timedelta(seconds=20), gt=timedelta(0))
    # WeChat truncates or refuses long texts: longer ones go out in numbered parts of at most this many
    # characters, a part_gap apart (a burst of sends is what earns 发送消息过于频繁)
    max_text: int = Field(default=2000, ge=200)
    part_gap: Duration = timedelta(seconds=1)
    # a send the puppet service has not answered by then counts as failed (it may have arrived), so one
    # hung call cannot hold up the alerts of every other chat
    send_timeout: Duration = Field(default=timedelta(seconds=15), gt=timedelta(0))

    @model_validator(mode="after")
    def _needs_endpoint(self) -> WechatConfig:
        if self.enabled and not self.endpoint:
            raise ValueError("需要 chats.wechat.endpoint（puppet 服务的 主机:端口）")
        host, _, port = self.endpoint.rpartition(":")
        if self.endpoint and not (host and port.isdigit() and 0 < int(port) < 65536):
            raise ValueError(f"chats.wechat.endpoint 应为 主机:端口，收到 {self.endpoint!r}")
        if self.enabled and not self.token.get_secret_value():  # the client sends it as :authority; none = crash
            raise ValueError("需要 chats.wechat.token（puppet 服务令牌，如 ${WECHATY_PUPPET_SERVICE_TOKEN}）")
        return self


class WecomAppConfig(Strict):
    """企业微信智能机器人 over its long connection (bot.channels.wecom_app): two-way, template cards."""

    enabled: bool = False
    bot_id: str = ""  # the robot's BotID (企业微信管理后台 → 智能机器人 → API 模式：长连接)
    secret: SecretStr = SecretStr("")  # its Secret: from ${ENV}
    ws_url: str = "wss://openws.work.weixin.qq.com"  # endpoint override (tests, a proxy)
    chats: list[ChatConfig] = Field(default_factory=list)  # group chatids the robot is a member of
    heartbeat: Duration = Field(default=timedelta(seconds=30), gt=timedelta(0))  # ping; two unanswered: reconnect
    reconnect: Duration = Field(default=timedelta(seconds=1), gt=timedelta(0))  # first wait; doubles per failure
    reconnect_max: Duration = Field(default=timedelta(seconds=60), gt=timedelta(0))
    credential_wait: Duration = Field(default=timedelta(minutes=10), gt=timedelta(0))  # after a rejected secret
    ack_timeout: Duration = Field(default=timedelta(seconds=5), gt=timedelta(0))  # the service's answer to a send
    # HTTP proxy for the websocket, a CONNECT tunnel ("http://[user:pass@]host:port", ${ENV} with a password);
    # empty: `chats.proxy`; "direct": no proxy even when `chats.proxy` is set
    proxy: str = ""

    @model_validator(mode="after")
    def _needs_credentials(self) -> WecomAppConfig:
        if not self.ws_url.startswith(("wss://", "ws://")):
            raise ValueError(f"chats.wecom_app.ws_url 应为 ws(s):// 地址，收到 {self.ws_url!r}")
        _check_proxy(self.proxy, "chats.wecom_app.proxy ")
        if self.enabled and not (self.bot_id and self.secret.get_secret_value()):
            raise ValueError("需要 chats.wecom_app.bot_id 与 secret（如 ${WECOM_BOT_ID}、${WECOM_BOT_SECRET}）")
        return self


class DingtalkAppConfig(Strict):
    """钉钉企业内部应用的机器人 (Stream mode): alert cards with buttons, commands typed in its groups.

    No public IP: the bot opens the stream itself. `endpoint` serves both the OpenAPI and the
    stream gateway (a local fake in tests). Chats are groups by openConversationId (cid…).
    """

    enabled: bool = False
    client_id: str = ""  # AppKey / Client ID (not secret); also the robotCode unless robot_code is set
    client_secret: SecretStr = SecretStr("")  # AppSecret / Client Secret, from ${ENV}
    robot_code: str = ""
    endpoint: str = "https://api.dingtalk.com"
    chats: list[ChatConfig] = Field(default_factory=list)
    reconnect: Duration = Field(default=timedelta(seconds=5), gt=timedelta(0))  # first wait; doubles up to the max
    reconnect_max: Duration = Field(default=timedelta(minutes=5), gt=timedelta(0))
    rejected_retry: Duration = Field(default=timedelta(minutes=10), gt=timedelta(0))  # after 鉴权失败
    send_timeout: Duration = Field(default=timedelta(seconds=15), gt=timedelta(0))
    # HTTP proxy for the OpenAPI and the stream websocket ("http://[user:pass@]host:port", ${ENV} with a password);
    # empty: `chats.proxy`; "direct": no proxy even when `chats.proxy` is set
    proxy: str = ""

    @model_validator(mode="after")
    def _credentials(self) -> DingtalkAppConfig:
        if not self.endpoint.startswith(("https://", "http://")):
            raise ValueError("chats.dingtalk_app.endpoint 须以 http:// 或 https:// 开头")
        _check_proxy(self.proxy, "chats.dingtalk_app.proxy ")
        if self.enabled and not (self.client_id and self.client_secret.get_secret_value()):
            raise ValueError(
                "需要 chats.dingtalk_app.client_id 与 client_secret（应用的 Client ID 与 ${DINGTALK_CLIENT_SECRET}）"
            )
        return self


class FeishuAppConfig(Strict):
    """A 飞书 app bot on the SDK's long connection (no public IP): cards with buttons, typed commands."""

    enabled: bool = False
    app_id: str = ""  # cli_…, from the app's 凭证与基础信息 page (may come from ${ENV})
    app_secret: SecretStr = SecretStr("")
    domain: str = "https://open.feishu.cn"  # Lark: https://open.larksuite.com; tests: a local fake
    chats: list[ChatConfig] = Field(default_factory=list)  # group chat ids: oc_…
    reconnect: Duration = Field(default=timedelta(seconds=5), gt=timedelta(0))  # first wait; doubles per failure
    reconnect_max: Duration = Field(default=timedelta(minutes=5), gt=timedelta(0))
    refused_wait: Duration = Field(default=timedelta(minutes=10), gt=timedelta(0))  # after a rejected app secret
    timeout: Duration = Field(default=timedelta(seconds=10), gt=timedelta(0))  # one OpenAPI request
    # HTTP proxy for the OpenAPI, the token and the long connection (bot.channels.feishu_app_proxy);
    # "http://[user:pass@]host:port", ${ENV} with a password;
    # empty: `chats.proxy`; "direct": no proxy even when `chats.proxy` is set
    proxy: str = ""

    @field_validator("domain")
    @classmethod
    def _origin(cls, v: str) -> str:
        return v.rstrip("/")  # the SDK takes an origin only: "https://open.feishu.cn/" would be refused

    @model_validator(mode="after")
    def _needs_credentials(self) -> FeishuAppConfig:
        url = urlsplit(self.domain)
        loopback = url.scheme == "http" and url.hostname in ("127.0.0.1", "localhost", "::1")  # tests' local fake
        if not (url.scheme == "https" or loopback) or not url.netloc or url.path or url.query:
            raise ValueError(f"chats.feishu_app.domain 应为 https://主机[:端口]（不带路径），收到 {self.domain!r}")
        _check_proxy(self.proxy, "chats.feishu_app.proxy ")
        if self.enabled and not (self.app_id and self.app_secret.get_secret_value()):
            raise ValueError("需要 chats.feishu_app.app_id 与 app_secret（如 ${FEISHU_APP_ID}、${FEISHU_APP_SECRET}）")
        return self


class RobotConfig(Strict):
    """An outbound-only group robot (企业微信群机器人 / 钉钉自定义机器人 / 飞书自定义机器人)."""

    kind: Literal["wecom", "dingtalk", "feishu"]
    name: str = Field(min_length=1, pattern=r"^[^:\s]+$")  # the chat id in targets: "wecom:<name>"
    webhook: SecretStr  # the URL carries the robot's key: a secret, from ${ENV}
    secret: SecretStr = SecretStr("")  # 加签 secret (DingTalk, Feishu); empty: signing off
    tiers: list[TierName] = Field(default_factory=lambda: [Tier.I, Tier.II, Tier.III, Tier.IV])
    role: Literal["leaders", "monitors", "all"] = "all"
    # HTTP proxy to reach the platform ("http://[user:pass@]host:port", from ${ENV} when it carries a password);
    # empty: `chats.proxy`; "direct": no proxy even when `chats.proxy` is set
    proxy: str = ""

    @model_validator(mode="after")
    def _webhook_is_url(self) -> RobotConfig:
        url = self.webhook.get_secret_value()
        if not url.startswith(("https://", "http://")):
            raise ValueError(f"机器人 {self.name} 的 webhook 应为 http(s) 地址")
        if self.kind == "wecom" and self.secret.get_secret_value():
            raise ValueError(f"企业微信群机器人 {self.name} 没有加签，请删除 secret")
        _check_proxy(self.proxy, "proxy：")
        return self


def _check_proxy(url: str, what: str = "") -> None:
    if url and url != DIRECT and not url.startswith(("http://", "https://")):
        raise ValueError(f"{what}应为 http://主机:端口 这样的代理地址（或 direct）")


def _address(value: str) -> str:
    if not re.match(_ADDRESS, value):
        raise ValueError(f"不是有效的邮箱地址：{value!r}")
    return value


DIRECT = "direct"  # a robot's `proxy: direct`: no proxy, whatever chats.proxy says
MAIL_KINDS = ("special", "daily", "weekly", "evaluation", "monthly")  # 专报, 日报, 周报, 总结评估, 考核月报
_ADDRESS = r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$"
Address = Annotated[str, PlainValidator(lambda v: _address(str(v)))]


class MailRecipients(Strict):
    """Who gets each report kind by e-mail (addresses); a kind with nobody is not mailed."""

    special: list[Address] = Field(default_factory=list)  # 舆情专报
    daily: list[Address] = Field(default_factory=list)
    weekly: list[Address] = Field(default_factory=list)
    evaluation: list[Address] = Field(default_factory=list)
    monthly: list[Address] = Field(default_factory=list)  # 值班考核月报

    def of(self, kind: str) -> list[str]:
        return list(getattr(self, kind, []) if kind in MAIL_KINDS else [])


class MailConfig(Strict):
    """SMTP for the documents that go upward (.docx attachments), sent through the outbox."""

    enabled: bool = False
    host: str = ""
    port: int = Field(default=0, ge=0, le=65535)  # 0: 465 with ssl, 587 with starttls, 25 with none
    security: Literal["ssl", "starttls", "none"] = "starttls"
    username: str = ""
    password: SecretStr = SecretStr("")  # from ${ENV}
    sender: str = ""  # the From address; `name` is shown before it
    name: str = "舆情值守机器人"
    ca_file: str = ""  # an intranet mail server's own CA (PEM); empty: the system's
    timeout: Duration = Field(default=timedelta(seconds=30), gt=timedelta(0))
    recipients: MailRecipients = Field(default_factory=MailRecipients)

    @model_validator(mode="after")
    def _complete(self) -> MailConfig:
        if not self.enabled:
            return self
        if not self.host:
            raise ValueError("需要 chats.mail.host（SMTP 服务器）")
        if not re.match(_ADDRESS, self.sender):
            raise ValueError(f"chats.mail.sender 应为发件邮箱地址，收到 {self.sender!r}")
        if self.username and not self.password.get_secret_value():
            raise ValueError("chats.mail.username 已填写，需要 password（如 ${SMTP_PASSWORD}）")
        if not any(self.recipients.of(k) for k in MAIL_KINDS):
            raise ValueError("chats.mail.recipients 至少为一种报告填写收件人")
        return self

    @property
    def smtp_port(self) -> int:
        return self.port or {"ssl": 465, "starttls": 587, "none": 25}[self.security]


class ChatsConfig(Strict):
    console: ConsoleConfig = Field(default_factory=ConsoleConfig)
    telegram: TelegramConfig = Field(default_factory=TelegramConfig)
    wechat: WechatConfig = Field(default_factory=WechatConfig)
    wecom_app: WecomAppConfig = Field(default_factory=WecomAppConfig)
    dingtalk_app: DingtalkAppConfig = Field(default_factory=DingtalkAppConfig)
    feishu_app: FeishuAppConfig = Field(default_factory=FeishuAppConfig)
    robots: list[RobotConfig] = Field(default_factory=list)
    mail: MailConfig = Field(default_factory=MailConfig)
    # default HTTP proxy for the robots and the 企业微信/钉钉/飞书 apps (their own `proxy` wins); ${ENV} with a password
    proxy: str = ""

    @field_validator("proxy")
    @classmethod
    def _proxy_url(cls, v: str) -> str:
        _check_proxy(v)
        return v

    def robot_proxy(self, robot: RobotConfig) -> str:
        """The proxy URL this robot's requests go through; "" for none."""
        return self._proxy(robot.proxy)

    def app_proxy(self, section: str) -> str:
        """The proxy URL the app channel `section` ("wecom_app", "dingtalk_app", "feishu_app") uses; "" for none."""
        return self._proxy(getattr(self, section).proxy)

    def _proxy(self, own: str) -> str:
        chosen = own or self.proxy
        return "" if chosen == DIRECT else chosen

    @field_validator("robots")
    @classmethod
    def _unique_robots(cls, robots: list[RobotConfig]) -> list[RobotConfig]:
        seen: set[tuple[str, str]] = set()
        for r in robots:
            if (r.kind, r.name) in seen:
                raise ValueError(f"机器人名称重复：{r.kind}:{r.name}")
            seen.add((r.kind, r.name))
        return robots

    def group_chats(self, enabled_only: bool = True) -> list[tuple[str, ChatConfig]]:
        """(channel name, chat) of every two-way group chat, in config order (robots are separate).

        The one list of the two-way chat platforms: routing, escalation, names and notices follow from it.
        """
        sections: list[tuple[str, bool, list[ChatConfig]]] = [
            ("telegram", self.telegram.enabled, self.telegram.chats),
            ("wechat", self.wechat.enabled, self.wechat.rooms),
            ("wecom_app", self.wecom_app.enabled, self.wecom_app.chats),
            ("dingtalk_app", self.dingtalk_app.enabled, self.dingtalk_app.chats),
            ("feishu_app", self.feishu_app.enabled, self.feishu_app.chats),
        ]
        return [(name, c) for name, on, chats in sections if on or not enabled_only for c in chats]


class BriefingConfig(Strict):
    times: list[str] = Field(default_factory=lambda: ["08:00"])
    grace: Duration = timedelta(hours=2)
    # Chats that get the scheduled briefing, by target key ("telegram:-100…", "wechat:room@chatroom",
    # "console:console") or chat id; empty means every configured chat.
    chats: list[str] = Field(default_factory=list)
    chart: bool = True  # send the trend chart (PNG) as a photo after the text
    files_dir: str = (
        "data/files"  # files queued before they lived in the store; still sent from here, pruned after 30 days
    )

    @field_validator("chats", mode="before")
    @classmethod
    def _chat_keys_as_text(cls, v: object) -> object:
        return [str(c) for c in v] if isinstance(v, list) else v

    @field_validator("times")
    @classmethod
    def _hhmm(cls, v: list[str]) -> list[str]:
        for t in v:
            hh, _, mm = t.partition(":")
            if not (hh.isdigit() and mm.isdigit() and int(hh) < 24 and int(mm) < 60):
                raise ValueError(f"时间应写作 08:00 这样的形式，收到 {t!r}")
        return v


class ReportJobConfig(Strict):
    """One scheduled report: when it is built, and which chats get the .docx besides its mail recipients."""

    enabled: bool = True
    at: str = "08:30"  # local time (timezone)
    weekday: int = Field(default=1, ge=1, le=7)  # weekly / evaluation: 1 = Monday … 7 = Sunday
    day: int = Field(default=1, ge=1, le=28)  # monthly: day of the month (the previous month is reported)
    chats: list[str] = Field(default_factory=list)  # target keys ("telegram:-100…", "wecom:值班群") or chat ids

    @field_validator("at")
    @classmethod
    def _hhmm(cls, v: str) -> str:
        hh, _, mm = v.partition(":")
        if not (hh.isdigit() and mm.isdigit() and int(hh) < 24 and int(mm) < 60):
            raise ValueError(f"时间应写作 08:30 这样的形式，收到 {v!r}")
        return v

    @field_validator("chats", mode="before")
    @classmethod
    def _chat_keys_as_text(cls, v: object) -> object:
        return [str(c) for c in v] if isinstance(v, list) else v


class ReportsConfig(Strict):
    """Reports built on a schedule and queued to `chats.mail.recipients.<kind>` (and `chats`); unset: not built."""

    daily: ReportJobConfig | None = None  # 舆情日报 of the previous day
    weekly: ReportJobConfig | None = None  # 舆情周报 of the last 7 days
    evaluation: ReportJobConfig | None = None  # 总结评估 of the last 7 days
    monthly: ReportJobConfig | None = None  # 值班考核月报 of the previous month (needs a roster)
    grace: Duration = timedelta(hours=2)  # a run missed while the bot was down is made at start within this


class DemoConfig(Strict):
    enabled: bool = False
    host: str = "127.0.0.1"
    port: int = Field(default=8765, ge=0, le=65535)


class EscalationConfig(Strict):
    """Chasing deadlines: re-notify with @mentions, then the leaders, at an interval up to a cap."""

    enabled: bool = True
    check_every: Duration = timedelta(seconds=30)
    repeat_every: Duration = timedelta(minutes=15)
    max_repeats: int = Field(default=3, ge=0, le=50)
    leaders_after: int = Field(default=1, ge=0)  # from this repeat on, leaders and their chats are called in
    resolve_warn_before: Duration = timedelta(hours=2)


class DeliveryConfig(Strict):
    """Outbox worker pacing: backoff cap while a chat API is down, pause after an ambiguous timeout."""

    max_backoff: Duration = timedelta(seconds=60)
    maybe_sent_pause: Duration = timedelta(seconds=30)


class StormConfig(Strict):
    """Alert storms: tier III/IV alerts for one chat within a window become one digest message."""

    enabled: bool = True
    tiers: list[TierName] = Field(default_factory=lambda: [Tier.III, Tier.IV])
    group_wait: Duration = timedelta(seconds=0)  # hold a chat's first III/IV alert this long to gather others
    group_interval: Duration = timedelta(minutes=5)  # after one is sent, the next ones wait and go as a digest
    min_digest: int = Field(default=3, ge=2)  # fewer than this go out one by one

    @field_validator("tiers")
    @classmethod
    def _never_delay_urgent(cls, v: list[Tier]) -> list[Tier]:
        if any(t in (Tier.I, Tier.II) for t in v):
            raise ValueError("I、II 级告警从不延迟，只能填 III 和/或 IV")
        return v


class QuietHoursConfig(Strict):
    """Per tier, a local window like "22:00-08:00" when its alerts wait for the morning."""

    I: str = ""
    II: str = ""
    III: str = ""
    IV: str = ""

    @field_validator("I", "II")
    @classmethod
    def _never_quiet(cls, v: str) -> str:
        if v:
            raise ValueError("I、II 级告警从不延迟")
        return v

    @field_validator("III", "IV")
    @classmethod
    def _window(cls, v: str) -> str:
        if v:
            _parse_window(v)
        return v

    def window(self, tier: Tier) -> tuple[time, time] | None:
        text = getattr(self, tier.name, "") if tier.pushed else ""
        return _parse_window(text) if text else None


def _parse_window(text: str) -> tuple[time, time]:
    start, sep, end = text.partition("-")
    try:
        if not sep:
            raise ValueError
        return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())
    except ValueError:
        raise ValueError(f"时段应写作 22:00-08:00 这样的形式，收到 {text!r}") from None


class EvidenceConfig(Strict):
    """The evidence archive (有害信息备份): one numbered, classified folder per incident."""

    enabled: bool = False  # on in the example config.yaml; off by default so tests and tools write nothing
    path: str = "data/evidence"


class OpsConfig(Strict):
    """Running several instances on one Redis, and what operators scrape (/metrics, /healthz)."""

    instance: str = ""  # name in logs, metrics and the lease; default host-pid
    metrics_host: str = "127.0.0.1"
    metrics_port: int | None = Field(default=None, ge=0, le=65535)  # None: no endpoint; 0: any free port
    lease_ttl: Duration = timedelta(seconds=15)
    claim_idle: Duration = timedelta(seconds=60)
    workers: int = Field(default=4, ge=1, le=64)


def _default_tier_thresholds() -> dict[str, float]:
    return {"I": 85.0, "II": 65.0, "III": 45.0, "IV": 25.0}


class HotSignalConfig(Strict):
    """When a hot-list entry raises the tier of its incident (bot/analysis/hotsignals.py); 0 turns a signal off."""

    top: int = Field(default=10, ge=0)  # entering the top N of its list
    climb: int = Field(default=20, ge=0)  # climbing this many places above its lowest rank of the stay
    stay: Duration = timedelta(hours=2)  # staying on the list this long


class AnalysisConfig(Strict):
    """Judgement knobs (bot/analysis): near-duplicate merging, spread velocity, tier score."""

    # reposts: probability that two items tell one story (bot/analysis/story.py, a pair model trained
    # by scripts/train_reposts.py) needed to join; 0.5 is the operating point chosen in training
    similarity_threshold: float = Field(default=0.5, gt=0, lt=1)
    # a new incident whose most similar open story scores this much (under similarity_threshold) names
    # it on its card as 疑似同一事件, for /merge; 0 turns the hint off
    related_threshold: float = Field(default=0.15, ge=0, lt=1)
    similarity_min_chars: int = Field(default=20, ge=1)  # shorter items merge only by exact content
    merge_window: Duration = timedelta(days=3)  # an open incident seen within this takes similar items
    spread_window: Duration = timedelta(minutes=20)
    spread_count: int = Field(default=5, ge=1)  # similar items within the window: one tier up (at most I)
    thresholds: dict[Literal["I", "II", "III", "IV"], float] = Field(default_factory=_default_tier_thresholds)
    official_weight: float = Field(default=1.1, ge=0)  # official outlets count this much more
    leader_points: float = Field(default=20.0, ge=0)  # a named leader (领导干部) of the scheme is hit
    author_weights: dict[str, float] = Field(default_factory=dict)  # high-reach accounts by author name
    # official media beyond sources marked `official: true`: source ids, sites (people.com.cn) or account names
    official_media: list[str] = Field(default_factory=list)
    high_reach: list[str] = Field(default_factory=list)  # more high-reach accounts (author_weights > 1 count too)
    jump_ratio: float = Field(default=2.0, gt=1)  # an hour with this many times the previous hour's items is a jump
    jump_min: int = Field(default=3, ge=1)  # … and at least this many items
    sentiment_margin: float = Field(default=1.0, gt=0)
    hotlist: HotSignalConfig = Field(default_factory=HotSignalConfig)  # hot-list signals: one tier up each

    @model_validator(mode="after")
    def _hint_under_merge(self) -> AnalysisConfig:
        # only when written: with a merge threshold at or under the default 0.15, the hint is just off
        set_here = "related_threshold" in self.model_fields_set
        if set_here and self.related_threshold and self.related_threshold >= self.similarity_threshold:
            raise ValueError(
                "related_threshold 须小于 similarity_threshold（提示的是没达到合并门槛的事件；设为 0 关闭提示）"
            )
        return self

    @field_validator("thresholds")
    @classmethod
    def _descending(cls, v: dict[str, float]) -> dict[str, float]:
        merged = {**_default_tier_thresholds(), **v}
        values = [merged[k] for k in ("I", "II", "III", "IV")]
        if values != sorted(values, reverse=True):
            raise ValueError("分级阈值须满足 I >= II >= III >= IV")
        return merged


class RosterShiftConfig(Strict):
    """One shift of the day, e.g. 白班 08:30–17:30; an end at or before the start runs past midnight."""

    name: str = Field(min_length=1)
    start: str
    end: str

    @field_validator("start", "end")
    @classmethod
    def _hhmm(cls, v: str) -> str:
        try:
            time.fromisoformat(v.strip())
        except ValueError:
            raise ValueError(f"时间应写作 08:30 这样的形式，收到 {v!r}") from None
        return v.strip()


class RosterEntryConfig(Strict):
    """One fixed shift (an override for a single day or a holiday): who is 值班员, 备班, 带班领导."""

    date: date
    shift: str = Field(min_length=1)
    duty: str = ""
    backup: str = ""
    leader: str = ""


def _default_shifts() -> list[RosterShiftConfig]:
    return [
        RosterShiftConfig(name="白班", start="08:30", end="17:30"),
        RosterShiftConfig(name="夜班", start="17:30", end="08:30"),
    ]


def _default_chain() -> dict[str, list[str]]:
    return {t: ["backup", "leader", "all"] for t in ("I", "II", "III", "IV")}


class RosterConfig(Strict):
    """The 值班表: shifts, a rotation and/or the office's CSV, single-day overrides, the escalation chain.

    Names are checked against `people` by `bot.roster.loading.load_roster` (it needs the CSV too).
    """

    shifts: list[RosterShiftConfig] = Field(default_factory=_default_shifts)
    rotation: list[str] = Field(default_factory=list)  # 值班员 in order; the next one is 备班
    leaders: list[str] = Field(default_factory=list)  # 带班领导 in order, one per day (per week if weekly)
    hand_on: Literal["shift", "daily", "weekly"] = "daily"  # when the rotation moves on
    start: date = date(2026, 1, 1)  # the rotation's first day (its first person is on duty)
    csv: str = ""  # 日期,班次,值班员,备班,带班领导 (UTF-8 or GBK); its rows override the rotation
    overrides: list[RosterEntryConfig] = Field(default_factory=list)
    # after the ack deadline, who is called next, step by step: backup (备班), leader (带班领导), all (whole group)
    chain: dict[Literal["I", "II", "III", "IV"], list[Literal["backup", "leader", "all"]]] = Field(
        default_factory=_default_chain
    )
    handover_accept: Duration = timedelta(minutes=30)  # 接班 expected within this after the shift starts
    gap_warn_ahead: Duration = timedelta(days=1)

    @field_validator("chain")
    @classmethod
    def _all_tiers(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        return {**_default_chain(), **v}

    @field_validator("shifts")
    @classmethod
    def _some_shift(cls, v: list[RosterShiftConfig]) -> list[RosterShiftConfig]:
        if not v:
            raise ValueError("至少需要一个班次")
        _require_unique("roster.shifts", [s.name for s in v])
        return v

    @property
    def enabled(self) -> bool:
        return bool(self.rotation or self.csv or self.overrides)


class Config(Strict):
    timezone: str = "Asia/Shanghai"
    # Secrets come from ${ENV}; a token or password written into config.yaml is refused unless this is true.
    allow_literal_secrets: bool = False
    store: StoreConfig = Field(default_factory=StoreConfig)
    http: HttpConfig = Field(default_factory=HttpConfig)
    rsshub: RsshubConfig = Field(default_factory=RsshubConfig)
    demo: DemoConfig = Field(default_factory=DemoConfig)
    sources: list[SourceConfig] = Field(default_factory=list)
    schemes: list[SchemeConfig] = Field(default_factory=list)
    analysis: AnalysisConfig = Field(default_factory=AnalysisConfig)
    tiers: TiersConfig = Field(default_factory=TiersConfig)
    people: list[PersonConfig] = Field(default_factory=list)
    chats: ChatsConfig = Field(default_factory=ChatsConfig)
    briefing: BriefingConfig = Field(default_factory=BriefingConfig)
    reports: ReportsConfig = Field(default_factory=ReportsConfig)
    escalation: EscalationConfig = Field(default_factory=EscalationConfig)
    delivery: DeliveryConfig = Field(default_factory=DeliveryConfig)
    storm: StormConfig = Field(default_factory=StormConfig)
    quiet_hours: QuietHoursConfig = Field(default_factory=QuietHoursConfig)
    evidence: EvidenceConfig = Field(default_factory=EvidenceConfig)
    ops: OpsConfig = Field(default_factory=OpsConfig)
    roster: RosterConfig = Field(default_factory=RosterConfig)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"未知的时区 {v!r}") from None
        return v

    @model_validator(mode="after")
    def _unique_ids(self) -> Config:
        _require_unique("sources", [s.id for s in self.sources])
        _require_unique("schemes", [s.name for s in self.schemes])
        _require_unique("people", [p.name for p in self.people])
        if self.chats.console.person and self.chats.console.person not in {p.name for p in self.people}:
            raise ValueError(f"chats.console.person：{self.chats.console.person!r} 不在 people 中")
        monthly = self.reports.monthly
        if monthly is not None and monthly.enabled and not self.roster.enabled:
            raise ValueError("reports.monthly：考核月报按值班员统计，需要先配置值班表（roster）")
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _require_unique(section: str, names: list[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ValueError(f"{section}：重复的 {name!r}")
        seen.add(name)
