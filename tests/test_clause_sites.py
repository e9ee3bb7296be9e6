"""Sites read within their clause (issue #12, item 7; thirteenth round): canonical text keeps a CLAUSE
mark where a clause ended, so 「家属认为，医院…」 names no hospital called 属认为; words that describe a
place (附近医院, 在建项目) and one-character kinds inside a longer name (澄湖市, 山路) name no site."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.analysis.judge import Judge
from bot.analysis.leadcode import _tables, decode, encode
from bot.analysis.story import (
    CLAUSE,
    FEATURES,
    TITLE_END,
    canonical,
    features,
    places,
    plain,
    sites,
    stored_lead,
    story,
)
from bot.config import AnalysisConfig
from bot.models import Item


def test_clause_marks_stand_where_clauses_ended_and_plain_removes_them() -> None:
    text = "大巴翻车，1,200人受阻。医院：已收治!"
    marked = canonical(text, with_clauses=True)
    assert marked == f"大巴翻车{CLAUSE}1200人受阻{CLAUSE}医院{CLAUSE}已收治{CLAUSE}"
    assert plain(marked) == canonical(text)
    assert canonical(text) == "大巴翻车1200人受阻医院已收治"  # the default form is unchanged


@pytest.mark.parametrize(
    ("text", "misread"),
    [
        ("应急部门赶赴现场，工地已停工", "赴现场"),
        ("家属情绪激动，医院称将配合调查", "绪激动"),
        ("两家人近日向医院提出索赔，医院表示正在调取病历", "索赔"),
        ("学校已封闭操场，伤者已送往市中心医院，学校表示将配合调查", "心医院"),
    ],
)
def test_a_sites_name_does_not_reach_back_over_a_clause_end(text: str, misread: str) -> None:
    assert misread in {name for names in sites(canonical(text)).values() for name in names}  # read plain
    found = sites(canonical(text, with_clauses=True))
    assert misread not in {name for names in found.values() for name in names}


@pytest.mark.parametrize(
    "text",
    [
        "今天中午澄湖市学生呕吐",  # 湖 in a city's name: no lake called 午澄
        "上午9时许清河镇一民房起火",  # 河 in a town's name
        "已送往附近医院救治",
        "全区在建项目暂停塔吊作业",
        "涉事学校已停课",
        "听跑山路的朋友说翻车了",
        "多条公交线路停运",
        "两人落水送医院抢救",
    ],
)
def test_descriptions_and_names_containing_a_kind_name_no_site(text: str) -> None:
    assert sites(canonical(text, with_clauses=True)) == {}


def test_named_sites_are_still_read() -> None:
    found = sites(canonical("伤者被送往仁和医院，建设路双向封闭，桂香小区居民疏散", with_clauses=True))
    assert found == {"venue": frozenset({"仁和"}), "road": frozenset({"建设"}), "estate": frozenset({"桂香"})}
    assert sites(canonical("今天中午澄湖市第七中学学生呕吐", with_clauses=True)) == {"school": frozenset({"第七"})}


HOSPITAL = (
    "泷溪县人民医院一产妇术后死亡 家属质疑医疗过错"
    + TITLE_END
    + "11月29日，32岁产妇林某在泷溪县人民医院剖宫产术后大出血，经抢救无效死亡。家属情绪激动，医院称已封存病历。"
)
RETOLD = (
    "县医院剖腹产把人弄没了"
    + TITLE_END
    + "我们村林家媳妇前天在县医院剖腹产，说大出血，晚上人就走了。今天一大家子都在门诊楼前面坐等，医院就说等鉴定"
)


def test_a_retelling_is_no_longer_set_apart_by_sites_read_across_clauses() -> None:
    apart = FEATURES.index("sites_apart")
    read_plain = features(stored_lead(canonical(HOSPITAL)), story(canonical(RETOLD)))
    assert (
        read_plain[apart] == 1.0
    )  # 绪激动 and 面坐等: two 'hospitals' neither names (坐着 ends a name since round 106)
    marked = features(stored_lead(canonical(HOSPITAL, with_clauses=True)), story(canonical(RETOLD, with_clauses=True)))
    assert marked[apart] == 0.0
    # every other feature reads the text plain: only the site features may differ
    sites_features = {FEATURES.index(name) for name in ("site_same", "site_other", "sites_apart", "retold")}
    assert [v for i, v in enumerate(marked) if i not in sites_features] == [
        v for i, v in enumerate(read_plain) if i not in sites_features
    ]


def test_the_index_keeps_the_marks_and_hands_out_plain_leads() -> None:
    judge = Judge([], [], analysis=AnalysisConfig())
    item = Item(
        source_id="news",
        title="泷溪县人民医院一产妇术后死亡 家属质疑医疗过错",
        text=HOSPITAL.partition(TITLE_END)[2],
        url="https://example.org/1",
        fetched_at=datetime(2026, 12, 1, 8, 0, tzinfo=UTC),
    )
    kept = judge.remember(item, "I-1")
    assert kept is not None and CLAUSE in kept["lead"]
    assert all(CLAUSE not in lead for lead in judge.leads("I-1"))
    assert judge.leads("I-1")[0] == plain(kept["lead"])


def test_the_clause_mark_costs_one_code_and_keeps_the_older_codes() -> None:
    text = f"医院{CLAUSE}已收治"
    packed, used = encode(text, 16)
    assert used == len(text) and decode(packed, used) == text
    to_code, _ = _tables()
    assert int(to_code[ord(CLAUSE)]) == int(to_code.max())  # added after every earlier character


@pytest.mark.parametrize(
    "text",
    [
        "石渠镇一烟花爆竹仓库爆炸",  # "a fireworks warehouse": what it is, not its name
        "石渠镇一处烟花爆竹仓库突然发生爆炸",
        "我家离石渠镇那个炮仗仓库不远",  # "that firecracker warehouse": a retelling describes it otherwise
        "滨江新城一在建住宅项目工地塔吊倒塌",
        "江州市一老旧小区楼道起火",
        "这家面馆后厨起火",
        "离我们那就两里地",  # a distance, no estate called 就两里
        "城区多家药店缺货",  # 家 after a measure or a household: no name 家药
        "他回老家村口摆摊",
    ],
)
def test_a_place_introduced_by_a_or_that_is_described_not_named(text: str) -> None:
    assert sites(canonical(text, with_clauses=True)) == {}


@pytest.mark.parametrize(
    ("text", "kind", "name"),
    [
        ("一名男子在桂香小区门口摔倒", "estate", "桂香"),  # the "a" belongs to the man, a clause word stands between
        ("那个桂香小区又停水了", "estate", "桂香"),  # "that" before an estate's name: still its name
        ("一辆货车在建设路侧翻", "road", "建设"),
        ("一男子在东港码头落水", "venue", "东港"),
        ("椴岭县姚家塝村五十多户农户", "estate", "姚家塝"),  # 家 after a surname is inside the name
        ("一辆货车在张家湾路口侧翻", "road", "张家湾"),
        ("接送卯山、柞岭两村学生的校车取消了", "estate", "柞岭"),  # 两村 counts the villages
    ],
)
def test_names_after_a_or_that_are_still_read(text: str, kind: str, name: str) -> None:
    assert name in sites(canonical(text, with_clauses=True)).get(kind, frozenset())


def test_a_retelling_describing_the_place_otherwise_is_not_told_apart_by_its_site() -> None:
    first = (
        "石渠镇一烟花爆竹仓库爆炸1人死亡"
        + TITLE_END
        + "今天下午3点左右石渠镇一处烟花爆竹仓库突然发生爆炸，目前已知1人死亡。"
    )
    told = "石渠镇炮仗仓库炸了" + TITLE_END + "我家离石渠镇那个炮仗仓库就两里地，下午轰的一声，玻璃都震裂了。"
    values = dict(zip(FEATURES, features(stored_lead(canonical(first, True)), story(canonical(told))), strict=True))
    assert values["sites_apart"] == 0.0
    assert values["site_other"] == 0.0
    # two named works are still apart
    named = "石渠镇红光烟花厂爆炸" + TITLE_END + "石渠镇红光烟花厂今天下午发生爆炸。"
    other = "石渠镇东风鞭炮厂起火" + TITLE_END + "石渠镇东风鞭炮厂今天傍晚起火。"
    values = dict(zip(FEATURES, features(stored_lead(canonical(named, True)), story(canonical(other))), strict=True))
    assert values["sites_apart"] == 1.0


@pytest.mark.parametrize(
    ("text", "misread"),
    [
        ("今年大旱，不少群众饮水困难。县应急管理局已调来送水车", "困难"),  # 困难。县 is no county called 困难
        ("井都干涸，县里说要派车送水", "干涸"),  # (干了 is no place at all since round 96: 了 ends no name)
    ],
)
def test_places_of_a_story_are_read_within_clauses(text: str, misread: str) -> None:
    assert misread in places(canonical(text))  # read plain, the clause end is lost
    assert misread not in story(canonical(text, with_clauses=True)).places
    assert "江州" in story(canonical("江州市一工地塔吊倒塌，县应急局赶到", with_clauses=True)).places


@pytest.mark.parametrize(
    "text",
    [
        "这个视频里推人的是城管吧",  # 视频里: inside a video, no estate called 视频
        "一千多块的月饼盒里就六个月饼",
        "电池包进水短路引发自燃",  # 短路, 之路, 迷路: words ending in 路, no road
        "这是孩子上学的必经之路",
        "两人在后山迷路被困一夜",
        "大雾天今天过江上班迟到了",  # 过江: crossing the river, no river called 今天过
        "来电人是死者同村村民",  # 同村: of the same village
    ],
)
def test_a_kind_character_ending_a_common_word_names_no_site(text: str) -> None:
    assert sites(canonical(text, with_clauses=True)) == {}


LISTED = (
    f"蔟桥街道多个小区深夜飘刺鼻异味{TITLE_END}连续一个多星期，每到夜里11点以后，蔟桥街道澄园、绿荫里、景和花园几个小区"
    "就飘来一股像烧塑料又带点酸臭的异味。"
)


@pytest.mark.parametrize(
    ("ticket", "apart"),
    [
        ("12345工单：蔟桥街道澄园小区夜间异味扰民", 0.0),  # a member of the stored list of estates
        ("12345工单：蔟桥街道桂馨小区夜间异味扰民", 1.0),  # an estate the stored story does not name
    ],
)
def test_a_name_in_a_list_of_sites_of_one_kind_is_a_site_of_it(ticket: str, apart: float) -> None:
    """澄园、绿荫里、景和花园几个小区 names the estate 澄园 too (round 110): a ticket about 澄园小区 is not set apart
    from that story by its site; 桂馨小区, which the list does not hold, still is."""
    lead = stored_lead(canonical(LISTED, with_clauses=True))
    query = story(canonical(f"{ticket}{TITLE_END}", with_clauses=True))
    assert features(lead, query)[FEATURES.index("sites_apart")] == apart
