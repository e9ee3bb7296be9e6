"""Word boundaries: a scheme word found inside a longer word is not a hit.

The automaton finds substrings, so 王建国际酒店 contains the leader 王建国 and
望江州城投资有限公司 contains 江州城投. For a hit of a subject, leader, region or
event word, the few characters around it are segmented (jieba's dictionary,
plus the scheme words at a low frequency and the schemes' `dictionary:` words
at a high one, in jieba's max-probability route without HMM); the hit stands
when no word of that route straddles either of its edges. Rules on top:

- a subject followed by an organisation suffix (有限公司, 集团, 股份, 分公司 …) is a
  legal-name extension and stands (江城建工集团有限公司 for 江城建工集团), and so does a
  region followed by an administrative suffix (江城市, 江城镇, 临川区);
- a subject or leader followed by a place suffix (路, 街, 大道, 桥 …) is a street
  name, not the organisation or person (江城建工路); so is a region followed by a
  street suffix (蘅皋路: a street named after a place is often elsewhere);
- a word straddling the right edge may extend the hit's own last word (江城地铁站,
  江州公交车, 霁川自来水厂: a head noun with a unit's suffix), never cut into it (江州城投资,
  浙江州公交通卡) or make it another thing (霁川自来水笔);
- a leader inside a longer word that starts with the name is another person, a name
  running on into a lone character that joins the next ones (张伟|东, 陈立新|闻: 新闻) is
  not there, and a leader whose last character starts a firm's word (阎秋实业, 王建国际)
  names the firm; an event word may sit inside a longer word (拖欠工资, 核爆炸), but not in
  a derived noun of another kind (爆炸性新闻, 死亡率, 污染物), nor after a word of prevention
  (防溺水, 防止欠薪, 反腐败, 根治欠薪), nor before a hazard, a warning, a plan or a place to
  report (事故隐患排查, 事故多发路段, 典型事故案例, 投诉热线);
- punctuation and spaces are edges (王建国（局长）, 江城 建工); in text spaced out
  character by character (王 建 国) spaces are not.

Only hits of schemes that would otherwise match are checked, so unmatched items
never pay; jieba's dictionary is loaded once per process, on first use.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path

from bot.analysis.cadres import POSTS
from bot.analysis.normalize import simplified, variants

CONTEXT = 4  # characters looked at on each side of a hit
SCHEME_WORD_FREQ = 5  # low: a scheme word is a unit only where the neighbours don't form better words
DICTIONARY_FREQ = 5_000  # `dictionary:` words: as common as everyday words, they win their span
ORG_SUFFIXES = (
    "有限公司",
    "有限责任",
    "股份",
    "分公司",
    "子公司",
    "总公司",
    "公司",
    "集团",
    "控股",
    "分局",
    "支队",
    "大队",
)
ADMIN_SUFFIXES = ("省", "市", "区", "县", "州", "旗", "镇", "乡", "村", "街道", "城区", "新区")  # 江城市, 临川区
# streets, also as jieba reads a street with where on it (蔟桥|路上, round 110)
PLACE_SUFFIXES = frozenset(
    {
        "路",
        "街",
        "大街",
        "大道",
        "巷",
        "弄",
        "桥",
        "大桥",
        "路口",
        "路段",
        "隧道",
        "路上",
        "路边",
        "路旁",
        "街上",
        "街头",
    }
)
# a region followed by one of these names a street (蘅皋路), not the region; a bridge or tunnel named after
# a place (蘅皋大桥) is usually in it
STREET_SUFFIXES = PLACE_SUFFIXES - {"桥", "大桥", "隧道"}
# what an organisation builds or runs (a tunnel, a bridge), not a street named after it (round 100) ...
WORKS_SUFFIXES = frozenset({"桥", "大桥", "隧道"})
# ... after a name ending as an office or a unit does (工程局, 车务段, 管理处)
OFFICE_ENDS = frozenset("局段处院所")
# one character that makes an organisation's last word the name of its unit or vehicle (地铁站, 公交车,
# 自来水厂): the hit still names the organisation
HEAD_SUFFIXES = frozenset("站车厂司局所院场处队店部线港馆点楼办组科室中心")
# words a firm's name is built of (阎秋|实业, 王建|国际, 张|伟业): a person's name running into one is the firm's
FIRM_WORDS = frozenset(
    [
        "实业",
        "置业",
        "国际",
        "科技",
        "商贸",
        "贸易",
        "物流",
        "投资",
        "控股",
        "地产",
        "置地",
        "传媒",
        "酒店",
        "伟业",
        "兴业",
        "宏业",
        # trades a firm is named after (夏明远|洋 → 夏明远洋捕捞船队, 王建|电子 → 王建电子厂)
        "远洋",
        "海运",
        "航运",
        "渔业",
        "水产",
        "电子",
        "医药",
        "能源",
        "环保",
        "建材",
        "餐饮",
        "服饰",
    ]
)
# FIRM_WORDS that are verbs or trades as often as firms' names (张伟投资的项目, 王局长环保督察): after a
# whole name they name a firm only when a firm's suffix follows (钱弘毅投资公司)
VERB_LIKE_FIRM_WORDS = frozenset(["投资", "贸易", "酒店", "能源", "环保", "餐饮", "医药"])


def _names_firm(word: str, rest: str) -> bool:
    """Does `word`, right after a whole person's name, make the name a firm's (钱弘毅实业, 王建国际集团)?"""
    if word not in FIRM_WORDS:
        return False
    return word not in VERB_LIKE_FIRM_WORDS or rest.startswith(ORG_SUFFIXES)


COMMON_PART = 100  # a word this common compounded with a name's last word (机场|跑道) is a part of the named place
EVERYDAY_FREQ = 1_000  # a jieba word this common (四周, 森林) holds on to its characters
# what follows a person's name: particles, prepositions, conjunctions, one-character verbs
# (张伟说, 张伟在, 张伟作报告, 张伟系…), the case (张伟案), 之 (张伟之子); any other lone character makes a
# longer name (张伟东) or joins a word (陈立新|闻: 新闻, 陈立新|村)
AFTER_NAME = frozenset(
    "的地得了着过是在和与及跟同对向从为被把将让给由于以因等说称讲问答道表任兼作出到来去回赴率带就也都又还已曾再便才即要会能可应需均亦请案系之"
)
# an event word that begins a noun of another kind is not the event: a property (爆炸性新闻), a rate
# (死亡率下降), a substance (污染物排放数据); 拖欠工资, 投诉人, 死亡人数 stay the event
DERIVED_SUFFIXES = ("性", "率", "物", "式")  # 爆炸式增长: a manner
# an event word before these is a hazard, a place or season where it is frequent, a warning or a plan, not an
# event that happened (事故隐患排查, 事故多发路段, 事故警示教育, 火灾防范, 溺水预防, 应急预案, 典型事故案例), or
# where to report one (投诉热线, 举报电话)
NOT_HAPPENED_SUFFIXES = (
    *("隐患", "多发", "易发", "高发", "警示", "防范", "预防", "预案", "防控", "典型", "案例"),
    *("热线", "电话", "渠道", "信箱", "邮箱"),
    "风险",  # 存在爆炸风险: a risk, not an event
)
# a death word after animals or plants (下游鱼类死亡, 生猪大量死亡) tells no one's death; so it does with when
# between (数千斤鱼一夜之间接连死亡, round 106)
_NOT_HUMAN_BEFORE = re.compile(
    r"(?:鱼|鱼类|鱼虾|鱼苗|家禽|牲畜|生猪|猪|羊|牛|鸡|鸭|鹅|蜜蜂|蜂群|树木|苗木|庄稼|植物|动物|宠物|候鸟)"
    r"(?:子|儿)?"  # 鸭子, 鸡儿 (round 111)
    r"(?:一夜之间|一夜间|一夜|一晚|几天内|数天内|数日内|短时间内)?"
    r"(?:大量|大面积|成批|批量|陆续|集中|相继|接连|先后|突然)?$"
)
# a feeling likened to the event (第一次见面就有触电的感觉, 触电般的心动): no event happened
FIGURATIVE_SUFFIXES = ("的感觉", "般的", "般地", "一般的感觉", "似的感觉")
DEATH_FORMS = frozenset({"死亡", "死"})
# a machine burnt out (水泵电机先后烧毁, 压缩机烧毁) is a breakdown, not a fire (round 106)
_MACHINE_BEFORE = re.compile(r"(?:电机|马达|压缩机|保险丝|线圈|泵)(?:先后|均|都|全部|已经|已|被)?$")
BURNT_OUT_FORMS = frozenset({"烧毁"})
# a person named right after one of these is one of the public (市民陈立新, 网友张伟): a leader's namesake
COMMONERS = (
    *("市民", "村民", "居民", "网友", "乘客", "业主", "家长", "患者", "车主", "租户", "旅客", "游客", "顾客"),
    *("农民工", "工人", "职工", "学生", "老人", "男子", "女子", "来电人", "投诉人", "举报人", "当事人"),
)
# an organisation named as a landmark for another party's place (江城化工集团附近一民房爆炸, 对面的加油站, 对面的一家
# 海鲜饭店, 对面的一家汽修厂 / 烧烤店: what kind of place may come first): the story is that place's, not the organisation's
_LANDMARK = re.compile(
    # the organisation's own station or shop may come between, named without a verb or a count (恒旭石油宝丰路加油站
    # 对面的一家烧烤店, round 100; not 江城公交集团一辆公交车在加油站附近的小区门口起火: the bus is the story); so may
    # its own building or gate (曜储能源办公楼对面的一家烧烤店, round 101; 分拨中心对面, 乐园正门对面, round 104)
    r"(?:(?:(?![在的了是被把从到往向一辆个])[\u4e00-\u9fff]){0,6}?"
    r"(?:加油站|加气站|营业厅|营业部|门店|网点|分部|分公司|站|店|库|厂|楼|大厦|园区|厂区|中心|大门|门口|[正侧后东西南北]门))?"
    r"(?:附近|对面|斜对面|隔壁|旁边|不远处)的?(?:一|一家|一处|一座|一栋|一间|一个)?"
    r"[\u4e00-\u9fff]{0,2}?(?:民房|民宅|居民楼|住宅楼|小区|加油站|加气站|餐馆|饭店|餐厅|饭馆|商铺|门店|商店|超市|网吧|酒吧|出租屋|工厂|厂房|企业|公司|学校|医院|农家乐|民宿|客栈|店|厂|馆)"
)
# further than CONTEXT reaches, before an event word: what is guarded against, with its grade between
# (坚决遏制重特大事故, 严防较大以上事故, 防范各类安全事故)
_GUARDED_BEFORE = re.compile(
    r"(?:防止|防范|预防|杜绝|遏制|严防|严控|减少)(?:重特大|重大|较大|较大以上|各类|一切|群死群伤|生产安全|安全生产|安全)+$"
    # or with what it would befall between (警惕冷库火灾, 防范电动车火灾, 预防一氧化碳中毒): a short object, no verb of
    # its happening (防范不到位发生火灾 is a fire)
    r"|(?:防止|防范|预防|杜绝|严防|警惕|谨防)(?:(?!发生|导致|造成|引发|引起|出现)[^\W\d_不了着过的])[^\W\d_不了着过的]{0,3}$"
)
# a kind noun after the kind of event guarded against (杜绝爆炸事故, 防范各类火灾事故, 减少交通事故): the
# guard reaches over that word to the noun
_GUARDED_KIND_BEFORE = re.compile(
    r"(?:防止|防范|预防|杜绝|遏制|严防|严控|减少)(?:重特大|重大|较大|较大以上|各类|一切|群死群伤|生产安全|安全生产|安全)*"
    r"[\u4e00-\u9fff]{2,4}$"
)
# further than CONTEXT reaches, after an event word (and its kind noun): an anniversary remembers a
# story (爆炸事故十周年), a course or a drill prepares for one (交通事故应急处置培训); neither reports one
_NOT_REPORTED_AFTER = re.compile(
    r"(?:事故|事件)?(?:[\d一二三四五六七八九十百]+周年"
    r"|(?:应急|安全|防范|救援|处置|处理|知识|逃生|自救){1,3}(?:培训|演练|讲座|课堂|知识竞赛))"
)
# 防 and a short object right before an event word that a campaign's word follows (防高处坠落专项检查,
# 防溺水安全教育): what is guarded against (round 100); not the fire service's 消防
# a longer object (防一氧化碳中毒宣传, round 110) only after a 防 that no word before it takes (国防, 人防, 堤防)
_GUARD_WORD_BEFORE = re.compile(r"(?<!消)防[\u4e00-\u9fff]{1,2}$|(?<![消国边人堤海空联布设攻])防[\u4e00-\u9fff]{3,4}$")
_CAMPAIGN = re.compile(r"(?:事故|事件)?(?:专项|宣传|教育|检查|排查|整治|培训|演练|知识|措施|提示|提醒|安全|工作)")
KIND_NOUNS = ("事故", "事件")  # 爆炸事故典型案例: the event word, its kind noun, then the suffix
# an event word after these is what is guarded against, not what happened (防溺水安全教育, 防止欠薪, 反腐败,
# 防范欠薪宣传, 根治欠薪工作);
# 消防 is the fire service, not prevention (消防火灾调查)
PREVENTION_PREFIXES = ("防", "防止", "反", "防范", "预防", "根治", "杜绝", "遏制", "警惕")
NOT_PREVENTION = ("消防",)
# livestock dying (上千只蛋鸡接连死亡, 生猪大量死亡; round 102): no person's death, whatever the scheme's 死亡 is for
_ANIMALS_BEFORE = re.compile(
    r"(?:猪|鸡|鸭|鹅|鱼|牛|羊|禽|畜|兔|蜂|虾|蟹|鱼苗|牲口)(?:群|苗|子|儿)?(?:接连|陆续|大量|大批|成批|相继|集中|突然|先后|离奇)?$"
)
_DEATH_WORDS = ("死亡", "病死", "死了")
_POST = re.compile(POSTS)  # a leading cadre's post right after an organisation (党委书记, 局长)
KINDS = {"subject": "org", "leader": "person", "region": "place", "event": "event"}
_CACHE_SIZE = 20_000


_LOCK = threading.Lock()
_BASE: list[tuple[dict[str, int], float]] = []


MODERN_FILE = Path(__file__).resolve().parent.parent / "data" / "modern_words.txt"
MODERN_FREQUENCY = 2000  # of about 60 million: an everyday word, neither rare nor a proper name


def modern_words() -> list[str]:
    """Everyday words of today's local news that jieba's dictionary lacks or counts as rare (网约车, 外卖,
    电动车): bot/data/modern_words.txt, written for this project."""
    lines = MODERN_FILE.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def jieba_dictionary() -> tuple[dict[str, int], int]:
    """jieba's own word frequencies (dict.txt, with its zero-frequency prefixes) and their total."""
    freq: dict[str, int] = {}
    total = 0
    with (resources.files("jieba") / "dict.txt").open("rb") as lines:
        for line in lines:
            word_bytes, count = line.split(b" ", 2)[:2]
            word = word_bytes.decode("utf-8")
            freq[word] = int(count)
            total += int(count)
            for i in range(1, len(word)):
                freq.setdefault(word[:i], 0)
    return freq, total


def base_dictionary() -> tuple[dict[str, int], float]:
    """jieba's word frequencies (with its zero-frequency prefixes) and today's everyday words
    (`modern_words`), and log(total).

    Read from jieba's dict.txt line by line rather than through a Tokenizer, whose cache load
    is one ~1 s call holding the GIL: a loop lets the event loop run while a thread loads it
    (bot.app.warm_up), so leases and chats keep their beat. Global jieba stays untouched."""
    if not _BASE:
        with _LOCK:
            if not _BASE:
                freq, total = jieba_dictionary()
                for word in modern_words():
                    total += max(0, MODERN_FREQUENCY - freq.get(word, 0))
                    freq[word] = max(freq.get(word, 0), MODERN_FREQUENCY)
                    for i in range(1, len(word)):
                        freq.setdefault(word[:i], 0)
                _BASE.append((freq, math.log(total)))
    return _BASE[0]


def _spans(tokens: list[str]) -> list[tuple[int, int]]:
    spans, at = [], 0
    for token in tokens:
        spans.append((at, at + len(token)))
        at += len(token)
    return spans


def _is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def _is_ascii_word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


class Boundaries:
    """Decides whether a hit is a word of its own; one per Matcher (its words, its dictionary)."""

    def __init__(self, scheme_forms: Iterable[str], dictionary: Iterable[str] = ()) -> None:
        """`scheme_forms`: the matching forms (bot.analysis.normalize.variants) of the words
        checked; `dictionary`: extra words as configured."""
        self.overlay: dict[str, int] = {}
        self.extra: dict[str, int] = {}  # the `dictionary:` words alone, for the reading without scheme words
        for form in scheme_forms:
            self._add(self.overlay, form, SCHEME_WORD_FREQ)
        for word in dictionary:
            for form in variants(word):
                self._add(self.overlay, form, DICTIONARY_FREQ)
                self._add(self.extra, form, DICTIONARY_FREQ)
        self._cache: dict[tuple[str, int, int, str], bool] = {}

    @staticmethod
    def _add(overlay: dict[str, int], form: str, freq: int) -> None:
        form = simplified(form)
        for i in range(1, len(form)):
            overlay.setdefault(form[:i], 0)  # prefixes keep the DAG walk going, as in jieba
        overlay[form] = max(freq, overlay.get(form, 0))

    def prepare(self) -> None:
        """Load jieba's dictionary now (~2 s) instead of on the first matched item."""
        base_dictionary()

    def stands(self, text: str, normal: str, where: list[int], start: int, end: int, group: str) -> bool:
        """True if normal[start:end] (a hit; `where` maps normal to `text` positions) is a word
        of its own in `text`, for a word of `group` (subject / leader / region / event)."""
        kind = KINDS.get(group)
        if kind is None:
            return True
        spaced = any(text[where[k] + 1 : where[k + 1]].isspace() for k in range(start, end - 1))
        lo = start
        while lo > 0 and start - lo < CONTEXT and self._joined(text, normal, where, lo - 1, spaced):
            lo -= 1
        hi = end
        while hi < len(normal) and hi - end < CONTEXT and self._joined(text, normal, where, hi - 1, spaced):
            hi += 1
        if kind == "event" and self._not_reported(text, normal, where, start, end):
            return False
        if kind == "org" and _LANDMARK.match(normal, end):
            return False
        if (
            kind == "person"
            and normal.endswith(COMMONERS, 0, start)
            and not text[where[start - 1] + 1 : where[start]].strip()
        ):
            # 市民陈立新投诉…: a namesake among the public, not the leader (网友：邬振海… is what netizens say of him)
            return False
        if kind == "event" and normal[start:end] in DEATH_FORMS and _NOT_HUMAN_BEFORE.search(normal, 0, start):
            return False
        if kind == "event" and normal[start:end] in BURNT_OUT_FORMS and _MACHINE_BEFORE.search(normal, 0, start):
            return False
        if start > 0 and self._latin_run(text, normal, where, start - 1):
            return False  # ABC inside xABC
        if end < len(normal) and self._latin_run(text, normal, where, end - 1):
            return False  # ABC inside ABCD
        return self.check(normal[lo:hi], start - lo, end - lo, kind)

    @staticmethod
    def _not_reported(text: str, normal: str, where: list[int], start: int, end: int) -> bool:
        """An anniversary or a course right after the event word, or a guard with the grade it keeps
        off right before it, in one run of text (爆炸 20周年厂庆取消 is an explosion)."""
        found = _NOT_REPORTED_AFTER.match(normal, end)
        if found is not None and where[found.end() - 1] - where[end - 1] == found.end() - end:
            return True
        if _GUARD_WORD_BEFORE.search(normal, max(0, start - 6), start) and _CAMPAIGN.match(normal, end):
            return True  # 防高处坠落专项检查: a campaign against the event, the guard and a short object before it
        guard = _GUARDED_BEFORE.search(normal, max(0, start - 12), start)
        if guard is None and normal[start:end] in KIND_NOUNS:
            guard = _GUARDED_KIND_BEFORE.search(normal, max(0, start - 14), start)
        return guard is not None and where[start] - where[guard.start()] == start - guard.start()

    @staticmethod
    def _latin_run(text: str, normal: str, where: list[int], j: int) -> bool:
        """True if normal[j] and normal[j + 1] are letters or digits of one Latin word."""
        return _is_ascii_word(normal[j]) and _is_ascii_word(normal[j + 1]) and where[j + 1] - where[j] == 1

    @staticmethod
    def _joined(text: str, normal: str, where: list[int], j: int, spaced: bool) -> bool:
        """True if normal[j] and normal[j + 1] belong to one run of text (no punctuation or
        space between them in the original, both Han characters)."""
        if not (_is_han(normal[j]) and _is_han(normal[j + 1])):
            return False
        gap = text[where[j] + 1 : where[j + 1]]
        return not gap or (spaced and gap.isspace())

    def check(self, window: str, start: int, end: int, kind: str) -> bool:
        """The rules of the module docstring on one window of normalised text."""
        if start == 0 and end == len(window):
            return True
        key = (window, start, end, kind)
        if (known := self._cache.get(key)) is None:
            known = self._decide(simplified(window), start, end, kind)
            if len(self._cache) >= _CACHE_SIZE:
                self._cache.clear()
            self._cache[key] = known
        return known

    def _decide(self, window: str, start: int, end: int, kind: str) -> bool:
        spans = _spans(self.route(window))
        for a, b in spans:
            # a word straddles the left edge (核爆炸 for 爆炸 is still an explosion)
            if a < start < b and not (kind == "event" and b >= end):
                return False
            # ... unless what is guarded against is that word (防食物中毒宣传 for 中毒)
            if a < start < b and kind == "event" and _guards(window[:a]):
                return False
        rest = window[end:]
        if (kind == "org" and rest.startswith(ORG_SUFFIXES)) or (kind == "place" and rest.startswith(ADMIN_SUFFIXES)):
            return True
        if kind == "org" and _POST.match(rest):
            return True  # 桦沟镇党委|书记 (党委书记 is one word): the subject's own cadre, by post
        if kind == "event" and rest.startswith(("性", "式")):
            return False  # 爆炸性新闻, 爆炸式增长
        if kind == "event" and rest.startswith(FIGURATIVE_SUFFIXES):
            return False  # 触电的感觉, 触电般: a figure of speech (round 111)
        if kind == "event" and window[start:end] in _DEATH_WORDS and _ANIMALS_BEFORE.search(window[:start]):
            return False  # 蛋鸡接连死亡
        if kind == "event" and (
            rest.startswith(NOT_HAPPENED_SUFFIXES)
            or (rest.startswith(KIND_NOUNS) and rest[2:].startswith(NOT_HAPPENED_SUFFIXES))
        ):
            return False  # 事故隐患排查, 事故多发路段, 爆炸事故典型案例
        if kind == "event" and window[:start].endswith(PREVENTION_PREFIXES):
            return not _guards(window[:start])  # 防溺水 is prevention, 消防 the fire service
        for a, b in spans:
            if a < end < b:  # a word straddles the right edge
                if a > start:
                    # 王建国|际: 国际 starts inside the hit. But 江城地铁|站 (地铁站) extends the
                    # hit's own last word (地铁) by one character, as a head noun takes a suffix:
                    # that stands (not so 江州公交|通卡, the transit card)
                    return kind in ("org", "place") and self._compound(window, start, end, a, b)
                # 拖欠工资, 江城区: the hit begins a longer word of the same thing; not so a longer
                # name (张伟业 for 张伟) or a derived noun (爆炸性, 死亡率, 污染物)
                return kind != "person" and not window[a:b].endswith(DERIVED_SUFFIXES)
            if (
                a == end
                and kind != "event"
                and window[a:b] in (STREET_SUFFIXES if kind == "place" else PLACE_SUFFIXES)
                and not (kind == "org" and window[start:end].endswith(ORG_SUFFIXES))
                and not (kind == "org" and window[a:b] in WORKS_SUFFIXES and window[end - 1] in OFFICE_ENDS)
            ):
                # 江城建工路; a region's 蘅皋路 (a street named after it, often elsewhere); not a full firm's
                # name (江城建工集团|隧道透水: the firm's tunnel), nor an office's tunnel or bridge (茴港铁建工程局|隧道塌方)
                return False
            if a == end and kind == "person" and _names_firm(window[a:b], window[b:]):
                return False  # 钱弘毅实业: a firm named after the person
        if kind in ("org", "person"):
            # read without the scheme words (they are rare, so a name can win its span against
            # everyday words): a word of the text that starts inside the name and runs past it
            # (临川城|投诉量, 临川建|工程质量, 江州公|交通卡, 阎秋实|业公司) shows the name is not there;
            # an organisation's last word may take a head suffix (江城地铁|站, 霁川自来水|厂), not
            # become another thing (霁川自来水|笔: a fountain pen)
            for a, b in _spans(self.route(window, plain=True, extra=True)):
                if not start < a < end < b:
                    continue
                if kind == "person":
                    # a person's last character may start any word (刘志成|为, 李明|天): only a firm's
                    # name built on it (阎秋实业公司, 张伟业集团) shows the person is not there
                    word = window[a:b]
                    if word.endswith(ORG_SUFFIXES) or word in FIRM_WORDS or window[b:].startswith(ORG_SUFFIXES):
                        return False
                elif not self._compound(window, start, end, a, b, HEAD_SUFFIXES):
                    return False
        return kind != "person" or self._own_name(window, start, end)

    def _own_name(self, window: str, start: int, end: int) -> bool:
        """False when the name's edges belong to other words: its surname ends an everyday word
        (四周|海涛 for 周海涛, 森林|晓峰 for 林晓峰), or a two-character name runs on into a
        third given-name character (张伟东 for 张伟) rather than a particle, preposition or verb."""
        freq, _ = base_dictionary()
        if start > 0 and freq.get(window[start - 1 : start + 1], 0) >= EVERYDAY_FREQ:
            return False
        if end - start in (2, 3) and end < len(window) and _is_han(window[end]):
            first = self.route(window[end:], plain=True, extra=True)[0]  # 张伟|东|来电: 东 stands alone
            # a three-character name is whole: a lone character after it is another name's only where it
            # joins the name's last into a word (陈立新|闻: 新闻, 陈立新|村); else it is a verb (滕玉珍收红包, 邬振海管的局)
            joins = end - start == 2 or freq.get(window[end - 1 : end + 1], 0) > 0
            if len(first) == 1 and first not in AFTER_NAME and joins:
                return False
        return True

    def _compound(self, window: str, start: int, end: int, a: int, b: int, heads: frozenset[str] | None = None) -> bool:
        """The word window[a:b] straddling the hit's right edge is the hit's own last word compounded: with a head
        suffix (江城地铁|站; any character unless `heads` says which) or with a common word of its own, the compound
        rarer than either part (棣川机场|跑道, round 103: jieba lists 机场跑道, 3 against 机场 7,741 and 跑道 357). Not a
        `dictionary:` word (公交通卡), nor a compound with a rare word (燃气灶具: 灶具 19), a thing of its own."""
        if not self._extends_last_word(window[start:end], a - start):
            return False
        if b - end == 1:
            return heads is None or window[end] in heads
        compound, rest = window[a:b], window[end:b]
        if compound in self.extra:
            return False
        freq = base_dictionary()[0]
        parts = (freq.get(window[a:end], 0), freq.get(rest, 0))
        return min(parts) >= COMMON_PART and freq.get(compound, 0) < min(parts)

    def _extends_last_word(self, word: str, at: int) -> bool:
        """True if `word` on its own segments into words whose last, of two characters or more,
        begins at `at` (江城|地铁 at 2: yes; 江州|城|投 at 3: no, 投 is no word)."""
        parts = self.route(word, plain=True)
        return len(parts[-1]) > 1 and len(word) - len(parts[-1]) == at

    def route(self, text: str, plain: bool = False, extra: bool = False) -> list[str]:
        """jieba's max-probability segmentation (no HMM) over its dictionary plus ours
        (`plain`: jieba's dictionary only, `extra`: with the `dictionary:` words)."""
        freq, log_total = base_dictionary()
        overlay: dict[str, int] = (self.extra if extra else {}) if plain else self.overlay
        n = len(text)

        def frequency(word: str) -> int | None:
            mine, theirs = overlay.get(word), freq.get(word)
            if mine is None and theirs is None:
                return None
            return max(mine or 0, theirs or 0)

        dag: list[list[int]] = []
        for k in range(n):
            ends, i = [], k
            while i < n and (f := frequency(text[k : i + 1])) is not None:
                if f:
                    ends.append(i)
                i += 1
            dag.append(ends or [k])
        best: list[tuple[float, int]] = [(0.0, 0)] * (n + 1)
        for k in range(n - 1, -1, -1):
            best[k] = max((math.log(frequency(text[k : x + 1]) or 1) - log_total + best[x + 1][0], x) for x in dag[k])
        out, k = [], 0
        while k < n:
            stop = best[k][1] + 1
            out.append(text[k:stop])
            k = stop
        return out


RARE_FREQ = 50  # a jieba word rarer than this, or one it does not know, reads as a proper name
# characters that, standing alone, are grammar (negation, particles, prepositions), never part of a name
_GRAMMAR = frozenset("的了是在和与及也就都而着为把被从对向将这那其之以于们有无不没未很又再已还吗呢吧啊")


@lru_cache(maxsize=1)
def _plain() -> Boundaries:
    return Boundaries(())


def _guards(before: str) -> bool:
    """The text before an event word ends in a prevention prefix (防, 防止, 反) that is not 消防's."""
    return before.endswith(PREVENTION_PREFIXES) and not before.endswith(NOT_PREVENTION)


def plain_words(text: str) -> list[str]:
    """jieba's reading of a simplified text (bot.analysis.story.canonical) with its own dictionary
    only (no scheme words, no HMM)."""
    return _plain().route(text, plain=True)


def proper_name(run: str) -> bool:
    """True if `run` holds a word jieba hardly knows (鸿运|鞋厂, 桂园, 沿江路) or a stretch it can
    only cut into single characters (an unknown name), rather than everyday words only
    (公交车, 化工厂, 工地|发生)."""
    freq, _ = base_dictionary()
    tokens = _plain().route(simplified(run), plain=True)
    singles = 0
    for token in tokens:
        # a grammar word breaks a stretch of single characters: 一分|没|赔 is speech, not a name
        singles = singles + 1 if len(token) == 1 and token not in _GRAMMAR else 0
        if singles >= 2 or (len(token) > 1 and freq.get(token, 0) < RARE_FREQ):
            return True
    return False
