"""Casualty and impact figures stated in an item (伤亡与损失数字), for official grading.

Chinese offices grade 生产安全事故 / 突发事件 by deaths (missing counted with them),
seriously injured or poisoned, and direct economic loss. This module reads those figures
from the wording news uses (造成5人死亡, 致1死3伤, 两人遇难, 死亡人数上升至15人, 已有三十余人
罹难, ８人中毒送医, 十余人受伤, 多人), keeps the phrase as evidence for the reason line,
reads negation (未造成人员伤亡) and marks figures in a rumoured sentence (网传, 据传 …):
they are kept but never lift a tier on their own. Pure and regex-only; the judge runs it
on matched items only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from bot.analysis.normalize import simplified
from bot.models import Tier

DEATHS, MISSING, INJURED, AFFECTED, LOSS = "deaths", "missing", "injured", "affected", "loss"
LABELS = {DEATHS: "死亡", MISSING: "失踪", INJURED: "受伤", AFFECTED: "疏散/受影响", LOSS: "经济损失"}
# official bands (生产安全事故报告和调查处理条例): deaths incl. missing, injured, loss in 元
BANDS = (
    (Tier.I, 30, 100, 1e8),
    (Tier.II, 10, 50, 5e7),
    (Tier.III, 3, 10, 1e7),
    (Tier.IV, 1, 1, 0.01),
)
RUMOUR = re.compile(
    r"网传|据传|疑似|传言|网曝|有网友称|网友称|传闻|网友爆料|未经证实|小道消息"
    r"|网友[^，。,；;]{1,12}?称|未获证实|未经核实|尚未证实|未证实|有待核实|有待证实"  # 网友在群里发消息称, 记者核实未获证实
)

_DIGITS = str.maketrans("０１２３４５６７８９．，", "0123456789.,")
_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}
# vague amounts: value, approximate
_VAGUE = {
    "两位数": 10,  # 遇难人数升至两位数: ten or more
    "三位数": 100,
    "上亿": 1e8,
    "过亿": 1e8,
    "数十": 20,
    "几十": 20,
    "数百": 200,
    "几百": 200,
    "上百": 100,
    "近百": 90,
    "上千": 1000,
    "多": 2,
    "数": 2,
}

# a count, not an ordinal (第二人民医院 counts no one)
_NUM = r"(?<![\d.第])(两位数|三位数|数十|几十|数百|几百|上百|近百|上千|\d+(?:\.\d+)?|[〇零一二两三四五六七八九十百千]+|多|数)(余|多)?"
_CNT = r"\s*(?:人|名|位(?!数))"
# an age between the count and who (一名3岁患儿, 2名12岁学生, 一位78岁的老人): no count of its own
_AGE = r"(?:(?:\d{1,3}|[一二三四五六七八九十]{1,3})(?:周)?岁半?的?)?"
# 3名工人受伤: who, between the count and the word (a role noun, `_ROLE`; `_WHO` when it may be left out)
_ROLE = (
    r"(?:工人|乘客|学生|初中生|小学生|中学生|高中生|大学生|孩子|少年|旅客|职工|住户|食客|顾客|驾驶员|村民|游客|儿童|群众|人员|员工|矿工|司机|行人|居民|师生|船员|消防员|民警|患者|新生儿|婴幼儿|婴儿|幼儿|老人|农民工|伴娘|伴郎|新娘|新郎|主播"
    r"|[\u4e00-\u9fff]{1,2}(?:人员|工人|民警|辅警|交警|队员|乘客|旅客|游客|学生|村民|居民|儿童|老人)|[\u4e00-\u9fff]{1,2}(?:者|员|生|工|客|民|师|农|户)|[\u4e00-\u9fff]{1,2}人)"  # 医护人员, 就餐者,
    # 施工员, 外卖员, 路人, 乘车人: a role noun; 候车乘客, 过路游客: one said with where they were (round 104); 茶农,
    # 养殖户 (round 111)
)
_WHO = rf"{_ROLE}?"
# two groups counted together (十余名主播和员工受伤, round 100): the second one named in full
_WHOS = rf"{_WHO}(?:(?:和|及|与|、){_ROLE})?"
# between who and the figure word: where or why (3名学生|在水库|溺水|死亡, 十余名学生|食物|中毒); the
# place runs over Han characters that start no other count (人, 名), negate (未受伤) or join another
# group (和, 及), so 12名专家分析死亡原因 stays no toll
_DOING_CHAR = r"(?:人民|人行道|人行横道|无人机|巡查|排查|检查井|连人带[车船]|(?![人名位未没无不非免和与及或另治抢看望慰探调查析核帮助安抚访陪悼念]|护(?!网|栏)|救(?!出|起|上)|送(?![带件餐货水奶快外]))[\u4e00-\u9fff])"
# (人民 starts no count: 在人民医院, nor does 连人带车掉进坑里, nor 无人机 negate: 放无人机时落水, round 103; a guard's
# or a lineman's rounds are what they were doing (一名保安夜间巡查时坠落, round 105), and a 检查井 is a manhole (一名巡查员
# 被冲入检查井身亡, round 106), 查 alone looks into; 治 and 看望
# end the place at a verb of caring:
# 在医院救治受伤群众; 护网 and 护栏 are things climbed over, not 护理)
_AT = r"(?:(?:在|于|因|从)(?:人民|人行道|人行横道|无人机|(?![人名位未没无不非免和与及或另治看望慰探陪悼])[\u4e00-\u9fff\d]){1,12}?)?"  # 从12楼: digits too
_HOW = r"(?:食物|溺水|煤气|一氧化碳|集体|误食(?:(?![人名位未没无不非免和与及或])[\u4e00-\u9fff]){1,4}?)?"
_FIGURE_WORD = (
    r"死|遇难|罹难|身亡|丧生|殒命|溺亡|遇害|牺牲|殉职|失踪|失联|下落不明|受伤|伤|重伤|轻伤|轻微伤|烧伤|烫伤|中毒|被困"
)
# a count read after its word must not start the next figure (3人死亡12人受伤: 12 is the injured)
# 3人死亡 5人仍失联: 5 are missing; but 死亡9人受伤30人 tells each count after its word, so the 9 are the dead
_NOT_NEXT = rf"(?!{_WHO}(?:仍然|仍|还|尚|暂)?(?:{_FIGURE_WORD})(?!\s*{_NUM}{_CNT}))"
# the count after 遇难者为 / 死者达 closes with 人 or 名, or with nothing more: 遇难者为一对母女 counts a pair, not one
_COUNTED = r"(?:" + _CNT + r"|(?![对家户批群伙帮组班]))"
# a correction (现将遇难人数更正为9人, round 111) states the figure that stands, above or below the earlier one
_CORRECTION = r"更正为|更正至|核减为|核减至|修正为|下调为|下调至"
_UP = rf"(?:已|已经|目前|现)?(?:上升至|上升到|升至|增至|增加至|增加到|达到|达|为|是|共|共计|{_CORRECTION})\s*"
_TRIGGER = re.compile(
    r"死|亡|遇难|罹难|身亡|丧生|遇害|牺牲|殉职|失踪|失联|下落不明|伤|中毒|呕吐|腹泻|腹痛|头晕|胸闷|恶心|疏散|转移|撤离|安置|受灾|受影响|被困|损失"
    r"|就医|就诊|送医|生命体征|呼吸|气息|遗体|尸体|遗骸"
)


def _person(kind: str, words: str) -> list[tuple[str, re.Pattern[str]]]:
    """'N人<word>', '<word>人数上升至N人' and '<word>N人' for one kind of figure."""
    return [
        (
            kind,
            re.compile(
                rf"{_NUM}{_CNT}{_AGE}{_WHOS}{_AT}{_HOW}(?:不幸|当场|先后|经抢救无效|送医后不治|不治|不同程度|轻重程度不同地|严重|轻微|仍然|仍|尚)?(?:{words})(?!率)"
                # 死亡9人受伤30人: a count after the word is the word's own, the one before it the previous word's
                rf"(?!\s*{_NUM}{_CNT}(?!{_WHO}(?:仍然|仍|还|尚|暂)?(?:{_FIGURE_WORD})))"
            ),
        ),
        # 死亡人数上升至15人, 中毒学生增至56人
        (kind, re.compile(rf"(?:{words})(?:人数|人员|者|{_WHO}(?:人数)?){_UP}{_NUM}{_COUNTED}")),
        (kind, re.compile(rf"(?:{words})(?:人数|人员|者)?\s*{_NUM}{_CNT}{_NOT_NEXT}")),  # 造成死亡3人、受伤5人
    ]


# 3名少年结伴下河游泳溺水身亡, 两名工人清理化粪池时溺亡, 1名工人手指受伤, 8名亲友聚餐时一氧化碳中毒: what
# they were doing (or where they were hurt, and how: `_HOW`) between who and the figure word, for the words
# that say harm befell them. The span holds no character that starts another count, a negation, a joiner, or
# a verb of caring or looking into (救治, 送, 看望, 调查, 分析: 5名医生全力救治受伤群众 is no toll; 传送带 is no
# 送医; 被救出时已无生命体征 is being got out), and the word is not followed by the people or the matter
# it qualifies (受伤群众, 遇难者, 身亡的, 死亡原因)
# what poisoned them (一氧化碳中毒身亡: the poisoning, then the end it came to)
_POISON = r"(?:一氧化碳|煤气|沼气|硫化氢|食物)"
# 3名受助人员烧炭取暖 一氧化碳中毒, 一位老人独自在家烧煤炉取暖，不幸一氧化碳中毒身亡: what they were doing, then a
# clause opening with the poisoning that befell them (round 107); a clause opening with anything else is its own
_POISONED_CLAUSE = rf"[,，](?=(?:不幸|当场)?{_POISON}中毒)"
# the poisoning between how it befell them and their end (不幸一氧化碳中毒身亡)
_POISONED = rf"(?:{_POISON}(?:中毒(?=身亡|死亡))?)?"
DOING_RUN = 16  # characters of what they were doing (凌晨在荏坪大道清扫时被小货车撞倒: 16, round 107)
_DOING = (
    # 与货车相撞: what hit them, after what they were doing (快递员送件途中与渣土车相撞身亡, 与一辆重型货车相撞身亡)
    rf"(?:{_DOING_CHAR}{{0,12}}?(?:与|和|同)(?:(?![人名位未没无不非免])[\u4e00-\u9fff]){{1,8}}?(?:相撞|碰撞|相刮)"
    rf"|{_DOING_CHAR}{{1,{DOING_RUN}}}?(?:{_POISONED_CLAUSE}{_DOING_CHAR}{{0,12}}?)?)"
)
# a death told without a death word (已无生命体征, 当场没了呼吸, 被发现时已淹死: rounds 100, 111)
_GONE = (
    r"(?:当场)?(?:已经?)?(?:(?:无|没有|失去)生命体征|没了呼吸|没有了呼吸|停止了呼吸|没了气息"
    r"|(?<!差点)(?<!险些)(?<!几乎)(?<!差一点)(?:淹死|溺死))"
)
# 一名女子不幸身亡, 一名工人当场死亡: how it befell them, right before the word (不 opens no negation here)
_LUCKLESS = r"(?:经抢救无效|抢救无效|送医后不治|不治|不幸|当场)?"
# …被卷入设备，经抢救无效死亡: the next clause tells the same person's end (the phrase is required there)
_LUCKLESS_CLAUSE = (
    r"(?:[,，](?:后|送医后|送院后|送往医院后|终因伤势过重)?(?:经抢救无效|经医院抢救无效|经全力抢救无效|抢救无效|送医后不治|医治无效)"
    # 一名走失老人在河边被发现，已无生命体征; 一名落水男子，被救上岸时已无生命体征
    r"|[,，](?:被?[\u4e00-\u9fff]{0,4}?时|发现时)?(?=" + _GONE + "))"
)
_ENDED = rf"(?:{_LUCKLESS_CLAUSE}|{_LUCKLESS})"
_QUALIFIES = r"(?![\u4e00-\u9fff]?(?:的|者|人|群众|员|工|生|司机|乘客|客|民|童|老人|患|家属|亲属|原因|事故|率))"


def _doing(kind: str, words: str) -> tuple[str, re.Pattern[str]]:
    return kind, re.compile(rf"{_NUM}{_CNT}{_AGE}{_WHOS}{_AT}{_DOING}{_HOW}{_ENDED}{_POISONED}(?:{words}){_QUALIFIES}")


# 一产妇剖宫产后死亡, 一男孩在鱼塘溺水身亡: one person, said without a measure word (the groups are
# those of `_NUM`: the count, and an empty 余/多)
# what 一 starts when it counts no one person (一线, 一方, 一批, 一些); before a word saying which one, also
# a group or a measure word (一对, 一群, 一家, 一车, 一个)
_NOT_ONE_CHARS = "线方批些带行体起次场处度直旦致样般切定同共经向边"
_NOT_ONE = rf"(?![{_NOT_ONE_CHARS}])"
_NOT_ONE_GROUP = rf"(?![{_NOT_ONE_CHARS}对群家户车村班组伙帮所座栋辆个堆片层])"
_ONE = (
    rf"(?<![\d〇零一二两三四五六七八九十百千万第同统唯单逐专])(一)()(?:名|位)?{_AGE}"
    # 一住院患者, 一七旬老人: a word saying which one
    rf"(?:{_NOT_ONE_GROUP}[\u4e00-\u9fff]{{1,2}}(?=产妇|孕妇|男子|女子|老人|患者|儿童|学生|工人|司机|村民|骑手))?"
    r"(?:产妇|孕妇|男孩|女孩|男童|女童|幼童|婴儿|男子|女子|老人|老太|老汉|少年|少女|工人|学生|骑手|司机|行人|村民|患者|儿童|妇女|男生|女生"
    # 一收费员, 一外卖员, 一厨师, 一环卫工: a role noun (not 一化工厂, 一施工现场)
    rf"|{_NOT_ONE}[\u4e00-\u9fff]{{1,2}}(?:人员|员|师)"
    r"|环卫工|清洁工|农民工|临时工|钢筋工|电焊工|装卸工|搬运工|员工|职工|矿工|船员|保安|教师|老师|民警|辅警|乘客|游客|孩子"
    # 一名外包电工在配电房检修时触电死亡: after 名 or 位 the words name one person, whatever they say
    r"|(?<=[名位岁的])(?:(?![人名位未没无不非免和与及或另在于因从])[\u4e00-\u9fff]){1,4}?人?)"
)


def _one(kind: str, words: str) -> tuple[str, re.Pattern[str]]:
    # the title's parts run together once spaces go (…后死亡 家属质疑…): only the people the word
    # qualifies right after it make it no toll (死亡的, 遇难者)
    # 一男子翻越护网闯入线路 被动车撞倒身亡 (a headline's space reads as a comma): what they did, then in the
    # next clause what befell them (被)
    befell = rf"(?:{_DOING_CHAR}{{1,12}}?[,，]被{_DOING_CHAR}{{0,8}}?)"
    return kind, re.compile(
        rf"{_ONE}{_AT}(?:{befell}|{_DOING})?(?:溺水)?{_ENDED}{_POISONED}(?:{words})(?![\u4e00-\u9fff]?(?:的|者|群众))"
    )


# 致一家三口死亡, 一家四口一氧化碳中毒: the household's size counts them; 夫妻双双遇难: both
_HOUSEHOLD = r"(一家[二两三四五六七八九]口|双双)()(?:人)?"
_HOUSEHOLD_BETWEEN = r"(?:(?![人名位未没无不非免救治看望调查])[\u4e00-\u9fff]){0,8}?"


def _household(kind: str, words: str) -> tuple[str, re.Pattern[str]]:
    return kind, re.compile(rf"{_HOUSEHOLD}{_HOUSEHOLD_BETWEEN}{_LUCKLESS}(?:{words}){_QUALIFIES}")


# 3人已无生命体征, 救出时已没有生命体征, 当场没了呼吸, 猝死: deaths told without a death word
_NO_VITALS = rf"{_GONE}|猝死"

# 砸伤5名旅客, 2名游客被挤伤: hurt, told by what hurt them
_HURT_BY = "砸伤|撞伤|摔伤|划伤|咬伤|割伤|刺伤|扎伤|踩伤|挤伤|压伤|夹伤|擦伤"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    _household(DEATHS, "死亡|身亡|溺亡|遇难|罹难|丧生|殒命"),
    _household(INJURED, "受伤|中毒|烧伤|烫伤"),
    _doing(DEATHS, f"死亡|身亡|溺亡|遇难|罹难|丧生|牺牲|殉职|{_NO_VITALS}"),
    # 23名学生午餐后出现食物中毒症状, 14名学生出现呕吐腹泻, 数十名村民头晕胸闷: the symptoms of a poisoning count
    # the poisoned
    _doing(INJURED, f"受伤|受轻伤|受重伤|烧伤|烫伤|{_HURT_BY}|中毒|呕吐|腹泻|腹痛|头晕|胸闷|恶心|送医|送院"),
    # 2名抢险队员落水失踪: what befell them before they went missing (round 106)
    _doing(MISSING, "失踪|失联|下落不明"),
    _one(DEATHS, f"死亡|身亡|溺亡|遇难|罹难|丧生|坠亡|{_NO_VITALS}"),
    # 一名外卖骑手在换电柜换电时电池爆燃被烧伤: one person hurt (round 101)
    _one(INJURED, f"受伤|受轻伤|受重伤|烧伤|烫伤|{_HURT_BY}|中毒"),
    # 伤者增至13人, 死者已达5人
    (INJURED, re.compile(rf"(?:伤者|伤员)(?:人数)?{_UP}{_NUM}{_COUNTED}")),
    (DEATHS, re.compile(rf"死者(?:人数)?{_UP}{_NUM}{_COUNTED}")),
    # 现场搜救出3具遗体: bodies found
    (DEATHS, re.compile(rf"{_NUM}具(?:遗体|尸体|遗骸)")),
    *_person(DEATHS, f"死亡|遇难|罹难|身亡|丧生|殒命|溺亡|遇害|牺牲|殉职|{_NO_VITALS}"),
    *_person(MISSING, "失踪|失联|下落不明"),
    # 8名老人送医: those taken to hospital are hurt, as `_doing`'s are (round 107: 老人 left no doing between)
    *_person(INJURED, f"受伤|受轻伤|受重伤|重伤|轻微伤|轻伤|烧伤|烫伤|{_HURT_BY}|中毒|伤亡|死伤|负伤|送医|送院"),
    # 就医学生增至58人, 送医学生增至53人: in a poisoning's follow-up, those treated are the poisoned
    (INJURED, re.compile(rf"(?:就医|就诊|送医)(?:人数|{_WHO}(?:人数)?){_UP}{_NUM}{_COUNTED}")),
    (
        AFFECTED,
        re.compile(
            rf"(?:疏散|转移|撤离|安置)(?:周边|附近|沿线|受威胁)?(?:群众|居民|人员|村民|师生|游客)?(?:约|近|超过|超|逾)?\s*{_NUM}(万)?{_CNT}"
        ),
    ),
    (AFFECTED, re.compile(rf"{_NUM}(万)?{_CNT}{_WHO}(?:被)?(?:紧急|安全)?(?:疏散|转移|撤离|受灾|受影响|被困)")),
    (LOSS, re.compile(rf"损失(?:约|达|超过|超|逾|近|高达|共计|初步估计|预计)?\s*{_NUM}\s*(万|亿)?元")),
    # 上亿元, 过亿元 (数亿元 is read above, as 数 × 亿)
    (LOSS, re.compile(r"损失(?:约|达|已|高达|共计|初步估计|预计)?\s*(上亿|过亿)()元")),
]
# 致司机及2名乘客死亡, 一名教师和3名学生受伤: one person named beside the count is one more
_WITH_ONE = (
    r"(?:司机|驾驶员|驾驶人|船长|船主|带队老师|教练|车主|店主|户主|房主|老板|(?:一名|一位)[\u4e00-\u9fff]{1,4}?)"
    r"(?:及|和|与|以及|连同)"
)
# the words a summed toll ends in (_PLUS_ONE, _PLUS_COUNT)
_SUMMED_WORDS = (
    (DEATHS, f"死亡|身亡|溺亡|遇难|罹难|丧生|{_NO_VITALS}"),
    (INJURED, "受伤|受轻伤|受重伤|重伤|轻伤|烧伤|烫伤|中毒"),
    (MISSING, "失踪|失联|下落不明"),  # 船长及5名船员出海捕捞时失联: 6 (round 107)
)
# (who they were may be said at length, as `_doing` reads it: 致司机及2名随车保洁员死亡, round 107)
_PLUS_ONE: list[tuple[str, re.Pattern[str]]] = [
    (kind, re.compile(rf"{_WITH_ONE}{_NUM}{_CNT}{_AGE}{_WHOS}{_AT}(?:{_DOING})?{_HOW}{_ENDED}(?:{words}){_QUALIFIES}"))
    for kind, words in _SUMMED_WORDS
]
# 5名工人和2名路人受伤: two counts of two groups, each named, befallen by one word, add up (round 100)
_PLUS_COUNT: list[tuple[str, re.Pattern[str]]] = [
    (
        kind,
        re.compile(
            rf"{_NUM}{_CNT}{_AGE}{_ROLE}(?:和|及|与|以及|、){_NUM}{_CNT}{_AGE}{_ROLE}{_AT}{_HOW}{_ENDED}(?:{words}){_QUALIFIES}"
        ),
    )
    for kind, words in _SUMMED_WORDS
]
# 撞倒一名行人 行人当场身亡: one person, named again without a count where the death is told
_ONE_AGAIN = re.compile(
    rf"(?<![\d〇零一二两三四五六七八九十百千万第同统唯单逐专])一(?:名|位|{_NOT_ONE_GROUP})"
    # 乘客被拖行十余米，经抢救无效死亡: what befell them again, within the clause, before their end
    rf"(?P<who>[\u4e00-\u9fff]{{2}})[^。；;]{{0,20}}?(?P=who)[^。；;，,\d]{{0,8}}?{_ENDED}"
    r"(?:死亡|身亡|遇难|罹难|殒命|丧生|溺亡|坠亡)(?![\u4e00-\u9fff]?(?:的|者|群众))"
)
# 店主被救出时已无生命体征, 货车司机当场死亡: one person, named by a role without a count, and an end only one
# person's report words so (a larger count said elsewhere is the higher figure and wins)
_ALONE = re.compile(
    r"(?:店主|车主|户主|房主|船主|老板|司机|驾驶员|驾驶人|男子|女子|老人|男孩|女孩)"
    rf"(?:被[\u4e00-\u9fff]{{0,6}}?时)?(?:{_GONE}|当场(?:死亡|身亡))"
)
_DEATH_INJURY = re.compile(rf"{_NUM}\s*死\s*{_NUM}\s*伤")  # 致1死3伤
# 致3死, 目前已知2死 (the count closing its clause)
_DEATH_SHORT = (
    re.compile(rf"(?:致|造成|导致){_NUM}\s*死(?!伤)"),
    re.compile(rf"{_NUM}\s*死(?=$|[，。、！？；,!?;])"),
)
_NEGATION = re.compile(
    r"(?:未|没有|无|并无|暂无|尚无|未发现|未有)(?:造成|发生|出现)?(?:任何)?(?:人员|人)(?:伤亡|死亡|受伤|遇难)"
    r"|(?:未|没有|无)(?:造成|发生|出现)?(?:任何)?(?:伤亡)"
)
_SENTENCES = re.compile(r"[^。！？!?；;\n]+[？?]?")  # a question keeps its mark (`_figures`)
# traditional spellings of the figure words (遇難, 受傷, 損失, 萬, 億, 三十餘人, 兩人 …) and of hearsay (網傳, 據傳): such text is
# read in simplified characters; others are left alone (the conversion is not free)
_TRADITIONAL = re.compile(r"[難傷損萬億餘兩數幾蹤聯災響轉離瀉醫網傳據聞證]")
# a space between two words of a headline (…清理鱼塘时溺亡 家属要求追责) parts its clauses like a comma,
# within one sentence (a rumour word in one clause still marks the other's figure): the first clause's
# figure word is not followed by the next clause's people (溺亡家属 would qualify them).
# A text spaced out character by character (江 城 化 工) has no two-character word beside a space.
# So does a count of people before a figure word qualifying someone (死亡人数上升至3人 失联司机遗体找到: the 3 are the
# dead, none missing; round 106).
_CLAUSE_SPACE = re.compile(
    r"(?<=[\u4e00-\u9fff]{2})[ \t\u3000\u00a0]+(?=[\u4e00-\u9fff]{2})"
    rf"|(?<=\d人)[ \t\u3000\u00a0]+(?=(?:{_FIGURE_WORD})(?:司机|人员|者|群众|乘客|旅客|游客|工人|矿工|船员|家属|亲属))"
    # and so does a count of people opening the next clause (疑似食物中毒 8名老人送医: the 8 are the next clause's, not
    # a count after 中毒; round 107)
    r"|(?<=[\u4e00-\u9fff]{2})[ \t\u3000\u00a0]+(?=\d+[名人位][\u4e00-\u9fff])"
)
# other spaces between Han characters, or a Han character and a digit (致 3 人 死 亡), are no separators
# (two numbers stay apart)
_INNER_SPACE = re.compile(
    r"(?<=[\u3400-\u9fff])[ \t\u3000\u00a0]+(?=[\u3400-\u9fff\d])|(?<=\d)[ \t\u3000\u00a0]+(?=[\u3400-\u9fff])"
)


@dataclass(frozen=True)
class Figure:
    kind: str  # DEATHS / MISSING / INJURED / AFFECTED / LOSS
    value: float  # people, or 元 for LOSS
    approx: bool = False  # 三十余人, 数十人, 多人: at least this many
    rumoured: bool = False  # stated in a sentence with 网传, 据传 … and not confirmed after it (`_rumoured`)
    phrase: str = ""  # the words it was read from


@dataclass(frozen=True)
class Facts:
    figures: tuple[Figure, ...] = ()
    negated: tuple[str, ...] = ()  # e.g. 未造成人员伤亡

    def value(self, kind: str, rumoured: bool = False) -> float:
        """The highest stated figure of `kind` (a toll 上升至 a new value wins); rumoured ones only if asked."""
        return max((f.value for f in self.figures if f.kind == kind and (rumoured or not f.rumoured)), default=0)

    @cached_property
    def band(self) -> Tier | None:
        """The official band the confirmed figures reach (the tier floor), None without figures."""
        return band_of(self.value(DEATHS) + self.value(MISSING), self.value(INJURED), self.value(LOSS))

    @cached_property
    def rumoured_band(self) -> Tier | None:
        return band_of(
            self.value(DEATHS, True) + self.value(MISSING, True), self.value(INJURED, True), self.value(LOSS, True)
        )

    def term(self, rumoured: bool = False) -> str:
        """'死亡 3 人、受伤 5 人' (confirmed figures) for the reason line."""
        parts = []
        for kind in (DEATHS, MISSING, INJURED, AFFECTED, LOSS):
            value = self.value(kind, rumoured)
            if value <= 0 or (rumoured and value == self.value(kind)):
                continue
            approx = any(f.approx and f.value == value for f in self.figures if f.kind == kind)
            parts.append(f"{LABELS[kind]} {format_value(kind, value, approx)}")
        return "、".join(parts)


def band_of(deaths: float, injured: float, loss: float) -> Tier | None:
    for tier, d, i, money in BANDS:
        if deaths >= d or injured >= i or loss >= money:
            return tier
    return None


def format_value(kind: str, value: float, approx: bool = False) -> str:
    more = "≥" if approx else ""  # 三十余人, 数十人, 多人: at least
    if kind == LOSS:
        if value >= 1e8:
            return f"{more}{value / 1e8:g} 亿元"
        if value >= 1e4:
            return f"{more}{value / 1e4:g} 万元"
        return f"{more}{value:g} 元"
    return f"{more}{value:g} 人"


_TERM = re.compile(r"(死亡|失踪|受伤) ≥?(\d+(?:\.\d+)?) 人")


def stated_tolls(reason: str) -> dict[str, float]:
    """The figures a reason line (written by `Facts.term`) states, for 'toll 3 → 12' upgrades."""
    kinds = {label: kind for kind, label in LABELS.items()}
    found: dict[str, float] = {}
    for label, value in _TERM.findall(reason.split("网传")[0]):
        kind = kinds[label]
        found[kind] = max(found.get(kind, 0), float(value))
    return found


def extract(*texts: str) -> Facts:
    """The figures stated in `texts` (title, body …)."""
    figures: list[Figure] = []
    negated: list[str] = []
    for text in texts:
        text = readable(text) if text else ""
        if not _TRIGGER.search(text):  # read first: 5 人 失 踪, 遇難 carry their words only then
            continue
        for sentence in _SENTENCES.findall(text):
            if not _TRIGGER.search(sentence):
                continue
            negated += [m.group(0) for m in _NEGATION.finditer(sentence)]
            figures += _figures(sentence)
    # a corrected figure replaces whatever else its text says of its kind (此前通报…为11人…现更正为9人)
    corrected = {f.kind for f in figures if _CORRECTED.search(f.phrase)}
    figures = [f for f in figures if f.kind not in corrected or _CORRECTED.search(f.phrase)]
    return Facts(tuple(dict.fromkeys(figures)), tuple(dict.fromkeys(negated)))


_CORRECTED = re.compile(_CORRECTION)


# a text with a space between every few words (柞港 镇 榛岙村 6 名 村民 一氧化碳 中毒) is spaced word by word: its
# spaces part no clauses (round 101). Runs between spaces this short on average, and this many spaces, say so; a
# headline's clauses (…时溺亡 家属要求追责) run longer
_WORD_RUN = 3.5
_WORD_SPACES = 3
_SPACES = re.compile(r"[ \t\u3000\u00a0]+")


def _spaced_by_word(text: str) -> bool:
    runs = [run for run in _SPACES.split(text) if run]
    return len(runs) > _WORD_SPACES and sum(map(len, runs)) / len(runs) <= _WORD_RUN


def readable(text: str) -> str:
    """`text` as the patterns read it: half-width digits, simplified characters, a space between
    two words a comma (unless every word is spaced so), no other spaces inside a run of Han characters
    and digits."""
    if not _spaced_by_word(text):
        text = _CLAUSE_SPACE.sub("，", text)
    text = _INNER_SPACE.sub("", text.translate(_DIGITS))
    if _TRADITIONAL.search(text):
        text = simplified(text)
    return text


# who confirms a figure after a rumour in the same sentence (有网友称…，镇政府工作人员说目前确认2人受伤): not
# the negated forms, which RUMOUR reads as rumour (未经证实, 有待核实)
_CONFIRMED = re.compile(
    r"(?<![未经待获])(?:确认|证实)|通报|(?:官方|警方|政府)(?:称|表示|说)|经核实|记者核实|核实[:：]|确有"
)


_CLAUSE_BREAK = re.compile(r"[，,：:]")
# who spreads a rumour, marking the whole sentence (not how sure it is: 疑似, 未经证实 qualify their own
# clause, or the sentence they open)
_SOURCE = re.compile(r"网传|据传|传言|网曝|传闻|有?网友|小道消息")


# a later clause about the other claims (官方通报2人死亡，其余说法未经核实): the figure before it is not one of them
_OTHER_CLAIMS = re.compile(r"其余|其他|其它")


def _clause_start(sentence: str, at: int) -> int:
    """Where the clause holding position `at` begins."""
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(sentence, 0, at)]
    return breaks[-1] if breaks else 0


def _rumoured(sentence: str, marks: list[re.Match[str]], at: int) -> bool:
    """Is the figure at `at` rumoured: a rumour word (`marks`, RUMOUR's in the sentence) in its
    sentence, unless someone confirms the figure between the last rumour word before it and the figure?"""
    # a source (网传) marks the sentence, and so does a qualifier opening it (疑似…列车相撞 上百人受伤); one
    # inside it (食堂疑似食物中毒) only its own clause, not 十余名学生送医 after it
    before = [
        mark
        for mark in marks
        if mark.start() < at
        and (_SOURCE.match(mark.group(0)) or mark.start() == 0 or not _CLAUSE_BREAK.search(sentence, mark.end(), at))
    ]
    if not before:
        # 3人死亡的说法系网传: a rumour word after it, in its clause; one opening a later clause
        # (爆炸致1人受伤，网传多人死亡系谣言) tells a rumour of its own
        return any(
            (sentence[mark.start() - 1 : mark.start()] not in "，," or not _SOURCE.match(mark.group(0)))
            and not _OTHER_CLAIMS.match(sentence, _clause_start(sentence, mark.start()))
            for mark in marks
            if mark.start() >= at
        )
    return _CONFIRMED.search(sentence, before[-1].end(), at) is None


def hearsay_at(text: str, start: int) -> bool:
    """Does position `start` of `text` stand in a rumoured sentence (有网友在群里称…遇难的远不止通报的数字), read as a
    figure there would be (`_rumoured`)?"""
    for found in _SENTENCES.finditer(text):
        if found.start() <= start < found.end():
            sentence = readable(found.group(0))
            return _rumoured(sentence, list(RUMOUR.finditer(sentence)), len(readable(text[found.start() : start])))
    return False


def _figures(sentence: str) -> list[Figure]:
    marks = list(RUMOUR.finditer(sentence))
    asked = sentence.endswith(("？", "?"))

    def hearsay(m: re.Match[str]) -> bool:
        """Rumoured (`_rumoured`), or asked: the figure's clause ends the question (爆炸已致10人死亡？),
        not 爆炸致10人死亡，谁之过？"""
        return _rumoured(sentence, marks, m.start()) or (asked and not _CLAUSE_BREAK.search(sentence, m.end()))

    out = []
    for m in _DEATH_INJURY.finditer(sentence):
        for kind, (num, more) in ((DEATHS, m.group(1, 2)), (INJURED, m.group(3, 4))):
            if (read := number(num, more)) is not None and read[0] > 0:
                out.append(Figure(kind, read[0], read[1], hearsay(m), m.group(0)))
    for m in (m for pattern in _DEATH_SHORT for m in pattern.finditer(sentence)):
        if (read := number(m.group(1), m.group(2))) is not None and read[0] > 0:
            out.append(Figure(DEATHS, read[0], read[1], hearsay(m), m.group(0)))
    for m in (*_ONE_AGAIN.finditer(sentence), *_ALONE.finditer(sentence)):
        out.append(Figure(DEATHS, 1.0, False, hearsay(m), m.group(0)))
    for kind, pattern in _PLUS_ONE:
        for m in pattern.finditer(sentence):
            if (read := number(m.group(1), m.group(2))) is not None and read[0] > 0:
                value = read[0] + 1
                out.append(Figure(kind, value, read[1], hearsay(m), m.group(0)))
    for kind, pattern in _PLUS_COUNT:
        for m in pattern.finditer(sentence):
            first, second = number(m.group(1), m.group(2)), number(m.group(3), m.group(4))
            if first is not None and second is not None and first[0] > 0 and second[0] > 0:
                out.append(Figure(kind, first[0] + second[0], first[1] or second[1], hearsay(m), m.group(0)))
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(sentence):
            read = number(m.group(1), m.group(2))
            if read is None or read[0] <= 0:
                continue
            value, approx = read
            scale = m.group(3) if pattern.groups >= 3 else None
            if scale:
                value *= {"万": 1e4, "亿": 1e8}[scale]
            out.append(Figure(kind, value, approx, hearsay(m), m.group(0).strip()))
    return out


def number(text: str, more: str | None = None) -> tuple[float, bool] | None:
    """'15' → 15, '三十' + '余' → (30, approx), '两' → 2, '数十' → (20, approx); None if unreadable."""
    approx = bool(more)
    if text == "双双":
        return 2.0, False
    if text.startswith("一家") and text.endswith("口"):  # 一家三口
        text = text[2:-1]
    if text in _VAGUE:
        return float(_VAGUE[text]), True
    if text[0].isdigit():
        try:
            return float(text), approx
        except ValueError:
            return None
    value = chinese_int(text)
    return (float(value), approx) if value is not None else None


def chinese_int(text: str) -> int | None:
    """Chinese numerals below 10,000: 十 → 10, 十五 → 15, 二十三 → 23, 一百零五 → 105, 两 → 2."""
    total, digit = 0, None
    for ch in text:
        if ch in _CN_DIGIT:
            if digit is not None and ch not in "零〇":
                return None  # '三三' is not a number we read
            digit = _CN_DIGIT[ch] if ch not in "零〇" else None
        elif ch in _CN_UNIT:
            total += (digit if digit is not None else 1) * _CN_UNIT[ch]
            digit = None
        else:
            return None
    return total + (digit or 0)
