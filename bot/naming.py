"""What people call things the config names by id: sources and chats.

Alerts, reports and the audit export are read by an office, which knows
江城市新闻网 and 领导群, not `city-news` and `telegram:-1001234`.
"""

from __future__ import annotations

from bot.config import ChatsConfig, Config
from bot.models import Target
from bot.routing import CONSOLE_CHAT

ROLE_NAMES = {"leaders": "领导群", "monitors": "值班群", "all": "工作群"}
MAIL_NAMES = {"special": "专报", "daily": "日报", "weekly": "周报", "evaluation": "总结评估", "monthly": "考核月报"}
PLATFORM_NAMES = {
    "telegram": "Telegram",
    "wechat": "微信",
    "wecom": "企业微信",
    "wecom_app": "企业微信",
    "dingtalk": "钉钉",
    "dingtalk_app": "钉钉",
    "feishu": "飞书",
    "feishu_app": "飞书",
}


def source_names(config: Config) -> dict[str, str]:
    """Source id → its configured name (else the id)."""
    return {s.id: s.name or s.id for s in config.sources}


def chat_names(chats: ChatsConfig) -> dict[str, str]:
    """Target key → the chat's configured name, else its platform and role (e.g. 微信领导群)."""
    names = {Target("console", CONSOLE_CHAT).key: "控制台"}
    for platform, chat in chats.group_chats(enabled_only=False):  # disabled ones too: old records name them
        names[Target(platform, chat.id).key] = chat.name or PLATFORM_NAMES[platform] + ROLE_NAMES[chat.role]
    for robot in chats.robots:  # the robot's name is what the office called it
        names[Target(robot.kind, robot.name).key] = robot.name
    if chats.mail.enabled:  # a mail "chat" is a report kind's recipients
        for kind, label in MAIL_NAMES.items():
            names[Target("mail", kind).key] = f"邮件（{label}收件人）"
    return names


def chat_label(names: dict[str, str], key: str) -> str:
    """A chat as the audit trail shows it: its name with the key that identifies it."""
    name = names.get(key)
    return f"{name}（{key}）" if name and key else key
