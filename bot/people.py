"""The people registry: stable platform ids → configured people, roles, departments."""

from __future__ import annotations

from collections.abc import Sequence

from bot.config import PersonConfig

# Per robot platform, the PersonConfig fields it can @mention by, preferred first.
ROBOT_IDS = {
    "wecom": ("wecom_userid", "mobile"),
    "dingtalk": ("dingtalk_id", "mobile"),
    "feishu": ("feishu_open_id",),
    "feishu_app": ("feishu_open_id",),
}


class People:
    def __init__(self, people: Sequence[PersonConfig]) -> None:
        self.all = list(people)
        self._by_name = {p.name: p for p in self.all}
        self._by_platform: dict[tuple[str, str], PersonConfig] = {}
        for p in self.all:
            if p.telegram_id is not None:
                self._by_platform[("telegram", str(p.telegram_id))] = p
            if p.wechat_id:
                self._by_platform[("wechat", p.wechat_id)] = p
            if p.feishu_open_id:  # the 飞书 app channel knows people by open_id (ou_…), never by name
                self._by_platform[("feishu_app", p.feishu_open_id)] = p

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
        if platform in ROBOT_IDS:  # a robot @mentions by id or mobile only; none: no mention, never the name
            return next((getattr(person, f) for f in ROBOT_IDS[platform] if getattr(person, f)), "")
        return person.name
