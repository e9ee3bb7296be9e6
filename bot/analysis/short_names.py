"""How people call a subject or a leader in speech: 鸥湾市第一中学 is 一中, 浔阳区人民医院 is 区医院, the
leader 向海宁 is 向院长. Read by the repost score (bot.analysis.story: a retelling keeps the story's subject
under its short name) and by the matcher (an item calling a subject only by its short name may retell a
story already told under the full one)."""

from __future__ import annotations

import re
from functools import lru_cache

# how a retelling calls a person by surname and office (向院长, 夏总, 曲副总, 葛局): the office words' first
# characters (总 stands for 总经理 and 总监, 局 for 局长, 处 for 处长)
_OFFICE = "院长 局 处 总 老总 书记 主任 校长 董事长 科长 所长 镇长 县长 市长 区长 厂长 经理 主席 部长 队长 站长 行长 社长 馆长 园长 会长"
_ADDRESS = re.compile("副?(?:" + "|".join(_OFFICE.split()) + ")")


def addressed(name: str, text: str) -> bool:
    """Is the person `name` (three or two characters) called by surname and office in `text`?"""
    if len(name) < 2:
        return False
    at = text.find(name[0])
    while at >= 0:
        if _ADDRESS.match(text, at + 1) and not text.startswith(name, at):
            return True
        at = text.find(name[0], at + 1)
    return False


# How people shorten an organisation's name (鸥湾市第一中学 → 一中, 浔阳区人民医院 → 区医院, 鹊山水务集团 →
# 水务, 蒲溪纸业公司 → 纸厂): the place or brand dropped, the legal form dropped, the kind said plainly.
LEVELS = "省市县区镇乡"  # administrative levels that end a place name (浔阳区, 澄湖市)
_ORG_PLACE = re.compile(rf"^.{{1,4}}?[{LEVELS}](?=.{{2}})")
_ORG_FORM = re.compile(r"(?:股份有限公司|有限责任公司|有限公司|集团公司|集团|公司|总公司|股份)$")
# a branch named by its place (岳讯通信杞川分公司, 安禾财险蕺州中心支公司, 农商银行北坪支行): people call it by the
# parent's kind (通信, 财险), as they call the parent; not 通信杞川分 (round 101)
_BRANCH = re.compile(r"(?:[\u4e00-\u9fff]{2}(?:中心)?)?(?:[分支]公司|分行|支行)$")
_ORG_PLAIN = (
    (re.compile(r"第([一二三四五六七八九十]{1,2})中学$"), r"\1中"),
    (re.compile(r"第([一二三四五六七八九十]{1,2})小学$"), r"\1小"),
    (re.compile(r"人民医院$"), "医院"),
    (re.compile(r"管理局$"), "局"),
    (re.compile(r"监督管理局$"), "监管局"),
    (re.compile(r"([纸米钢铝铜煤糖酒茶陶药])业$"), r"\1厂"),
)
# a festival, fair or race named by its place, its theme and its kind: people say the place and the kind
_GATHERING = re.compile(r"(?:音乐节|文化节|艺术节|美食节|啤酒节|旅游节|灯会|庙会|马拉松|博览会|运动会|展销会)$")
_TOO_PLAIN = frozenset(str.split("医院 人民医院 中学 小学 学校 公司 集团 工厂 政府 局 委 办 物业 超市 酒店 商场 银行"))


@lru_cache(maxsize=4096)
def aliases(name: str) -> frozenset[str]:
    """Short forms of an organisation's name people use in speech (not the name itself)."""
    found: set[str] = set()
    level = _ORG_PLACE.match(name)
    if level:  # 浔阳区人民医院: 人民医院 and 区人民医院
        cores = [name[level.end() :], name[level.end() - 1 :]]
    else:  # 鹊山水务集团: a place or brand of two characters first (市国资委 starts with none)
        cores = [name[2:]] if len(name) >= 4 and name[0] not in LEVELS else []
    if (kind := _GATHERING.search(name, BRAND + 1)) is not None and not _ORG_PLACE.match(name):
        found.add(name[:BRAND] + kind.group())  # 蓖港渔火音乐节 is 蓖港音乐节 (round 105)
    for core in cores:
        parent = _BRANCH.sub("", core)
        core = parent if len(parent) >= 2 else core
        while _ORG_FORM.search(core[1:]):
            core = _ORG_FORM.sub("", core)
        for form in (core, *(pattern.sub(plain, core) for pattern, plain in _ORG_PLAIN)):
            if len(form) >= 2 and form not in _TOO_PLAIN and form != name:
                found.add(form)
    return frozenset(found)


# what a firm's name says after its brand (锟程汽车零部件公司, 晟璟电子, 绮纶纺织, 绿垄合作社): people call such a firm
# by its brand alone (在锟程上夜班, 绮纶又不发工资了); an office, a school or a hospital (泰川机场, 鹊山医院) starts
# with its place instead
_FIRM = re.compile(
    r"公司|集团|股份|合作社|电子|纺织|食品|能源|科技|物流|快递|速运|快运|地产|置业|化工|制药|药业|人力|汽车|机械|电器"
    r"|材料|矿业|铝业|钢铁|实业|纸业|酒业|乳业|服饰|商贸|贸易|农业|牧业|种业|生物"
    # consumer services (round 100): 在浪岛玩, 声浪那边打起来了, 蔻丽非让充值
    r"|乐园|KTV|ktv|密室|剧本杀|美发|美容|医美|健身|装饰|家政|摄影|婚纱|宠物|游泳馆|月子|酒吧|影城|影楼"
    # telecoms and the internet (round 101): 曜联的机房着了, 被星垣裁掉
    r"|通信|移动|电信|数据|网络|传媒"
)
BRAND = 2  # characters of a firm's brand


def brand(name: str) -> str:
    """The brand a firm's name starts with (锟程 of 锟程汽车零部件公司), or '': none before an administrative
    level (浔阳区人民医院) or a name that is not a firm's. Whether it names the firm alone is for the caller to
    say (a place name starting several subjects, 江城建工集团 and 江城水务集团, names none of them)."""
    if len(name) < 4 or name[0] in LEVELS or _ORG_PLACE.match(name) or not _FIRM.search(name, BRAND):
        return ""
    head = name[:BRAND]
    return head if re.fullmatch(r"[\u4e00-\u9fff]{2}", head) and head not in _TOO_PLAIN else ""


def abbreviates(short: str, full: str) -> bool:
    """`short` is `full` with words left out between its first two characters and its last (裕丰批发市场 for
    裕丰农副产品批发市场, 荞坪粮库 for 荞坪国家粮食储备库): a scheme listing both names one organisation twice."""
    if len(short) < 4 or len(full) <= len(short) or short[:2] != full[:2] or short[-1] != full[-1]:
        return False
    at = 2
    for ch in short[2:-1]:
        at = full.find(ch, at, len(full) - 1)
        if at < 0:
            return False
        at += 1
    return True
