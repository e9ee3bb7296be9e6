"""The people registry: stable platform ids → configured people, roles, departments."""

from __future__ import annotations

from collections.abc import Sequence

from bot.config import PersonConfig

# Per robot platform, the PersonConfig fields it can @mention by, preferred first.
ROBOT_IDS = {
    "wecom": ("wecom_userid", "mobile"),
    "dingtalk": ("dingtalk_id", "mobile"),
    "feishu": ("feishu_open_id",),
    "wecom_app": ("wecom_userid",),  # the 智能机器人 (two-way): a person speaks and is @mentioned by userid
}


# channel → the field of `people` that holds the id the platform sends for a speaker (never a display name)
PERSON_IDS = {
    "telegram": "telegram_id",
    "wechat": "wechat_id",
    "wecom_app": "wecom_userid",
    "dingtalk_app": "dingtalk_id",  # the staffId DingTalk sends as senderStaffId
    "feishu_app": "feishu_open_id",
}


class People:
    def __init__(self, people: Sequence[PersonConfig]) -> None:
        self.all = list(people)
        self._by_name = {p.name: p for p in self.all}
        self._by_platform: dict[tuple[str, str], PersonConfig] = {}
        for p in self.all:
            for platform, field in PERSON_IDS.items():
                value = getattr(p, field)
                if value not in (None, ""):
                    self._by_platform[(platform, str(value))] = p

    def by_name(self, name: str) -> PersonConfig | None:
        return self._by_name.get(name.lstrip("@").strip())

    def by_platform(self, platform: str, user_id: str) -> PersonConfig | None:
        if platform == "console":  # the console speaks as a configured person, by name
            return self._by_name.get(str(user_id))
        return self._by_platform.get((platform, str(user_id)))

    def with_role(self, *roles: str) -> list[PersonConfig]:
        return [p for p in self.all if p.role in roles]

    def platform_id(self, person: PersonConfig, platform: str) -> str:
        if platform == "telegram" and person.telegram_id is not None:
            return str(person.telegram_id)
        if platform == "wechat":
            return person.wechat_id
        if platform == "dingtalk_app":  # @mentions by userid only, never by display name
            return person.dingtalk_id
        if platform in ROBOT_IDS:  # a robot @mentions by id or mobile only; none: no mention, never the name
            return next((getattr(person, f) for f in ROBOT_IDS[platform] if getattr(person, f)), "")
        return person.name
