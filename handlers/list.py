"""/list [mine|open|overdue|all] — 列出事件。"""

from __future__ import annotations

from bot.held_alerts import held_alerts
from bot.models import Incident, Status
from bot.render import deadline_line, local_time
from bot.services import Services
from handlers.base import Handler, Request, UsageError, clip

OPEN = [Status.NEW, Status.ACKNOWLEDGED, Status.ASSIGNED]
FILTERS = {"open": "未办结", "mine": "我负责的", "overdue": "已超时", "all": "全部（近 50 条）"}
ALIASES = {"我的": "mine", "未办结": "open", "超时": "overdue", "全部": "all"}


def is_overdue(inc: Incident, now) -> bool:
    if inc.status is Status.NEW and inc.ack_deadline and inc.ack_deadline < now:
        return True
    return inc.is_open and inc.resolve_deadline is not None and inc.resolve_deadline < now


async def run(req: Request, services: Services) -> list[str]:
    which = ALIASES.get(req.args[0], req.args[0]) if req.args else "open"
    if which not in FILTERS:
        raise UsageError(f"未知筛选「{clip(which)}」")
    now = services.clock.now()
    if which == "all":
        incidents = (await services.store.incidents())[-50:]
    else:
        incidents = await services.store.incidents(statuses=OPEN)
        if which == "mine":
            incidents = [i for i in incidents if i.assignee == req.person.name]
        elif which == "overdue":
            incidents = [i for i in incidents if is_overdue(i, now)]
    if not incidents:
        return [f"暂无{FILTERS[which]}事件"]
    zone = services.config.zone
    incidents.sort(key=lambda i: (i.tier.value, i.discovered_at))
    held = await held_alerts(services.store, services.config, now)  # storm control / quiet hours
    lines = [f"📋 {FILTERS[which]}事件 {len(incidents)} 条"]
    for inc in incidents:
        who = f" → {inc.assignee}" if inc.assignee else ""
        due = deadline_line(inc, now)
        wait = held.get(inc.number)
        lines.append(
            f"{inc.tier.emoji}{inc.tier.roman} {inc.number} {inc.status.label}{who} {local_time(inc.discovered_at, zone)}\n"
            f"   {inc.title[:60]}" + (f"\n   {due}" if due else "") + (f"\n   {wait.line(zone)}" if wait else "")
        )
    if held.keys() & {i.number for i in incidents}:
        lines.append("（较大/一般事件的告警按防刷屏设置汇总发出或在静默时段后发出；可先 /ack 编号 确认）")
    return ["\n".join(lines)]


HANDLER = Handler("list", "/list [mine|open|overdue|all]", "列出事件", run)
