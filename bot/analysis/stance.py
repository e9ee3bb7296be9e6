"""Stance of an item towards the story: a rebuttal that clears the subject, a settlement that
ends it, and event words negated (or only supposed) in their own clause.

A 辟谣 / 澄清 / 否认 / 警方通报…系编造 item, or one telling the story as settled (拖欠工程款已全部
结清), answers a story: it is progress (进展) of that story's incident, never a new serious alert
(bot.placement). 「否认拖欠」「没有拖欠」「未发生爆炸」「如果…发生爆炸」 are not 拖欠 or 爆炸 events:
the negated event word does not count in the score.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.analysis.boundaries import KIND_NOUNS
from bot.analysis.concepts import concept
from bot.analysis.facts import hearsay_at
from bot.models import Hit, Item

LEAD_CHARS = 200  # a rebuttal says so in its title or its first sentences
_REBUTTAL = re.compile(
    r"辟谣|谣言|(?:系|纯属|均|属|消息|信息|传言|传闻|说法|报道|内容|情况)不(?:属)?实|澄清(?!池)|否认|系编造|系捏造|纯属捏造"
    r"|纯属虚构|子虚乌有|恶意编造|系虚假信息|并非事实|与事实不符|(?:系|纯属|属)(?:误读|误传|误会|误解)"  # 传闻系误读
    # 系对租赁合同条款的误读, 系商户对合同条款的误读: a misreading of something named
    r"|(?:系|纯属|属)[^，。！？；;!?\s]{0,6}?对[^，。！？；;!?\s]{1,12}?的(?:误读|误解|曲解)"
    # 爆炸视频系旧闻, 视频为2018年外地旧视频
    r"|(?:系|为|是|属)[^，。！？；;!?\s]{0,10}?(?:旧闻|旧视频|旧图|老视频|旧照片|多年前旧)|移花接木|张冠李戴"
    # 网传视频系外省某企业事故画面，与我司无关: the subject speaking of itself, cleared
    r"|与(?:我|本)(?:司|公司|集团|单位|局|厂|院|校|委|中心|站|行|所|部门)(?:并|均|完全)?无关"
    # 网传“厂区爆炸”实为锅炉排气声: what the rumour really was
    r"|(?P<heard>网传|传言|传闻|所谓|网曝)[^，。！？；;!?\n]{1,20}?(?P<really>实为|实系|实则为|其实是|实际上是)"
    # 爆炸了吗？官方：没有 — a question answered no
    r"|(?<=[？?])\s*(?:官方|警方|厂方|院方|校方|公司|集团|企业|回应|记者核实|核实)[:：]\s*(?:没有|并没有|不是|假的|未发生)"
    # 网传小学食物中毒不实: a rumour's own words, then 不实 closing the clause (not 不实宣传)
    r"|(?P<rumour>网传|网曝|传言|传闻|所传|所谓)[^，。！？；;!?\n]{1,24}?(?P<false>不(?:属)?实)(?=$|[\s，。！？；;,!?])"
)
# a title confirming the story (an official finding, a toll): a denial quoted below it does not clear; nor does a
# past one under the discipline it came to (原局长被开除党籍 …当时称纯属捏造, round 106)
_CONFIRMS = re.compile(
    r"被查|审查|监察调查|立案|双开|落马|被逮捕|被刑拘|被判|判处|开除党籍|开除公职|党纪处分|政务处分|获刑"
    r"|通报.{0,12}(?:死亡|受伤|遇难)"
)
_POLICE = re.compile(r"警方通报|公安.{0,4}通报|警情通报")
_POLICE_CLEARS = re.compile(r"不存在|系编造|系捏造|编造|造谣|谣言|不属实|查无实据")
_CLAUSE_START = re.compile(r"[，。！？；、,!?;：:\n]")
_NEGATOR = re.compile(
    r"(?:没有|没|未|并未|从未|从不|从来不|从来没有|从没|未曾|不曾|否认|并无|无|不存在|不会|不再|绝不|杜绝|不得|并非|而非|绝非"
    r"|严禁|禁止)"  # 严禁拖欠: a prohibition; not 不是 (这不是乱收费是什么 is rhetorical)
    r"(?:发生|出现|造成|存在|过|任何|有|发现)?(?:人员|人)?$"
    # 未发生一起安全事故, 未发生较大以上事故, 未发生爆炸和火灾: a negated 发生/出现 reaches over the
    # modifiers of its object (a count, a grade, 安全/生产) and a coordination (和, 及, 或), not over
    # a relative clause (未造成伤亡的事故 is an accident)
    r"|(?:没有|未|并未|从未|未曾|不曾|无|并无)(?:发生|出现)[^，。！？；、,!?;：:\n的]{0,7}$"
    # 未发生一起有责任的交通事故: after a count (一起, 一次, 任何) the 的 is the object's own modifier
    r"|(?:没有|未|并未|从未|未曾|不曾|无|并无)(?:发生|出现)过?(?:一起|一次|一例|任何)[^，。！？；、,!?;：:\n]{0,9}$"
    # 也没有燃气泄漏, 未见有毒气体外泄: what did not leak may stand between the negator and the word
    r"|(?:没有|没|未|并未|无|并无)(?:燃气|煤气|天然气|液化气|有毒气体|气体|油品|化学品|危化品)$"
    r"|(?:严禁|禁止)(?:(?![后仍有还又曾已])[^\W\d_不了着过的]){1,14}$"  # 严禁律师事务所乱收费: a prohibition with whom it binds, where (round 103)
    r"|零$"  # 零事故, 零伤亡: a zero statistic
    # 未发现使用假药, 没有销售过期食品: what was not found in use or on sale (round 100)
    r"|(?:没有|没|未|并未|从未)(?:发现|查出|检出)?(?:使用|销售|售卖|出售|添加)$"
    # 暂未听说有人受伤, 没看到有人受伤: no one known hurt (round 105)
    r"|(?:没有|没|未|并未)(?:听说|听到|发现|看到|见)有?(?:人员|人)$"
    r"|(?<!拒)不$"  # 不停运, 不拖欠: 不 right before the word (拒不 is a refusal, not a denial)
)
NEGATION_REACH = 14  # characters before the event word searched for its negator
# 连续十年无死亡事故: before a kind noun the negator reaches over the kind of event (not 无证驾驶事故, 无人机
# 坠落事故, 没有预料到的事故)
_NEGATED_KIND = re.compile(
    r"(?:没有|未|并未|从未|无(?![证照牌人])|并无|零)(?:发生|出现)?过?(?:一起|任何)?(?:(?!的)[\u4e00-\u9fff]){1,4}$"
)
# 如果…发生爆炸怎么办, 万一储罐泄漏: a supposition states nothing that happened
# 将于明日起停运两周进行改造, 计划停水: a notice of what is planned reports nothing that happened
# 今日起部分线路临时停运: so is a notice of what starts on a day; 模拟蓄电池起火 a drill's pretence (round 100)
_SUPPOSED = re.compile(
    r"如果|假如|假设|万一|倘若|一旦|要是|若是|模拟|将于|将在|计划|拟于|即将|预计将|(?:即日|今日|明日|次日|本周|下周|下月)起"
)

# 今日起至本周五，为配合管道更换，部分楼栋每天上午临时停气: a period announced from today on at the head of the
# sentence makes every clause after it the notice's (round 110); not a dated one (11月1日起至5日，该厂连续偷排 may
# report what went on), nor 自3月起至今, a period that has run until now
_NOTICE_PERIOD = re.compile(r"(?:即日|今日|明日|次日|本周|下周|下月)起(?:至|到)(?!今)")
_SENTENCE_START = re.compile(r"[。！？!?\n]")
# 欢迎司乘人员实名举报收费站工作人员违规收费: an invitation to report what may happen, reported by no one (round 110)
_INVITED = re.compile(r"(?:欢迎|鼓励|敬请|呼吁)[^，。！？；,!?;]{0,10}?(?:举报|监督|投诉|反映)")
INVITATION_REACH = 30  # characters before the event word searched for the invitation in its clause
NOTICE_REACH = 60  # characters before the event word searched for the sentence's announced period


# 否认拖欠，但工人们坚持称仍有欠薪: the denial is contested in its own sentence, the story stands;
# 否认爆炸 但现场视频显示浓烟: so is a denial that footage or witnesses contradict
_CONTESTED = re.compile(
    r"[^。！？!?\n]*?(?:(?:但(?:是)?|然而|却)[^。！？!?\n]{0,16}?"
    r"(?:仍|依然|依旧|还有|至今|坚持|承认|(?:视频|画面|照片|图片|监控|录像|目击者|知情人)[^。！？!?\n]{0,4}?(?:显示|拍到|证实|可见))"
    # 否认拖欠 装卸工称至今仍有欠薪: the other side saying it goes on
    r"|(?:称|说|反映)[^。！？!?\n，,]{0,4}?(?:至今仍|至今还|仍有))"
)
# 发生爆炸 官方辟谣伤亡传闻, 网传有人员死亡不实: what is denied is only a toll; the event stated
# beside it stands (bot.analysis.facts does not count a rumoured toll)
_TOLL_ONLY = re.compile(
    r"^(?:官方|警方|当地|厂方|院方|校方|企业|公司|集团)?(?:辟谣|回应|澄清|否认)?[:：]?"
    r"(?:网传|网曝|传言|传闻|所传|所谓)?(?:称)?(?:另有|还有|有)?(?:多名|多人|\d+人|[一二两三四五六七八九十几数]+人|人员|有人)?"
    r"(?:伤亡|死亡|死人|遇难|身亡|死伤)(?:人数|情况|一事)?(?:的)?(?:传闻|传言|消息|说法|信息)?"
    r"(?:系|纯属|属|均)?(?:谣言|不实|不属实|虚假|编造|捏造|辟谣)?$"
)
_RUMOUR_CLAUSE = re.compile(r"网传|网曝|传言|传闻|据传|所传|谣")
_TITLE_CLAUSE = re.compile(r"[\s，。！？；,!?;：:]")
# 拖欠工程款已全部结清, 欠薪问题已妥善解决: the story's own ending, told as done (not 承诺月底前结清)
_SETTLED = re.compile(
    r"(?:已|均已|现已|目前已|已经)(?:于[^，。！？；\s]{1,6})?"  # 已于昨日全部发放到位
    # money or goods returned, taken back off sale (药费已全额退回, 医保基金已全部追回, 过期药已全部下架, round 105)
    r"(?:(?:全部|全额|足额|如数|按时)?(?:结清|付清|清偿|兑付|支付到位|发放到位|发放完毕|补发到位|退还|退赔|清退|退回|追回|下架)"
    r"|(?:全部|全额|足额)(?:支付|发放|偿还|补发))"
    r"|(?:问题|纠纷|诉求)(?:已|均已|现已|已经|已得到)(?:解决|化解|妥善处置|妥善解决|妥善处理)"
    r"|问题(?:已|均已)?(?:整改到位|整改完毕|全部整改)"
)
# …已结清 工人：年前的欠薪至今没拿到: the settlement is disputed in the title
_UNSETTLED = re.compile(r"至今|仍|还没|还未|没拿到|未拿到|没收到|未收到|无果|不认|否认结清|并未")
SETTLED_LABEL = "已解决"
CASUALTY_WORDS = frozenset({"死亡", "伤亡", "遇难", "身亡", "死人", "死伤", "受伤"})
TOLL_CONCEPTS = frozenset(concept(word) for word in CASUALTY_WORDS)  # 遇难, 丧生 are 死亡


def rebuttal(item: Item, hits: Iterable[Hit] = ()) -> str:
    """The marker ('系谣言', '否认', '警方通报…编造') if the item rebuts or clears, else ''.

    `hits`, when given, are the matcher's: a title stating an event as fact (发生爆炸) beside a
    denial of its toll only (官方辟谣伤亡传闻) is the event's report, not a rebuttal.
    """
    hits = list(hits)
    if _toll_only_clauses(item, hits):
        return ""
    if (settled := _settled(item, hits)) is not None:
        return settled
    found = _uncontested(item.title)
    if found:
        return _marker(found)
    head = f"{item.title}\n{item.text[:LEAD_CHARS]}"
    if _CONFIRMS.search(item.title):
        return ""
    found = _uncontested(head)
    if found:
        return _marker(found)
    if _POLICE.search(head) and (clears := _POLICE_CLEARS.search(head)):
        return f"警方通报…{clears.group(0)}"
    return ""


def _toll_only_clauses(item: Item, hits: Iterable[Hit]) -> list[tuple[int, int]]:
    """The title's rebuttal clauses if they deny only a toll and an event is stated in another
    clause as fact (爆炸致1人受伤 网传多人死亡系谣言), else none."""
    title = item.title
    markers = list(_REBUTTAL.finditer(title))
    if not markers:
        return []
    denied: list[tuple[int, int]] = []
    for found in markers:
        start, end = _clause_around(title, found.start(), found.end())
        if not _TOLL_ONLY.match(title[start:end].replace(" ", "")):
            return []
        denied.append((start, end))
    for hit in hits:
        if hit.group != "event" or hit.field != "title" or hit.word in CASUALTY_WORDS:
            continue
        if any(start <= hit.start < end for start, end in denied) or is_negated(title, hit.start):
            continue
        start, end = _clause_around(title, hit.start, hit.end)
        if not _RUMOUR_CLAUSE.search(title[start:end]):
            return denied
    return []


def _settled(item: Item, hits: list[Hit]) -> str | None:
    """The settlement marker (已全部结清) if the title tells the story as settled, else None.

    Every event the title states must be in the settling clause (拖欠工程款已全部结清) or negated
    (没有拖欠): 拖欠工资致工人跳楼 欠薪已结清 still reports a fall. Only with the matcher's hits.
    """
    title = item.title
    if not hits or _UNSETTLED.search(title):
        return None
    found = _SETTLED.search(title)
    if found is None:
        return _settled_in_reply(item)
    start, end = _clause_around(title, found.start(), found.end())
    for hit in hits:
        if hit.group != "event" or hit.field != "title" or start <= hit.start < end:
            continue
        left, right = _clause_around(title, hit.start, hit.end)
        if "回应" in title[left:right] and title[right : right + 1] in "：:":
            continue  # 回应欠薪：已于昨日全部发放到位: the topic answered
        if not is_negated(title, hit.start):
            return None
    return found.group(0)


# 关于江城建工集团拖欠工资问题的答复 (12345, 留言板): the title names the matter, the reply says how it ended
_REPLY_TITLE = re.compile(r"(?:答复|回复|办理情况|办理结果|处理情况|处理结果)(?:意见|函)?$")


# 关于…用错药事件的处理结果 (round 105): a handling result whose lead tells who was held to account is the
# story dealt with, as a settled debt is
_RESULT_TITLE = re.compile(r"(?:处理结果|处理情况|处理决定|办理结果)$")
_HANDLED = re.compile(r"停职|免职|撤职|处分|诫勉|问责|罚款|吊销|开除|辞退")
HANDLED_LABEL = "已处理"


def _settled_in_reply(item: Item) -> str | None:
    """The settlement marker of a reply whose lead tells the matter as settled (or, a handling result, dealt
    with: `_HANDLED`), uncontested in its sentence."""
    title = item.title.strip()
    if not _REPLY_TITLE.search(title):
        return None
    lead = item.text[:LEAD_CHARS]
    found = _SETTLED.search(lead) or (_HANDLED.search(lead) if _RESULT_TITLE.search(title) else None)
    if found is None:
        return None
    sentence = lead[: found.start()].rsplit("。", 1)[-1] + lead[found.start() :].split("。", 1)[0]
    return None if _UNSETTLED.search(sentence) else found.group(0)


def stance_label(marker: str) -> str:
    """How the reason line names a stance: a settlement, or a rebuttal / clarification."""
    if _HANDLED.fullmatch(marker):
        return HANDLED_LABEL
    return SETTLED_LABEL if _SETTLED.fullmatch(marker) else "辟谣/澄清"


# 否认拖欠, or the party saying it never did (称从未跑路, 表示并未拖欠): a denial, not the story's own negation
# (称芸香里电梯从未停用: what it never did may be named between, round 104)
_DENIAL = re.compile(r"否认|(?:称|表示|回应|声称)[\u4e00-\u9fff]{0,6}?(?:从未|从没|没有|并未|未曾|不存在)")


def _contested_denial(text: str, hit: Hit) -> bool:
    """否认爆炸 但现场视频显示浓烟, 称从未跑路 但业主们坚持说老板至今仍联系不上: a denial its own sentence
    contradicts negates nothing."""
    clause = _CLAUSE_START.split(text[max(0, hit.start - NEGATION_REACH) : hit.start])[-1]
    return _DENIAL.search(clause) is not None and _CONTESTED.match(text, hit.end) is not None


def _denies_toll_only(text: str, hit: Hit) -> bool:
    """Does the hit's clause deny a toll and nothing else (网传有人死亡系谣言)?"""
    start, end = _clause_around(text, hit.start, hit.end)
    return _TOLL_ONLY.match(text[start:end].replace(" ", "")) is not None


def _clause_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause of the title holding text[start:end] (between spaces or punctuation)."""
    left = max((m.end() for m in _TITLE_CLAUSE.finditer(text, 0, start)), default=0)
    right = _TITLE_CLAUSE.search(text, end)
    return left, right.start() if right else len(text)


def _uncontested(text: str) -> re.Match[str] | None:
    """The first rebuttal marker in `text` that its sentence does not go on to contest."""
    for found in _REBUTTAL.finditer(text):
        if text[found.end() : found.end() + 1] == "后":
            continue  # 辟谣后 又有网友曝出爆炸视频: when, not what the item says
        if not _CONTESTED.match(text, found.end()):
            return found
    return None


def _marker(found: re.Match[str]) -> str:
    """The words a rebuttal is known by: 系谣言, or 网传…不实 for a rumour restated then denied."""
    if found.group("rumour"):
        return f"{found.group('rumour')}…{found.group('false')}"
    if found.group("heard"):
        return f"{found.group('heard')}…{found.group('really')}"
    return found.group(0)


def negated_events(item: Item, hits: Iterable[Hit]) -> frozenset[str]:
    """Event words every occurrence of which is negated in its clause (没有拖欠, 否认拖欠)."""
    fields = {"title": item.title, "text": item.text}
    hits = list(hits)
    denied = _toll_only_clauses(item, hits)
    seen: dict[str, bool] = {}
    for hit in hits:
        if hit.group != "event":
            continue
        text = fields.get(hit.field, "")
        if hit.field == "title" and any(start <= hit.start < end for start, end in denied):
            negated = True  # the toll a rebuttal denies (网传多人死亡系谣言) is no event of the story
        elif hit.field == "text" and denied and _denies_toll_only(text, hit):
            negated = True  # so is the text's restating that denial (…核实后说明：网传有人死亡系谣言; round 111)
        else:
            negated = is_negated(text, hit.start) and not _contested_denial(text, hit)
        seen[hit.word] = seen.get(hit.word, True) and negated
    return frozenset(word for word, negated in seen.items() if negated)


def hearsay_tolls(item: Item, hits: Iterable[Hit]) -> frozenset[str]:
    """Toll words (死亡, 遇难, 受伤 …) every occurrence of which stands in a rumoured sentence (有网友在群里称…
    遇难的远不止通报的数字): they grade as told, but tell an open story's toll nothing (bot.placement)."""
    fields = {"title": item.title, "text": item.text}
    seen: dict[str, bool] = {}
    for hit in hits:
        if hit.group != "event" or concept(hit.word) not in TOLL_CONCEPTS:
            continue
        seen[hit.word] = seen.get(hit.word, True) and hearsay_at(fields.get(hit.field, ""), hit.start)
    return frozenset(word for word, rumoured in seen.items() if rumoured)


# whom a prohibition binds, in the set phrase (严禁任何单位和个人在保护区河道非法采砂): read as no words, so the
# negator's reach spans the place after it (round 103)
_ANYONE = re.compile(r"任何单位(?:和|或|、)个人|任何单位|任何个人|任何人(?!员)")
ANYONE_CHARS = 7  # the longest _ANYONE phrase


def is_negated(text: str, start: int) -> bool:
    """True if the words just before `start`, in the same clause, negate what follows."""
    before = _ANYONE.sub("", text[max(0, start - NEGATION_REACH - ANYONE_CHARS) : start])[-NEGATION_REACH:]
    clause = _CLAUSE_START.split(before)[-1].replace(" ", "")
    if not clause:
        return False
    if _NEGATOR.search(clause) is not None or _SUPPOSED.search(clause) is not None:
        return True
    if _NOTICE_PERIOD.search(_SENTENCE_START.split(text[max(0, start - NOTICE_REACH) : start])[-1]) is not None:
        return True
    if _INVITED.search(_CLAUSE_START.split(text[max(0, start - INVITATION_REACH) : start])[-1]) is not None:
        return True
    return text.startswith(KIND_NOUNS, start) and _NEGATED_KIND.search(clause) is not None
