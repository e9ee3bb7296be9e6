"""A leading cadre named by post, not by name: 市国资委主任被举报受贿, 国资委陈主任收受贿赂.

The scheme's `leaders:` list names people; an item often says only the post of the subject's head,
and an analyst still files it under 涉及领导干部. The post must follow the subject hit in the title
and its holder must be what the headline is about (被举报, 涉嫌, 收受 …): 局长回应爆炸 is an
answer, not an accusation.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.models import Hit, Item

POSTS = (
    "一把手|主要负责人|领导干部|领导|党委书记|党组书记|书记|主任|副主任|局长|副局长|董事长|副董事长|总经理|副总经理|院长|副院长|校长|副校长"
    "|区长|县长|市长|镇长|乡长|厅长|总裁|行长|主席"  # not 处长, 科长, 所长: staff, not the subject's head (but see UNIT_HEADS)
)
# common family names, leaving out those that begin everyday words after a post (局长高度重视, 主任应该, 书记和…):
# a name right after a post starts with one of these (总经理夏明远, 副局长甘霖舟; not 领导子女, 主任喝多了)
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾肖董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆"
    "汪范廖贾夏韦付傅方邹孟熊秦邱尹薛闫段雷侯陶黎贺顾毛郝龚邵钱严覃武戴莫孔汤温施樊葛邢乔伍庞颜倪庄聂章鲁岳翟"
    "殷詹申欧耿兰焦俞左柳甘祝包宁符舒阮柯纪梅童凌毕季裴霍涂苗谷盛曲翁冉骆蓝辛靳柴蒙鲍喻祁蒲房滕屈饶牟艾尤穆卓"
    "缪简娄窦戚岑费卜冷晏席卫米柏宗瞿桂佟臧闵苟邬卞姬栾隋刁巫寇桑郎甄丛仲虞敖巩佘池麻迟邝"
)
# the head of a unit named by its kind (戒毒所 → 所长, 渔政支队 → 支队长, 检察院 → 检察长): the subject's own head,
# though the same post elsewhere is staff (a bureau's 所长 heads one of its stations)
UNIT_HEADS = {
    "所": "所长",
    "队": "队长",
    "站": "站长",
    "厂": "厂长",
    "馆": "馆长",
    "园": "园长",
    "庭": "庭长",
    "场": "场长",
    "段": "段长",  # a railway's 车务段, 工务段, 客运段 (round 99)
}
# a branch company is headed by its 经理 (供电分公司副经理被举报, round 111), a company by its 总经理 (in POSTS)
_OWN_HEADS = {"检察院": "检察长", "分公司": "经理"}


@lru_cache(maxsize=16)
def _cadre(posts: str) -> re.Pattern[str]:
    """The post right after the subject (原, 副, a name or 某 between), then what befell its holder."""
    return re.compile(
        rf"(?:原|前|时任)?(?:(?!一)[\u4e00-\u9fff]{{1,3}}?(?:某|某某)?)??(?P<post>{posts})(?:[\u4e00-\u9fff]{{1,3}}?|[\u4e00-\u9fff]某)?"
        r"(?=被|遭|涉嫌|涉|收受|索要|索贿|受贿|贪污|挪用|违规|违纪|严重违纪|接受(?:纪律)?审查|落马|失联|被查)"
    )


# a report named before the subject whose post follows it (网友实名举报樗川星野文旅公司副总经理…): the post's holder is
# the one reported, however the headline goes on (round 104)
_REPORTED_BEFORE = re.compile(r"(?:举报|检举|控告)$")


@lru_cache(maxsize=16)
def _post_after(posts: str) -> re.Pattern[str]:
    """The post right after the subject, 原 or 前 between."""
    return re.compile(rf"(?:原|前)?(?P<post>{posts})")


def head_of(subject: str) -> str:
    """The post of a unit's own head told by its kind (鸣川戒毒所: 所长), or ''."""
    own = next((post for kind, post in _OWN_HEADS.items() if subject.endswith(kind)), "")
    return own or UNIT_HEADS.get(subject[-1:], "")


def cadre_post(item: Item, hits: list[Hit]) -> str:
    """The post ('主任') of a subject's leading cadre the title is about, or ''."""
    for hit in hits:
        if hit.group == "subject" and hit.field == "title":
            own = head_of(hit.word)
            posts = f"{own}|{POSTS}" if own else POSTS
            found = _cadre(posts).match(item.title, hit.end)
            if found is None and _REPORTED_BEFORE.search(item.title, 0, hit.start):
                found = _post_after(posts).match(item.title, hit.end)
            if found:
                return found.group("post")
    return ""
