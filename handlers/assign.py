"""/assign [编号] @人 [要求] — 指派负责人。"""

from __future__ import annotations

from bot.models import ActionKind
from bot.services import Services
from handlers.base import REPEATED, Handler, Request, UsageError, act, clip, free_text


async def run(req: Request, services: Services) -> list[str]:
    mentioned = [a for a in req.args if a.startswith("@")]
    names = [m.lstrip("@") for m in mentioned]
    for uid in req.command.mentions:  # platform mentions resolve to configured people
        person = services.people.by_platform(req.command.platform, uid)
        if person:
            names.insert(0, person.name)
    if not names:
        raise UsageError("缺少负责人")
    person = services.people.by_name(names[0])
    if person is None:
        known = "、".join(p.name for p in services.people.all) or "（无）"
        return [f"未找到人员「{clip(names[0])}」。已登记人员：{known}"]
    note, shortened = free_text(tuple(a for a in req.args if a not in mentioned))
    inc = await act(req, services, ActionKind.ASSIGN, note=note, assignee=person.name)
    if inc is None:
        return [REPEATED.format(number=req.incident.number)]
    dept = f"（{person.department}）" if person.department else ""
    return [f"👤 {inc.number} 已指派给 {person.name}{dept}" + (f"：{note}" if note else "") + shortened]


HANDLER = Handler("assign", "/assign [编号] @人 [要求]", "指派负责人", run, needs_incident=True)
