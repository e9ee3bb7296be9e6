"""Repost merging: MinHash candidates, the story score on the stored lead, the index."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from bot.analysis.judge import Judge
from bot.analysis.similarity import (
    NAME_KEYS,
    RARE_KEYS,
    SITE_KEYS,
    SLOTS,
    SUBJECT_KEYS,
    SimilarityIndex,
    content_key,
    minutes,
    signature,
    similarity,
)
from bot.analysis.story import (
    LEAD_CHARS,
    TITLE_END,
    canonical,
    events,
    figures,
    places,
    score,
    stored_lead,
    story,
    title_names,
)
from bot.config import AnalysisConfig, SchemeConfig
from bot.models import Item

BUS = SchemeConfig(
    name="市交通运输局",
    subjects=["临川市交通运输局", "市交通运输局", "临川公交集团", "周海涛"],
    events={"翻车": 4, "死亡": 5, "受贿": 3, "拖欠": 3},
)
TITLE = "临川公交集团一公交车在滨江路侧翻致3人受伤"
STORY = (
    "11月28日7时40分许，临川公交集团一辆12路公交车在滨江路与建设路交叉口侧翻，车上3名乘客受伤被送往"
    "市第一人民医院救治，暂无生命危险。事故原因正在调查中。"
)
T0 = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)


def item(title: str, text: str, key: str, at: datetime = T0) -> Item:
    return Item("site", f"http://site/{key}", title, text, fetched_at=at)


@pytest.fixture
def judge() -> Judge:
    judge = Judge([BUS], analysis=AnalysisConfig())
    assert judge.remember(item(TITLE, STORY, "first"), "YQ-1") is not None
    return judge


def test_a_new_headline_and_a_source_line_still_merge(judge: Judge) -> None:
    repost = item("早高峰惊魂！临川12路公交车路口侧翻", "（来源：临川日报）" + STORY, "r1")
    assert judge.similar(repost) == "YQ-1"


def test_a_trimmed_repost_in_traditional_script_with_spaces_merges(judge: Judge) -> None:
    repost = item(
        "轉載：臨川公交集團一公交車在濱江路側翻",
        "11月28日7時40分許，臨川 公交集團一輛12路公交車在濱江路與建設路交叉口側翻，車上3名乘客受傷",
        "r2",
    )
    assert judge.similar(repost) == "YQ-1"


def test_a_figure_update_merges(judge: Judge) -> None:
    update = item(
        "临川公交侧翻事故伤者增至5人",
        "11月28日7时40分许，临川公交集团一辆12路公交车在滨江路与建设路交叉口侧翻。记者从医院获悉，"
        "受伤人数已增至5人，其中1人伤势较重，其余4名乘客暂无生命危险。事故原因正在调查中。",
        "r3",
    )
    assert judge.similar(update) == "YQ-1"


def test_a_reworded_lead_merges(judge: Judge) -> None:
    reworded = item(
        "临川一公交车侧翻 三名乘客受伤",
        "28日早上7点40分左右，一辆隶属临川公交集团的12路公交车行驶至滨江路、建设路路口时发生侧翻，"
        "车内3名乘客受伤，已被送至市第一人民医院，目前无生命危险，事故原因仍在调查。",
        "r4",
    )
    assert judge.similar(reworded) == "YQ-1"


def test_two_stories_about_one_bureau_on_one_day_stay_apart() -> None:
    judge = Judge([BUS], analysis=AnalysisConfig())
    judge.remember(
        item("临川市交通运输局副局长周海涛被举报受贿", "网友实名举报临川市交通运输局副局长周海涛收受贿赂80万元。", "a"),
        "YQ-1",
    )
    other = item(
        "临川市交通运输局副局长周海涛出席安全生产会议",
        "临川市交通运输局副局长周海涛今日出席全市安全生产工作会议。",
        "b",
    )
    assert judge.similar(other) is None
    unpaid = item("临川公交集团被曝拖欠司机工资", "多名临川公交集团司机反映，公司已拖欠工资3个月，多次讨要未果。", "c")
    judge.remember(item(TITLE, STORY, "first"), "YQ-2")
    assert judge.similar(unpaid) is None


def test_two_news_flashes_about_one_hospital_stay_apart_without_any_scheme() -> None:
    """No scheme names the hospital: the run common to both headlines is taken for its name."""
    judge = Judge([], analysis=AnalysisConfig())
    judge.remember(item("临川市第一人民医院被指乱收费", "临川市第一人民医院被患者家属投诉乱收费。", "a"), "YQ-1")
    other = item("临川市第一人民医院发生医疗纠纷", "临川市第一人民医院今日发生一起医疗纠纷，患者家属聚集。", "b")
    assert judge.similar(other) is None
    repost = item("乱收费？临川一院被投诉", "据网友爆料，临川市第一人民医院被患者家属投诉乱收费。", "c")
    assert judge.similar(repost) == "YQ-1"


def test_two_notices_of_one_bureau_sharing_boilerplate_stay_apart() -> None:
    """Official notices repeat whole sentences; headlines sharing only the bureau's name mark two pieces of news."""
    judge = Judge([], analysis=AnalysisConfig())
    tail = "临川市应急管理局提醒广大市民，发现安全隐患请及时拨打12350举报。"
    fireworks = (
        "据临川市应急管理局通报，11月29日，执法人员在东湖区一民房内查获非法储存的烟花爆竹约300箱，当事人已被依法处理。"
    )
    judge.remember(item("临川市应急管理局通报一起烟花爆竹非法储存案件", fireworks + tail, "a"), "YQ-1")
    dust = (
        "据临川市应急管理局通报，11月29日，执法人员在检查中发现临川宏远木业公司除尘系统存在粉尘爆炸隐患，"
        "已责令停产整改并处罚款5万元。"
    )
    assert judge.similar(item("临川市应急管理局通报一起工贸企业粉尘爆炸隐患", dust + tail, "b")) is None
    assert judge.similar(item("东湖区民房藏300箱烟花爆竹被查", "【临川发布】" + fireworks, "c")) == "YQ-1"


def test_another_kind_of_accident_in_the_same_city_with_the_same_toll_stays_apart() -> None:
    judge = Judge([], analysis=AnalysisConfig())
    bus = item(
        "临川市交通运输局：滨江路公交翻车致3人死亡",
        "今晨7时，临川公交集团一辆公交车在滨江路翻车，造成3人死亡、10余人受伤。",
        "a",
    )
    judge.remember(bus, "YQ-1")
    gas = item("临川一餐馆燃气爆炸 致3人受伤", "今天中午，临川市东湖区一餐馆发生燃气爆炸，造成3人受伤，无人死亡。", "b")
    assert judge.similar(gas) is None
    assert events(canonical("公交车侧翻后起火")) == {"交通事故", "火灾爆炸"}


def test_a_shared_toll_is_no_specific_figure_and_two_groups_explosions_stay_apart() -> None:
    """A toll has its own features (toll_same): counted again as a specific figure, two flashes of one
    template about two groups' explosions with the same toll merged, and the second I alert was lost."""
    from bot.analysis.story import FEATURES, features, stored_lead

    scheme = SchemeConfig(name="集团", subjects=["东平化工集团", "东平建工集团"], events={"爆炸": 5, "死亡": 5})
    judge = Judge([scheme], analysis=AnalysisConfig())
    first = (
        "东平化工集团城关罐区发生爆炸 已致31人死亡",
        "东平化工集团城关罐区发生爆炸 已致31人死亡，现场情况仍在核实。",
    )
    judge.remember(item(*first, "a"), "YQ-1")
    other = (
        "东平建工集团青山工地锅炉发生爆炸 已致31人死亡",
        "东平建工集团青山工地锅炉发生爆炸 已致31人死亡，现场情况仍在核实。",
    )
    assert judge.similar(item(*other, "b")) is None
    specific = FEATURES.index("specific")
    lead = stored_lead(canonical(f"{first[0]}{TITLE_END}{first[1]}"))
    assert features(lead, story(canonical(f"{other[0]}{TITLE_END}{other[1]}")))[specific] == 0.0
    # a figure of the story's own (a pipe of 800 mm, 86万元) still is one
    pipe = stored_lead(canonical(f"供水主管爆裂{TITLE_END}一根直径800毫米的供水主管爆裂，3人受伤。"))
    told = story(canonical(f"主管爆了{TITLE_END}听说800毫米的主管爆了"))
    assert features(pipe, told)[specific] == 1.0


def test_the_same_kind_of_accident_elsewhere_stays_apart(judge: Judge) -> None:
    elsewhere = item(
        "江州一公交车在人民路侧翻致2人受伤",
        "11月28日17时许，江州市一辆3路公交车在人民路与解放路交叉口侧翻，车上2名乘客受伤被送往江州市中心医院，"
        "伤情稳定。交警部门已介入调查。",
        "x",
    )
    assert judge.similar(elsewhere) is None


def test_the_score_weighs_text_figures_and_places() -> None:
    lead = canonical(TITLE + STORY)[:LEAD_CHARS]
    same = score(lead, story(canonical("转载：" + TITLE + STORY)))
    assert same > 0.95  # all text and all figures shared: a probability near 1
    fewer_figures = canonical(TITLE + STORY).replace("12路", "35路").replace("7时40分", "9时15分")
    assert score(lead, story(fewer_figures)) < same
    elsewhere = canonical(TITLE + STORY).replace("临川公交集团", "云岭县公交公司")
    assert score(lead, story(elsewhere)) < score(lead, story(canonical(TITLE + STORY)))
    assert figures(canonical("11月28日7时40分，三十余人中有两人受伤，一名")) == {7, 40, 30, 2}
    assert figures(canonical("水价由每吨2.1元调至2.6元，数百名居民")) == {2.1, 2.6}  # no 21, no bare 百
    assert places(canonical("江州市一辆公交车在云岭县侧翻")) == {"江州", "云岭"}


@pytest.mark.parametrize(
    "text",
    [
        "下午在芃溪镇菜市场买菜",  # 菜市场, 超市, 上市, 节省: words in 市/省, no place
        "一家超市门口排起长队",
        "该公司去年在港股上市",
        "为了节省成本",
        "我同学是市二院急诊的医生",  # 是, 说 end a verb right before 市
        "听说市场监管的人今天去了",
        "菡塘镇市场监管所已封存留样",  # the town's office, not a city called 塘镇
        "昨晚市场监管的人去了中心厨房",  # 早市, 晚市: a time word before 市 is no city
        "伤者已送县医院救治",  # a verb's end before 县 (送, 转, 离, 出 …)
        "村子在半山离县城还有四十里",
    ],
)
def test_words_ending_in_a_level_name_no_place(text: str) -> None:
    assert places(canonical(text)) == frozenset()


def test_a_city_before_its_market_office_is_still_a_place() -> None:
    assert places(canonical("蘩阳市场监管局通报")) == {"蘩阳"}
    assert places(canonical("岐湾市芃溪镇化工物流园")) == {"岐湾"}
    assert places(canonical("成都市、江门市、盐城市和攀枝花市")) == {"成都", "江门", "盐城", "枝花"}
    # a long run common to both headlines is taken for a name: it does not count as shared story
    assert title_names("临川市第一人民医院被指乱收费", "临川市第一人民医院发生医疗纠纷") == {
        "临川",
        "川市",
        "市第",
        "第一",
        "一人",
        "人民",
        "民医",
        "医院",
    }
    assert title_names("公交车侧翻", "化工厂爆炸") == frozenset()
    stored = canonical(f"临川市第一人民医院被指乱收费{TITLE_END}临川市第一人民医院被患者家属投诉乱收费。")
    other = canonical(
        f"临川市第一人民医院发生医疗纠纷{TITLE_END}临川市第一人民医院今日发生一起医疗纠纷，患者家属聚集。"
    )
    assert score(stored, story(other)) < 0.3


def test_signature_ignores_width_punctuation_and_script_and_is_stable() -> None:
    assert np.array_equal(signature("江城化工集团，仓库发生爆炸！"), signature("江城化工集團 倉庫發生爆炸"))
    assert signature(STORY).dtype == np.uint16 and signature(STORY).shape == (SLOTS,)
    assert similarity(signature(""), signature("")) == 1.0
    assert similarity(signature("爆炸事故"), signature("")) == 0.0
    assert similarity(signature(STORY), signature("（来源：临川日报）" + STORY)) > 0.7


def test_the_index_finds_the_story_among_noise_and_prefers_the_verified_candidate() -> None:
    index = SimilarityIndex(threshold=0.42)
    rng = np.random.default_rng(3)
    for i in range(3000):
        index.add(rng.integers(0, 2**16, size=SLOTS, dtype=np.uint16), f"noise-{i}", "噪声" * 10)
    canon = canonical(TITLE + STORY)
    index.add(signature(TITLE + STORY), "YQ-1", canon[:LEAD_CHARS])
    query = canonical("转发：" + STORY)
    owner, value = index.find(signature("转发：" + STORY), story(query))
    assert owner == "YQ-1" and value > 0.9
    other = canonical("临川公交集团召开年度工作会议，部署明年安全生产重点任务。")
    assert index.find(signature(other), story(other)) is None
    assert len(index) == 3001


def test_with_names_the_index_verifies_only_candidates_whose_lead_carries_one() -> None:
    """An item matched on a name alone can only retell a story told under that name."""
    index = SimilarityIndex()
    index.add(signature(TITLE + STORY), "YQ-1", canonical(TITLE + STORY)[:LEAD_CHARS])
    query = canonical("转发：" + STORY)
    assert index.find(signature("转发：" + STORY), story(query), ("临川公交集团",))[0] == "YQ-1"
    assert index.find(signature("转发：" + STORY), story(query), ("临川市交通运输局",)) is None


def test_when_the_slots_find_nothing_the_best_candidate_of_site_kind_and_rare_words_wins() -> None:
    """A crackdown on one road scores high against a retelling of an old man pushed over at a market
    there, but the story it retells (found by what happened, not by the road) scores higher: the site's
    candidate must not settle the search before the others are looked at."""
    crackdown = (
        "槐荫路整治非法营运三轮车 查扣12辆",
        "11月19日上午，鹤川市交通运输局在柏溪区槐荫路开展非法营运整治，"
        "在菜市场门口查扣载客电动三轮车12辆，部分车主与执法人员发生争执。交通局提醒市民不要乘坐非法营运车辆。",
    )
    pushed = (
        "鹤川市交通运输局执法人员查扣三轮车时推倒老人 视频引发质疑",
        "12月10日，一段视频在网上流传：柏溪区一处"
        "菜市场门口，两名身穿鹤川市交通运输局执法制服的人员在查扣一辆载客电动三轮车时，与车主老人拉扯，老人被推倒在地。"
        "视频发布者称老人已经七十多岁，质疑执法方式简单粗暴。",
    )
    retold = (
        "槐荫路菜场门口 交通执法把拉客的老爷子推倒了",
        "在槐荫路菜场门口买菜，看到交通局的两个执法的要扣一个老爷子的"
        "三轮车，老爷子拉着车把不放，被一推就坐地上了。老爷子七十多了，就靠拉人挣点菜钱，执法也得讲点人情吧。",
    )

    def marked(title: str, text: str) -> str:
        return canonical(f"{title}{TITLE_END}{text}", with_clauses=True)

    index = SimilarityIndex()
    rng = np.random.default_rng(5)  # signatures sharing no slot with the query: the slots find nothing
    index.add(rng.integers(0, 2**16, size=SLOTS, dtype=np.uint16), "YQ-2", stored_lead(marked(*pushed)))
    road_lead = stored_lead(marked(*crackdown))
    index.add(rng.integers(0, 2**16, size=SLOTS, dtype=np.uint16), "YQ-1", road_lead)
    query = story(marked(*retold))
    road_score = score(road_lead, query)
    assert road_score >= index.threshold  # the site's candidate alone would have settled the search
    owner, value = index.find(signature("".join(retold)), query)
    assert owner == "YQ-2" and value > road_score


def test_the_index_drops_the_oldest_half_past_its_cap() -> None:
    index = SimilarityIndex(max_items=8, initial=4)
    sigs = [np.full(SLOTS, i, dtype=np.uint16) for i in range(9)]
    for i in range(8):
        index.add(sigs[i], f"o{i}")
    assert len(index) == 8
    index.add(sigs[8], "new")
    assert len(index) == 5 and "o0" not in index and "o7" in index
    assert index.find(sigs[0]) is None  # the oldest went (no lead: the signature alone decides)
    assert index.find(sigs[7]) == ("o7", 1.0)
    assert index.find(sigs[8]) == ("new", 1.0)


def test_the_index_forgets_items_older_than_the_merge_window() -> None:
    index = SimilarityIndex(window=timedelta(days=3))
    old = np.full(SLOTS, 1, dtype=np.uint16)
    index.add(old, "YQ-old", at=minutes(T0))
    index.add(np.full(SLOTS, 2, dtype=np.uint16), "YQ-mid", at=minutes(T0 + timedelta(days=2)))
    index.add(np.full(SLOTS, 3, dtype=np.uint16), "YQ-new", at=minutes(T0 + timedelta(days=3, minutes=1)))
    index.evict()
    assert len(index) == 2 and "YQ-old" not in index and "YQ-mid" in index
    assert index.find(old) is None


def test_memory_per_item_is_bounded() -> None:
    per_item = SimilarityIndex(initial=1000).nbytes / 1000
    # slots, pool row, owner, time; a pooled lead at 12 bits a code and its length, its owner, site,
    # leader and subject keys, event kinds and rare-word keys
    lead = (LEAD_CHARS + 8) * 3 // 2
    keys = 4 * (SITE_KEYS + NAME_KEYS + SUBJECT_KEYS) + 4 + 2 * RARE_KEYS
    assert per_item == 2 * SLOTS + 4 + 4 + 4 + lead + 1 + 4 + keys
    assert lead < 2 * LEAD_CHARS  # a lead in UTF-16 would take 240 bytes


def test_what_one_process_remembers_another_learns(judge: Judge) -> None:
    shared = judge.remember(
        item("临川公交集团被曝拖欠司机工资", "多名司机反映临川公交集团已拖欠工资3个月，多次讨要未果。", "p"), "YQ-7"
    )
    data = json.loads(json.dumps(shared))  # through the shared store
    other = Judge([BUS], analysis=AnalysisConfig())
    assert not other.knows("YQ-7")
    other.learn(data, "YQ-7")
    assert other.knows("YQ-7")
    repost = item("转载：临川公交集团欠薪", "据网友爆料，多名司机反映临川公交集团已拖欠工资3个月，多次讨要未果。", "q")
    assert other.similar(repost) == "YQ-7"
    other.learn(list(range(SLOTS)), "YQ-8")  # a bare signature from before leads were kept: not comparable
    assert not other.knows("YQ-8")


def test_short_items_merge_only_by_exact_content() -> None:
    judge = Judge([BUS], analysis=AnalysisConfig())
    assert judge.remember(item("公交翻车", "3人受伤", "s"), "YQ-1") is None
    assert judge.similar(item("公交翻车", "3人受伤", "t")) is None


def test_content_key_is_per_source_and_normalised() -> None:
    a = Item("a", "http://a/1", "江城化工集团爆炸", "正文")
    assert content_key(a) == content_key(Item("a", "http://a/2", "江城化工集团爆炸 ", " 正文"))
    assert content_key(a) != content_key(Item("b", "http://b/1", "江城化工集团爆炸", "正文"))
    assert content_key(a) != content_key(Item("a", "http://a/3", "江城化工集团爆炸", "另一正文"))


def test_a_report_that_the_toll_rose_is_not_held_apart_by_the_old_toll() -> None:
    from bot.analysis.story import tolls

    first = canonical(
        f"青柏镇敬老院食堂疑似食物中毒 6名老人就医{TITLE_END}青柏镇敬老院午饭后6名老人出现呕吐症状，已送镇卫生院。"
    )
    later = canonical(
        f"青柏镇敬老院疑似食物中毒 就医老人增至15人{TITLE_END}青柏镇敬老院午饭后出现呕吐症状的老人增至15人，均在卫生院。"
    )
    assert tolls(first) == {6} and tolls(later, rising=True) == {15}
    assert score(first[:LEAD_CHARS], story(later)) > 0.42
    # without a word saying it rose, another toll still counts against one story
    other = later.replace("增至", "共")
    assert score(first[:LEAD_CHARS], story(other)) < score(first[:LEAD_CHARS], story(later))


def test_named_sites_are_read_by_kind_and_name_without_what_precedes_them() -> None:
    from bot.analysis.story import sites

    assert sites(canonical("枫林区东环路一在建商场三层楼板坍塌")) == {"road": {"东环"}}
    assert sites(canonical("一艘渔船在大青湖作业时沉没")) == {"water": {"大青"}}
    assert sites(canonical("临川公交集团36路公交在迎宾大道追尾")) == {"road": {"迎宾"}}
    assert sites(canonical("桂香里那栋楼掉瓷砖")) == {"estate": {"桂香"}}
    assert sites(canonical("翠微湾工地")) == sites(canonical("翠微湾项目")) == {"venue": {"翠微湾"}}
    assert sites(canonical("一个的在了")) == {}


def test_tolls_of_different_kinds_are_different_facts() -> None:
    from bot.analysis.story import kinded_tolls

    assert kinded_tolls(canonical("造成3人死亡、12人受伤")) == {("dead", 3.0), ("hurt", 12.0)}
    assert kinded_tolls(canonical("三人遇难")) == kinded_tolls(canonical("3人死亡"))
    assert kinded_tolls(canonical("3人受伤")) != kinded_tolls(canonical("3人死亡"))


def test_a_toll_told_in_speech_is_a_toll_of_the_dead() -> None:
    from bot.analysis.story import kinded_tolls, tolls

    dead3 = {("dead", 3.0)}
    assert kinded_tolls(canonical("听说走了三个人，作孽啊")) == kinded_tolls(canonical("造成3人死亡")) == dead3
    assert kinded_tolls(canonical("两个孩子都没了")) == kinded_tolls(canonical("死了两个工人")) == {("dead", 2.0)}
    assert tolls(canonical("两个孩子都没了")) == {2.0}
    assert tolls(canonical("两个孩子都没了"), rising=True) == frozenset()  # no rise is told
    assert kinded_tolls(canonical("十几个人都晕了")) == frozenset()  # no count, no death


def test_two_headlines_of_one_template_are_told_apart_but_a_toll_update_is_not() -> None:
    from bot.analysis.story import _template_swap

    def swap(a: str, b: str, a_text: str = "", b_text: str = "") -> bool:
        stored = canonical(f"{a}{TITLE_END}{a_text}")
        return _template_swap(stored.partition(TITLE_END)[0], stored, story(canonical(f"{b}{TITLE_END}{b_text}")))

    assert swap("网友投诉东平公交集团青山站点锅炉乱收费 编号1", "网友投诉东平公交集团青山码头罐区乱收费 编号6")
    assert not swap("青溪县一烟花仓库爆炸 造成4人死亡", "青溪县一烟花仓库爆炸 死亡人数上升至11人")
    assert not swap("某某公司仓库爆炸", "某某公司仓库爆炸")
    # a follow-up's headline begins with the story's name, not with a template
    assert not swap("柏树湾村一名女孩掉进废弃机井 消防救援三小时获救", "柏树湾村女孩坠井后续：全镇排查废弃机井")


def test_no_site_is_read_from_river_sand_a_fall_into_a_river_a_detour_or_a_name_s_own_kind() -> None:
    """Twenty-third round: misread sites made two reports of one story name "different" sites
    (满载河砂 read a river 满载, 货车坠河 a river 货车坠, 深夜绕路 a road, 鹬港大道 a harbour beside the road);
    a station is named before 火车站 / 客运站, not before 车站."""
    from bot.analysis.story import sites

    assert sites(canonical("一辆满载河砂的货车随桥面坠入河中")) == {}
    assert sites(canonical("货车坠河")) == {}
    assert sites(canonical("网约车司机深夜绕路多收费")) == {}
    assert sites(canonical("两拨人在包间里打起来 酒瓶砸得噼里啪啦")) == {}  # round 100
    # a village named for its side of a hill or a bay (round 100); 楼下村口 is no village
    assert sites(canonical("东湖镇后洼村一座基站起火")) == {"estate": {"后洼"}}
    assert sites(canonical("住在前湾村的村民")) == {"estate": {"前湾"}}
    assert sites(canonical("走到楼下村口")) == {}
    assert sites(canonical("隧道渗水鹬港大道站停运")).keys() == {"road"}
    assert sites(canonical("家住柳河路的居民")) == {"road": {"柳河"}}
    assert sites(canonical("在椋川火车站出站口")) == {"venue": {"椋川"}}
    assert sites(canonical("在鸬鹚湾客运站候车")) == {"venue": {"鸬鹚湾"}}
