"""Reposts in other words join their story; two stories sharing an office's boilerplate stay apart
(bot.analysis.story through Judge.remember / Judge.similar, and bot.placement's follow-up rule)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from bot.analysis.judge import Judge
from bot.analysis.matcher import own_brands
from bot.analysis.short_names import abbreviates, aliases, brand
from bot.analysis.story import (
    FEATURES,
    TITLE_END,
    _outcome_told,
    canonical,
    estimate,
    features,
    score,
    sites,
    stored_lead,
    story,
    title_names,
    told_apart,
)
from bot.analysis.story import (
    events as story_events,
)
from bot.config import SchemeConfig
from bot.models import Item, Tier
from bot.replay import replay
from tests.conftest import START

SCHEME = SchemeConfig(
    name="东平",
    subjects=["东平公交集团", "东平城投", "东平港务集团"],
    leaders=["周立群"],
    events={"停运": 3, "违纪": 3, "辱骂": 2, "投诉": 2, "火灾": 4},
)
STRIKE = Item(
    "news",
    "http://x/1",
    "东平公交集团司机集体停运讨要加班费",
    "今天早上，东平公交集团城北车队约40名司机集体停运，聚集在车队办公室讨要拖欠半年的加班费，城北多条线路发车受影响。",
)
RETOLD = Item(
    "forum",
    "http://y/1",
    "城北公交司机今天不开车了",
    "听说东平公交集团城北车队几十个司机今早停运，半年的加班费都没发，城北好多线路等不到车。",
)


def merged(a: Item, b: Item, schemes: list[SchemeConfig] | None = None) -> bool:
    judge = Judge([SCHEME] if schemes is None else schemes)
    judge.remember(a, "A")
    return judge.similar(b) == "A"


def stored_report(title: str, text: str) -> str:
    """What the index keeps of a report: its stored lead."""
    return stored_lead(canonical(f"{title}{TITLE_END}{text}"))


def apart(stored: str, title: str, text: str) -> bool:
    """Do the story rules (`told_apart`) tell a report from a stored lead?"""
    return told_apart(stored, story(canonical(f"{title}{TITLE_END}{text}")))


def test_a_colloquial_retelling_keeping_the_details_joins() -> None:
    """The details it keeps (城北车队, 停运, 半年的加班费) carry it over the threshold; another story about
    the same subject, sharing only the subject's name, stays far below."""
    assert merged(STRIKE, RETOLD)
    other = Item(
        "news",
        "http://x/2",
        "东平公交集团召开冬季安全生产会议",
        "东平公交集团今天召开冬季安全生产工作会议，部署雨雪天气行车安全。",
    )
    assert not merged(STRIKE, other)
    judge = Judge([SCHEME])
    lead = stored_lead(canonical(f"{STRIKE.title}{TITLE_END}{STRIKE.text}"))
    unrelated = score(lead, story(canonical(f"{other.title}{TITLE_END}{other.text}"), judge._words))
    assert unrelated < 0.05


def test_the_same_boilerplate_about_two_people_stays_apart() -> None:
    first = Item(
        "gov",
        "http://g/1",
        "东平城投董事长周立群被查",
        "东平市纪委监委今天发布消息，东平城投党委书记、董事长周立群涉嫌严重违纪违法，目前正接受纪律审查和监察调查。",
    )
    second = Item(
        "gov",
        "http://g/2",
        "东平港务集团原总经理涉嫌违纪被查",
        "东平市纪委监委发布消息，东平港务集团原总经理涉嫌严重违纪违法，目前正接受纪律审查和监察调查。",
    )
    assert not merged(first, second)
    assert not merged(first, second, schemes=[])  # the headlines' names alone tell them apart too


def test_another_story_with_the_same_details_vocabulary_stays_apart() -> None:
    other = Item(
        "forum",
        "http://y/2",
        "东平公交集团城北车队开展安全培训",
        "东平公交集团城北车队今天组织全体司机开展冬季行车安全培训，车队负责人讲解了雨雪天气驾驶要点。",
    )
    assert not merged(STRIKE, other)


def test_one_complaint_template_at_two_sites_stays_apart() -> None:
    """Same subject, same event, same wording; only the site differs: two complaints."""

    def complaint(site: str, n: int) -> Item:
        title = f"网友投诉东平公交集团{site}乱收费 编号{n}"
        return Item("bbs", f"http://b/{n}", title, f"{title}，现场情况仍在核实。")

    assert not merged(complaint("青山站点锅炉", 1), complaint("青山码头罐区", 6))
    assert title_names(canonical("网友投诉东平公交集团青山站点乱收费"), canonical("网友投诉东平公交集团码头乱收费"))


def test_a_follow_up_naming_the_same_estate_joins_the_incident() -> None:
    fire = Item(
        "forum",
        "http://f/1",
        "东平港务集团宿舍区翠竹小区电动车棚发生火灾",
        "今晚8点多，东平港务集团职工宿舍翠竹小区3栋楼下的电动车棚发生火灾，火光冲天，消防车已经到了。",
        fetched_at=START,
    )
    again = Item(
        "weibo",
        "http://w/1",
        "#翠竹小区火灾# 东平港务集团宿舍那边烧起来了",
        "翠竹小区车棚着火了！港务集团宿舍好多人在围观，现场浓烟很大，大家注意安全。",
        fetched_at=START + timedelta(minutes=5),
    )
    elsewhere = Item(
        "weibo",
        "http://w/2",
        "#金桂花园火灾# 东平港务集团另一处宿舍起火",
        "东平港务集团金桂花园宿舍一楼厨房起火，消防已到场。",
        fetched_at=START + timedelta(minutes=8),
    )
    results = replay([fire, again, elsewhere], Judge([SCHEME]))
    assert [len(r.items) for r in results] == [2, 1]


def test_a_copy_naming_the_subject_by_another_configured_alias_still_joins() -> None:
    both_names = SchemeConfig(name="城投", subjects=["东平城投", "东平城市投资集团"], events={"停工": 2})
    text = "东平城投开发的滨河新区保障房项目已停工两个月，工地上只剩几名看守人员，已购房的业主担心无法按期交房。"
    first = Item("news", "http://n/1", "东平城投滨河新区项目停工 业主担心延期交房", text)
    copy = Item(
        "wx",
        "http://n/2",
        "东平城市投资集团滨河新区项目停工 业主担心延期交房",
        text.replace("东平城投", "东平城市投资集团"),
    )
    assert merged(first, copy, schemes=[both_names])


def test_people_shorten_an_organisations_name() -> None:
    """The place or brand and the legal form dropped, the kind said plainly; nothing too plain to
    name one organisation (医院, 物业), and nothing from a name that starts with its level (市国资委)."""
    assert {"一中", "第一中学"} <= aliases("鸥湾市第一中学")
    assert aliases("浔阳区人民医院") == {"区医院", "区人民医院"}
    assert aliases("鹊山水务集团") == {"水务"}
    assert aliases("蒲溪纸业公司") == {"纸业", "纸厂"}
    assert aliases("江城建工集团有限公司") == {"建工"}
    assert aliases("鹊山物业") == set()
    assert aliases("市国资委") == set()
    # a branch by the parent's kind, its place and branch form dropped (round 101: not 通信杞川分)
    assert aliases("岳讯通信杞川分公司") == {"通信"}
    assert aliases("安禾财险蕺州中心支公司") == {"财险"}
    assert aliases("农商银行北坪支行") == set()


def test_people_call_a_firm_by_its_brand_when_it_names_that_firm_alone() -> None:
    """锟程 for 锟程汽车零部件公司, 绮纶 for 绮纶纺织; an office, a hospital or a name starting with its level has
    no brand, and a place starting several subjects or a region (江城) names none of them."""
    assert brand("锟程汽车零部件公司") == "锟程"
    assert brand("绮纶纺织") == "绮纶"
    assert brand("泰川机场") == ""
    assert brand("浔阳区人民医院") == ""
    assert brand("江城建工集团") == "江城"  # alone a brand; the schemes decide
    # consumer services (round 100): a KTV, a hair salon, an escape room, a water park
    assert brand("声浪KTV") == "声浪"
    assert brand("蔻丽美发") == "蔻丽"
    assert brand("织梦密室逃脱馆") == "织梦"
    assert brand("浪岛水上乐园") == "浪岛"
    schemes = [
        SchemeConfig(name="园区", subjects=["锟程汽车零部件公司", "江城建工集团", "江城水务集团"], events={"火灾": 4}),
        SchemeConfig(name="属地", regions=["绮纶"], subjects=["绮纶纺织"], events={"欠薪": 3}),
    ]
    assert own_brands(schemes) == {"锟程汽车零部件公司": "锟程"}
    # a telecom and its branch are one firm with one brand (round 101)
    assert brand("曜联移动") == "曜联"
    assert brand("星垣数据") == "星垣"
    carrier = SchemeConfig(name="运营商", subjects=["曜联移动", "曜联移动杞川分公司"], events={"断网": 3})
    assert own_brands([carrier]) == {"曜联移动": "曜联", "曜联移动杞川分公司": "曜联"}


@pytest.mark.parametrize(
    ("scheme", "first", "post"),
    [
        pytest.param(
            SchemeConfig(name="园区", subjects=["锟程汽车零部件公司"], events={"起火": 4, "火灾": 4}),
            (
                "锟程汽车零部件公司成品仓库起火 数千只轮毂被熏黑",
                "12月10日傍晚，锟程汽车零部件公司成品仓库包装材料堆放区起火，浓烟从仓库屋顶冒出，员工及时疏散，消防员"
                "一个多小时将明火扑灭，数千只待发货的轮毂被熏黑，事故未造成人员伤亡。",
            ),
            (
                "锟程那个大仓库冒黑烟了",
                "下班的时候看到仓库顶上全是黑烟，大家都跑出来了，还好没人在里面。听说里面的纸箱子和泡沫先着的。",
            ),
            id="a works",
        ),
        # a consumer service (round 100): 蔻丽 for 蔻丽美发
        pytest.param(
            SchemeConfig(name="商户", subjects=["蔻丽美发"], events={"强制消费": 3, "投诉": 2}),
            (
                "蔻丽美发被投诉强制消费 顾客洗头后被要求办卡充值",
                "多名顾客投诉东平石竹广场的蔻丽美发，称进店洗头后被店员反复推销，不办卡充值三千元就不让离开，"
                "有顾客被堵在门口半个多小时，最后只能充值。",
            ),
            ("石竹广场那个蔻丽，洗个头非让充值", "三个人围着我推销，不充不让走。"),
            id="a hair salon",
        ),
        # a telecom and its branch (round 101): 曜联 for 曜联移动
        pytest.param(
            SchemeConfig(
                name="运营商", subjects=["曜联移动杞川分公司", "曜联移动"], events={"起火": 4, "火灾": 4, "断网": 3}
            ),
            (
                "曜联移动槿塘核心机房起火 全区手机信号中断两小时",
                "12月9日凌晨，曜联移动杞川分公司位于槿塘区的核心机房发生火灾，全区曜联移动用户手机信号中断约两小时，"
                "机房值班人员及时疏散，未造成人员伤亡。",
            ),
            (
                "半夜手机突然没信号 原来是曜联的机房着了",
                "凌晨两点多刷着手机突然没信号了，早上才听说是槿塘那边曜联的机房烧了。",
            ),
            id="a telecom",
        ),
    ],
)
def test_a_netizen_calling_the_firm_by_its_brand_retells_its_story(
    scheme: SchemeConfig, first: tuple[str, str], post: tuple[str, str]
) -> None:
    report = Item("news", "http://n/1", *first, fetched_at=START)
    retold = Item("weibo", "http://w/1", *post, fetched_at=START + timedelta(minutes=40))
    assert merged(report, retold, schemes=[scheme])


SCHOOL = SchemeConfig(name="枞阳", subjects=["枞阳市第三中学"], events={"中毒": 4, "食物中毒": 4})
POISONING = Item(
    "news",
    "http://x/3",
    "枞阳市第三中学27名学生食物中毒送医",
    "12月2日午餐后，枞阳市第三中学27名学生陆续出现呕吐、腹痛症状，被送往枞阳市人民医院救治，学校食堂已停止供餐，"
    "市场监管部门已封存留样。",
)


def test_a_retelling_calling_the_school_by_its_short_name_joins() -> None:
    """A parent's post says 三中, never 枞阳市第三中学, and 走廊里 (in the corridor) is no estate named
    走廊: it joins the poisoning. A post about a shop at the school's gate, also saying 三中, does not."""
    parent = Item(
        "forum",
        "http://y/3",
        "三中食堂又出事了？娃吐了一晚上",
        "听说三中好多学生中午吃完食堂的饭就呕吐肚子疼，我家娃也是，晚上送去打点滴，走廊里都是三中的孩子。"
        "食堂说是停了，到底吃了什么啊？",
    )
    shop = Item(
        "forum",
        "http://y/4",
        "三中门口的奶茶店关门了",
        "听说三中门口那家奶茶店今天关门了，我家娃放学没地方买了，好多学生在门口问什么时候开。",
    )
    assert sites(canonical(parent.text, with_clauses=True)) == {}
    assert merged(POISONING, parent, schemes=[SCHOOL])
    assert not merged(POISONING, shop, schemes=[SCHOOL])


def test_kinds_of_event_read_in_everyday_words() -> None:
    """上吐下泻 is the poisoning, 留置 / 纪委带走 the corruption case, a capsized boat a drowning; a
    contractor taken away by the police is no corruption case (the crane's collapse is what happened)."""
    from bot.analysis.story import events

    assert events(canonical("婚宴散了之后好多宾客上吐下泻")) == {"泄漏中毒"}
    assert events(canonical("院长前天被纪委带走了")) == {"腐败"}
    assert events(canonical("浔阳区人民医院院长向海宁被留置调查")) == {"腐败"}
    assert events(canonical("早上那条渡船在江中间船翻了")) == {"溺水"}
    assert events(canonical("塔吊租赁的老板被警察带走了")) == set()


def test_a_short_form_inside_another_firms_name_is_no_short_form() -> None:
    """化工 is how people call 东湖化工集团, but in 西岭化工集团 it is part of another firm's name."""
    scheme = SchemeConfig(name="化工", subjects=["东湖化工集团", "西岭化工集团"], events={"爆炸": 5})
    judge = Judge([scheme])
    lead = stored_lead(canonical(f"东湖化工集团仓储车间发生爆炸{TITLE_END}东湖化工集团仓储车间今晨发生爆炸。"))
    column = FEATURES.index("who_alias")
    other = story(canonical(f"西岭化工集团罐区发生爆炸{TITLE_END}西岭化工集团罐区今晨发生爆炸。"), judge._words)
    retold = story(canonical(f"化工那边炸了{TITLE_END}听说化工那边仓库炸了，好大一声。"), judge._words)
    assert features(lead, other)[column] == 0.0
    assert features(lead, retold)[column] == 1.0


def test_what_a_utility_supplies_is_not_its_short_name() -> None:
    """燃气 is how people call 东湖燃气集团, but 燃气爆燃 speaks of the gas, and 当地燃气公司 in a report from another
    city is that city's firm (round 109); 燃气公司那边 still calls the subject."""
    scheme = SchemeConfig(name="燃气", subjects=["东湖燃气集团"], events={"爆燃": 4})
    judge = Judge([scheme])
    lead = stored_lead(
        canonical(f"东湖燃气集团调压站故障 三个小区停气{TITLE_END}东湖燃气集团一座调压站故障，三个小区停气。")
    )
    column = FEATURES.index("who_alias")

    def alias(title: str, text: str) -> float:
        return features(lead, story(canonical(f"{title}{TITLE_END}{text}"), judge._words))[column]

    assert alias("一居民家中燃气爆燃 1人烧伤", "一户居民家中厨房发生燃气爆燃，一名老人被烧伤。") == 0.0
    assert alias("岑州市一居民家中燃气爆燃", "岑州市一户居民家中发生爆燃，当地燃气公司称是灶具未关所致。") == 0.0
    assert alias("小区又停气了", "问了燃气公司那边，说调压站还在修。") == 1.0
    assert alias("小区又停气了", "几家人都在找燃气，说调压站还在修。") == 1.0


def test_a_post_naming_the_subject_only_by_its_short_name_joins_its_story() -> None:
    """A parent's post with no event word of the scheme (呕吐, not 中毒) and only 三中 for 枞阳市第三中学:
    the matcher finds the short name, asks whether it retells a story told under the full name, and the
    post joins the poisoning as spread, with no alert of its own. A post about the gate's tea shop,
    also saying 三中, retells nothing and is not judged; nor is a post saying 三中 with no story told."""
    parent = Item(
        "forum",
        "http://y/5",
        "三中好多孩子吃完午饭上吐下泻",
        "听说三中27个学生中午吃了食堂的饭就开始呕吐肚子疼，都拉去市人民医院了，食堂已经停了，留样也被封了。",
        fetched_at=START + timedelta(minutes=20),
    )
    shop = Item(
        "forum",
        "http://y/6",
        "三中门口的奶茶店关门了",
        "听说三中门口那家奶茶店今天关门了，我家娃放学没地方买了，好多学生在门口问什么时候开。",
        fetched_at=START + timedelta(minutes=30),
    )
    first = replace(POISONING, fetched_at=START)
    results = replay([first, parent, shop], Judge([SCHOOL]))
    assert [[i.url for i in r.items] for r in results] == [[first.url, parent.url]]
    judge = Judge([SCHOOL])
    judgement = judge.judge(parent)
    assert judgement is None  # nothing told yet under the full name: a short name alone says nothing
    judge.remember(first, "A")
    judgement = judge.judge(parent)
    assert judgement is not None and judgement.tier is Tier.BELOW
    assert judgement.reason.startswith("转述已记录的事件")
    assert "主体「枞阳市第三中学（文中作「三中」）」" in judgement.reason
    said = {
        (h.word, (parent.title if h.field == "title" else parent.text)[h.start : h.end])
        for h in judgement.match.hits
        if h.group == "subject"
    }
    assert said == {("枞阳市第三中学", "三中")}  # the subject's hit, spanning its short name


HEARSAY_SCHEME = SchemeConfig(name="化工", subjects=["江城化工集团"], events={"爆炸": 5, "死亡": 5})
EXPLOSION = Item(
    "news",
    "http://x/9",
    "江城化工集团滨江厂区发生爆炸 已致2人死亡",
    "11月30日8时许，江城化工集团滨江厂区一车间发生爆炸，已造成2人死亡、6人受伤。",
)


def test_hearsay_of_a_bigger_toll_joins_the_story_it_is_about() -> None:
    """A rumour naming the subject and its kind of event is that story, whatever toll it passes on
    (round 91)."""
    rumour = Item(
        "weibo",
        "http://w/1",
        "网传江城化工集团爆炸已致10人死亡",
        "有网友称，江城化工集团爆炸死亡人数已达10人，官方尚未证实。",
    )
    assert merged(EXPLOSION, rumour, [HEARSAY_SCHEME])
    other = Item("news", "http://x/10", "江城化工集团召开安全生产会议", "会议部署冬季安全生产工作。")
    assert not merged(EXPLOSION, other, [HEARSAY_SCHEME])


def test_a_post_pointing_back_at_that_accident_is_a_follow_up() -> None:
    """那次 / 那起 / 那场 points back at a story told before (round 91)."""
    told = story(canonical(f"网传晟岳化工那次泄漏中毒的有五十多人？{TITLE_END}"))
    plain_told = story(canonical(f"网传晟岳化工泄漏中毒的有五十多人？{TITLE_END}"))
    stored = stored_lead(canonical(f"晟岳化工液氯储罐阀门泄漏 4名工人中毒送医{TITLE_END}"))
    followup = FEATURES.index("followup")
    assert features(stored, told)[followup] == 1.0
    assert features(stored, plain_told)[followup] == 0.0


def test_a_headline_giving_the_handling_s_result_is_a_follow_up() -> None:
    """处理结果 / 处罚结果 / 原因查明 tell how the story ended: over the read sets' labelled pairs, 40
    one-story and no two-story pairs say so (round 91)."""
    stored = stored_lead(canonical(f"桃湾镇中心小学学生午餐吃出虫子 配餐公司被约谈{TITLE_END}"))
    followup = FEATURES.index("followup")
    told = story(canonical(f"桃湾镇中心小学配餐问题处理结果：智膳配餐被罚款3万元{TITLE_END}"))
    asked = story(canonical(f"桃湾镇中心小学配餐问题：智膳配餐被罚款3万元{TITLE_END}"))
    assert features(stored, told)[followup] == 1.0
    assert features(stored, asked)[followup] == 0.0


def test_burnt_to_death_is_a_fire() -> None:
    """烧死 tells a fire (round 91, set T20: 网传松鹤养老院烧死十几个老人？ is the home's fire)."""
    assert "火灾爆炸" in story_events(canonical("网传松鹤养老院烧死十几个老人？"))
    assert not story_events(canonical("网传松鹤养老院死了十几个老人？"))


def test_a_post_telling_another_event_of_the_subject_is_no_retelling() -> None:
    """A landlord's post (拖欠 the rent of a car park) after the bus group's car park fire: a netizen's
    voice, the subject and 停车场 are all it shares, and each side names an event of the scheme the
    other does not. A neighbour's post of the fire itself still joins."""
    fire = Item(
        "news",
        "http://f/1",
        "东平公交集团团结路停车场夜间起火 42辆新能源公交车被烧毁",
        "昨夜11时许，东平公交集团团结路停车场突发火灾，停放在场内的42辆新能源公交车被烧毁，所幸无人员伤亡。"
        "消防部门初步判断起火点位于一辆正在充电的车辆，具体原因正在调查。",
    )
    rent = Item(
        "forum",
        "http://f/2",
        "房东：东平公交集团城北停车场拖欠我的场地租金两年",
        "我叫周明华，东平公交集团城北停车场那块地是我家的，租给他们做停车场，合同写明每年付租金，"
        "可已经拖欠两年了，去集团问了七八次，每次都说资金紧张。",
    )
    neighbour = Item(
        "forum",
        "http://f/3",
        "团结路停车场那场火烧得吓人",
        "我就住团结路停车场对面，昨晚东平公交集团的停车场起火了，几十辆公交车都烧没了。",
    )
    scheme = SchemeConfig(name="东平", subjects=["东平公交集团"], events={"起火": 4, "烧毁": 4, "拖欠": 3})
    assert not merged(fire, rent, [scheme])
    assert merged(fire, neighbour, [scheme])


def test_a_complaint_the_poster_made_about_the_story_is_no_other_event() -> None:
    """我帮他投诉到交通局了 is what the netizen did about the fare, not another event of the bureau's
    than the story's 接受调查."""
    scheme = SchemeConfig(name="交通", subjects=["东平区交通运输局"], events={"接受调查": 3, "投诉": 2})
    fare = Item(
        "news",
        "http://t/1",
        "东平区一出租车司机被指绕路宰客 12公里收费98元",
        "近日，一名外地游客发帖称，从东平高铁站打出租车到石马古镇，司机故意绕行，12公里路程收费98元。"
        "东平区交通运输局已找到涉事车辆，驾驶员被暂停营运并接受调查。",
    )
    friend = Item(
        "forum",
        "http://t/2",
        "外地朋友来东平被出租车绕路了",
        "朋友从高铁站去石马古镇，平时也就四十块钱，他被收了快一百，我帮他投诉到交通局了。",
    )
    assert merged(fare, friend, [scheme])


def test_a_handling_result_follows_a_story_whose_report_told_its_own_outcome() -> None:
    """The first report already says the lost resident was 找到; the 处理结果 a week later is a new word of
    how it went on (it follows the story), naming what happened (走失) beside 约谈 and 免职. Another home's
    resident lost and 找到 the same week is another story: its 找到 is the first report's word, no news."""
    scheme = SchemeConfig(name="民政", subjects=["德馨养老院", "东平区民政局"], events={"走失": 3, "免职": 3})
    lost = Item(
        "news",
        "http://l/1",
        "德馨养老院一名失智老人走失 两天后在邻县被找到",
        "11月6日下午，东平区德馨养老院一名81岁的失智老人趁送菜车进院时从侧门走出，院方直到晚饭点名才发现人不见了。"
        "家属、民警和志愿者连续寻找两天，8日上午在邻县一处公交站台找到老人，老人身体虚弱，已送医检查。",
    )
    result = Item(
        "gov",
        "http://l/2",
        "德馨养老院老人走失事件处理结果：院方被约谈 分管副院长被免职",
        "东平区民政局通报德馨养老院失智老人走失事件处理结果：该院门禁管理和夜间巡查制度不落实，"
        "区民政局已对院方负责人进行约谈，分管副院长被免职，责令全院开展安全隐患排查。",
    )
    other = Item(
        "news",
        "http://l/3",
        "福康养老院一名老人晨练时走失 傍晚在菜市场找到",
        "11月9日早上，东平区福康养老院一名76岁老人跟着晨练队伍出门后走失，院方和民警寻找了一整天，"
        "傍晚在九里菜市场把老人找回。",
    )
    assert merged(lost, result, [scheme])
    assert not merged(lost, other, [scheme])


def test_a_cause_being_looked_into_is_no_outcome() -> None:
    """正在调查事故原因 is what a first report says, as 事故原因正在调查 is; 事故原因查明 is an outcome."""
    assert not _outcome_told(canonical("交警部门正在调查事故原因"))
    assert not _outcome_told(canonical("事故原因正在调查"))
    assert _outcome_told(canonical("经调查，事故原因查明"))


def test_a_detention_centre_and_its_detainees_are_no_outcome() -> None:
    """拘留所 is a place and 被拘留人员 its detainees (round 98); 行政拘留十日 is an outcome."""
    assert not _outcome_told(canonical("鸣川市拘留所开展被拘留人员心理健康讲座"))
    assert _outcome_told(canonical("殴打律师的男子已被行政拘留十日"))


def test_a_repair_finished_is_how_the_collapse_went_on() -> None:
    """修复完成 and 恢复通行 tell how the story was put right: with the collapse (塌陷) and the story's own
    words (排水管, 路基) kept, the notice joins the collapse it closes."""
    scheme = SchemeConfig(name="公路", subjects=["东平市公路事业发展中心"], events={"塌陷": 3})
    collapse = Item(
        "news",
        "http://r/1",
        "国道改线段路面塌陷 一辆货车后轮陷入坑中",
        "7月11日凌晨，东平市公路事业发展中心管养的国道沙井段路面突然塌陷，形成一个直径约4米的坑，"
        "一辆途经的货车后轮陷入坑中，司机未受伤。初步判断为地下排水管破裂掏空路基所致。",
    )
    repaired = Item(
        "gov",
        "http://r/2",
        "国道沙井段塌陷路面修复完成 恢复通行",
        "7月16日，国道沙井段塌陷路面修复完成并恢复通行，东平市公路事业发展中心更换破损排水管38米，"
        "对该路段开展了雷达探测，未发现其他空洞。",
    )
    assert merged(collapse, repaired, [scheme])


def test_a_brand_the_schemes_do_not_keep_is_no_short_name() -> None:
    """东湖 is a region here: 西岭化工集团东湖厂区 names the place, not 东湖化工集团 by its brand."""
    scheme = SchemeConfig(name="化工", subjects=["东湖化工集团", "西岭化工集团"], regions=["东湖"], events={"泄漏": 4})
    judge = Judge([scheme])
    stored = stored_lead(canonical(f"东湖化工集团储罐泄漏 周边居民闻到异味{TITLE_END}东湖化工集团一储罐今晨发生泄漏。"))
    query = story(
        canonical(f"西岭化工集团东湖厂区发生泄漏{TITLE_END}西岭化工集团位于东湖的厂区一处管道发生泄漏。"), judge._words
    )
    assert dict(zip(FEATURES, features(stored, query), strict=True))["who_alias"] == 0.0


def test_a_result_said_to_be_missing_is_no_follow_up() -> None:
    """投诉三天还没有处理结果 is a first report's complaint, not how a story went on (round 100: a second
    complaint about another conductor of the same depot had been joined to the first as its follow-up)."""
    stored = stored_lead(canonical(f"东平公交集团一司机被投诉 辱骂老人{TITLE_END}"))
    followup = FEATURES.index("followup")
    waiting = story(canonical(f"东平公交集团一售票员被投诉{TITLE_END}乘客说投诉五天了还没有处理结果"))
    unseen = story(canonical(f"东平公交集团一售票员被投诉{TITLE_END}乘客说投诉多日仍未见处理结果"))
    told = story(canonical(f"东平公交集团一售票员被投诉{TITLE_END}乘客说投诉五天后收到了处理结果"))
    assert features(stored, waiting)[followup] == 0.0
    assert features(stored, unseen)[followup] == 0.0
    assert features(stored, told)[followup] == 1.0


def test_an_accident_happening_is_no_name_of_the_story() -> None:
    """A headline calls its story by the first report's words and 事故 (集卡侧翻事故 伤者出院); 闸口发生事故 only
    says an accident happened there (round 100: two level crossings' accidents)."""
    followup = FEATURES.index("followup")
    stored = stored_lead(canonical(f"东平港务集团北闸口发生事故 一辆集卡侧翻{TITLE_END}"))
    happened = story(canonical(f"东平港务集团南闸口发生事故 2人受伤{TITLE_END}"))
    overturned = stored_lead(canonical(f"东平港务集团北闸口集卡侧翻 1人受伤{TITLE_END}"))
    named = story(canonical(f"东平港务集团北闸口集卡侧翻事故 伤者已出院{TITLE_END}"))
    assert features(stored, happened)[followup] == 0.0
    assert features(overturned, named)[followup] == 1.0


def test_an_outcome_marking_when_a_new_event_befell_is_no_outcome() -> None:
    """停业整改期间 tells when a new accident happened, not how a story ended (round 100: a repairman's death
    in the closed water park had been joined to its slide's collapse as progress)."""
    assert not _outcome_told(canonical("东平水上乐园停业整改期间 一名电工检修时触电身亡"))
    assert _outcome_told(canonical("东平水上乐园已停业整改"))
    # a day counted from an outcome is when a new event befell (round 110: a pulper's death on the third day
    # after the paper mill resumed had joined its sewage-pit poisoning)
    assert not _outcome_told(canonical("网友发帖说，锦帛纸业复产第三天，制浆车间一名员工被碎浆机卷入身亡"))
    assert not _outcome_told(canonical("管网工地复工首日 一台挖掘机陷入沟槽"))
    assert _outcome_told(canonical("锦帛纸业已复产"))


def test_goods_gone_missing_are_not_the_warehouse_fire() -> None:
    """丢失 / 被盗 are a kind of event (round 100): a depot's lost goods are another story than its warehouse
    fire, however alike the depot's name and the warehouse make the two reports."""
    scheme = SchemeConfig(name="物流", subjects=["东平港务集团物流园"], events={"火灾": 4, "丢失": 2})
    fire = Item(
        "news",
        "http://l/1",
        "东平港务集团物流园仓库火灾 损失约3000万元",
        "东平港务集团物流园北区2号仓库昨夜起火，库内一批服装和小家电过火，初步估计直接经济损失约3000万元，"
        "未造成人员伤亡，起火原因正在调查。",
    )
    lost = Item(
        "forum",
        "http://l/2",
        "东平港务集团物流园仓库货物丢失 商户索赔无门",
        "一位服装商户发帖说，存放在东平港务集团物流园北区仓库的四百件羽绒服盘点时少了一百多件，找物流园索赔一直没有回音。",
    )
    assert "丢失" in story_events(canonical(lost.title))
    assert "丢失" not in story_events(canonical("商场试衣间被偷拍 女顾客报警"))
    assert not merged(fire, lost, [scheme])


def test_a_death_toll_risen_to_fewer_than_the_story_counts_is_another_story() -> None:
    """死亡人数上升至15人 after a story of 31 dead is another explosion (round 100: a fireworks store's after a
    chemicals store's); risen to more than the story counted, it is the story going on."""
    stored = stored_lead(canonical(f"澄溪区一危化品仓库爆炸 已致31人死亡{TITLE_END}"))
    fewer = story(canonical(f"澄溪区烟花仓库爆炸事故死亡人数上升至15人{TITLE_END}"))
    more = story(canonical(f"澄溪区危化品仓库爆炸事故死亡人数上升至35人{TITLE_END}"))
    assert told_apart(stored, fewer)
    assert not told_apart(stored, more)


def test_the_subjects_own_works_is_no_other_place() -> None:
    """锂擎电池厂 names the subject 锂擎电池's plant: a worker's cousin telling of the bang there retells the
    explosion reported at the plant's road (round 101); another firm's works still stands apart."""
    scheme = SchemeConfig(name="电池", subjects=["锂擎电池"], events={"爆燃": 5, "爆炸": 5})
    report = Item(
        "news",
        "http://n/1",
        "锂擎电池一车间发生爆燃 致1人死亡4人受伤",
        "12月6日上午9时许，位于瓴湖路的锂擎电池化成车间一处老化架发生爆燃，造成1人死亡、4人受伤，厂区已停产。",
        fetched_at=START,
    )
    cousin = Item(
        "forum",
        "http://f/1",
        "我表哥在锂擎电池厂上班，今早吓得不轻",
        "他说早上九点多化成那边轰的一声，窗玻璃都震碎了，车间里的人全被喊到厂门口点名，有个师傅一直没找着。",
        fetched_at=START + timedelta(minutes=50),
    )
    assert merged(report, cousin, schemes=[scheme])
    stored = stored_lead(canonical(f"{report.title}{TITLE_END}{report.text}"))
    other = story(canonical(f"锂擎电池回应 邻近的鸿泰纸厂起火与其无关{TITLE_END}鸿泰纸厂起火，锂擎电池称与其无关。"))
    assert dict(zip(FEATURES, features(stored, other), strict=True))["sites_apart"] == 1.0


def test_an_office_named_with_words_left_out_is_the_same_office() -> None:
    """A scheme listing 荞坪区统计局 and 荞坪统计局 names one office twice: a statistician's post naming the short
    one retells the story told under the long one, not another office's (round 101)."""
    scheme = SchemeConfig(name="统计", subjects=["荞坪区统计局", "荞坪统计局"], events={"造假": 3, "虚报": 3})
    judge = Judge([scheme])
    stored = stored_lead(
        canonical(
            f"荞坪区统计局被指授意企业虚报产值{TITLE_END}网友发帖称荞坪区统计局有人打电话让几家企业把产值往高里报。"
        )
    )
    post = story(
        canonical(
            f"我们厂报表上的数比实际多了三成，是荞坪统计局让这么填的{TITLE_END}对方说全区指标要好看，让我们照他给的数填。"
        ),
        judge._words,
    )
    assert dict(zip(FEATURES, features(stored, post), strict=True))["other_subject"] == 0.0
    # the words left out may run up to the last character (荞坪粮库 for 荞坪国家粮食储备库)
    assert abbreviates("荞坪粮库", "荞坪国家粮食储备库")
    assert abbreviates("裕丰批发市场", "裕丰农副产品批发市场")
    assert not abbreviates("荞坪粮库", "荞坪粮食储备库管理中心")


def test_a_festival_is_called_by_its_place_and_its_kind() -> None:
    """A concert-goer's 蓖港音乐节 is the scheme's 蓖港渔火音乐节 (round 105): a festival, fair or race named by place,
    theme and kind is called by the place and the kind. A plain office keeps its forms."""
    assert "鹭汀音乐节" in aliases("鹭汀渔火音乐节")
    assert "鹭汀马拉松" in aliases("鹭汀国际马拉松")
    # a name with nothing between its place and its kind is no shorter form of itself
    assert "鹭汀马拉松" not in aliases("鹭汀马拉松")
    assert aliases("鹭汀渔火音乐节") == {"渔火音乐节", "鹭汀音乐节"}


def test_a_measure_taken_after_the_story_is_its_follow_up() -> None:
    """棠溪水库垂钓者溺亡后 库区加装护栏 recalls the drowning before 后 and tells what was done after it: the story's
    follow-up, however little else of the first report it repeats (round 107). What befell someone after it takes no
    measure, and a headline recalling another story does not recall this one."""
    stored = stored_lead(
        canonical(
            f"棠溪水库一名钓鱼者滑落水中溺亡{TITLE_END}昨天下午，岚屿县棠溪水库一名钓鱼者在库边收竿时滑落水中，"
            "同伴施救未果，救援队打捞两个多小时后将其遗体打捞上岸。"
        )
    )

    def after(title: str, text: str) -> float:
        return score(stored, story(canonical(f"{title}{TITLE_END}{text}")))

    assert (
        after(
            "棠溪水库钓鱼者溺亡后 库区沿岸加装护栏1.8公里", "岚屿县水利局在库区易下水的坡段加装护栏，增设救生圈12处。"
        )
        == 1.0
    )
    assert after("棠溪水库钓鱼者溺亡后 岚屿县建起库区巡查台账", "岚屿县水利局建起库区每日巡查台账。") == 1.0
    assert after("棠溪水库钓鱼者溺亡后 库区一名巡查员突发心梗", "巡查员在巡查途中突发心梗，被送往县医院。") < 0.5
    assert after("柘岭水库游船侧翻事件后 景区加装护栏", "柘岭水库景区在码头加装护栏，游船全部停航检修。") < 0.5


def test_an_office_answering_the_story_in_its_words_is_its_follow_up() -> None:
    """环卫处回应柳溪坊公厕早锁门问题 answers the story of that toilet locked early (round 107); who raised it
    (居民反映的问题) is no word of any story, and an answer in other words answers another story."""
    stored = stored_lead(
        canonical(
            f"柳溪坊公厕傍晚六点就锁门 夜市摊主如厕难{TITLE_END}柳溪坊夜市旁的公厕每天傍晚六点锁门，摊主只能跑到两条街外。"
        )
    )

    def answer(title: str, text: str) -> float:
        return score(stored, story(canonical(f"{title}{TITLE_END}{text}")))

    assert answer("公厕开放时间延长至夜间12点", "岚屿县环卫处回应柳溪坊公厕早锁门问题，自本周起延长开放时间。") == 1.0
    assert answer("垃圾清运时间调整", "岚屿县环卫处回应居民反映的问题，垃圾清运改到早上七点以后。") < 0.5
    assert answer("公厕加装无障碍扶手", "岚屿县环卫处回应城北菜市场公厕没有扶手问题，已加装扶手。") < 0.5


def test_a_village_named_after_its_back_is_no_after() -> None:
    """后塘村那条水渠又黑又臭 grumbles about the story's ditch: the 后 of 后塘村 is no 'after', so no 'happened again
    after' (round 107); 补偿款付清后 后湖村拆迁户又反映… still tells another case."""
    stored = stored_lead(
        canonical(f"填埋场渗滤液外溢 后塘村灌溉渠水发黑{TITLE_END}连日降雨后，填埋场渗滤液外溢，流入后塘村的灌溉渠。")
    )
    assert not told_apart(
        stored, story(canonical(f"后塘村那条水渠又黑又臭，菜都不敢浇了{TITLE_END}渠里的水黑得跟酱油一样。"))
    )
    assert not told_apart(stored, story(canonical(f"楂湾后塘村的渠又黑了{TITLE_END}渠里的水黑得跟酱油一样。")))
    other = story(canonical(f"南塘村补偿款付清后 后湖村拆迁户又反映过渡费停发{TITLE_END}后湖村拆迁户反映过渡费停发。"))
    assert told_apart(stored, other)


def test_no_one_hurt_is_not_the_story_that_counted_victims() -> None:
    """安童校车一辆空车翻入水沟 无人员伤亡 is not the school bus that overturned with 4名学生受伤 (round 108); a rumour
    of victims the query answers, or a query counting victims of its own, is left to the other rules."""
    bus = stored_report(
        "东平公交集团一辆校车在葭湄路侧翻 4名学生受伤", "东平公交集团一辆校车在葭湄路侧翻，4名学生受伤送医。"
    )
    empty = "东平公交集团一辆空车在葭湄路翻入路边水沟，车辆侧翻，未造成人员伤亡。"
    assert apart(bus, "东平公交集团一辆空车翻入路边水沟 无人员伤亡", empty)
    assert not apart(bus, "东平公交集团校车侧翻 4名学生受伤 无人员死亡", "4名学生受伤，无人员死亡。")
    rumour = stored_report("网传东平公交集团校车侧翻 4名学生受伤", "网传一辆校车在葭湄路侧翻，4名学生受伤。")
    assert not apart(rumour, "东平公交集团一辆空车翻入路边水沟 无人员伤亡", empty)


def test_a_lead_telling_it_happened_again_some_time_later_is_another_story() -> None:
    """嫌疑人落网后两周…又有五辆电动车的电瓶被盗 is another theft, whatever its headline keeps (round 108); a lead
    whose 后 names no time (后来又), whose again-word brings a toll (后两天又有一名伤者死亡) or which says only 后不久
    (报警后不久民警赶到) tells the story going on."""
    theft = stored_report("东平花园一夜十余辆电动车电瓶被盗", "东平花园多名居民发现停在楼下的电动车电瓶不翼而飞。")
    assert apart(
        theft, "东平花园电瓶被盗 居民怀疑是同一伙人", "嫌疑人落网后两周，东平花园又有五辆电动车的电瓶在夜里被盗。"
    )
    assert apart(theft, "东平花园电瓶被盗 居民怀疑是同一伙人", "退还赔偿不到一个月，东平花园又有五辆电动车的电瓶被盗。")
    assert not apart(theft, "东平花园电瓶被盗 居民怀疑是同一伙人", "嫌疑人落网，后来又查明他们还偷过别的小区。")
    assert not apart(theft, "东平花园电瓶被盗 民警赶到", "东平花园电瓶被盗，事发后不久民警赶到现场。")
    assert not apart(theft, "东平花园电瓶被盗 民警赶到", "东平花园电瓶被盗，报警后不久民警赶到现场。")
    assert not apart(theft, "东平花园电瓶被盗 居民怀疑是同一伙人", "东平花园电瓶被盗后两天又有一名伤者死亡。")


def test_a_lead_saying_it_is_not_the_earlier_one_is_another_story() -> None:
    """与此前的收费争执不是同一台机器: the lead says outright it is another one (round 111); 是同一台 is not."""
    row = stored_report(
        "收割机进村收费翻倍 东平村村民与机手发生争执", "东平村村民反映外地收割机每亩收费翻倍，双方发生推搡。"
    )
    title = "东平村收割机又惹麻烦：轧坏了村民的田埂"
    assert apart(row, title, "一台外地收割机转场时轧塌了村民的田埂，机手已赔偿，与此前的收费争执不是同一台机器。")
    assert not apart(row, title, "一台外地收割机转场时轧塌了村民的田埂，村民说和此前收费翻倍的是同一台机器。")


def test_a_crash_at_another_time_of_day_is_another_story() -> None:
    """On one highway a lorry rear-ended another 今天凌晨 and a coach crashed 今天下午: two stories (round 109). Parts
    of the day that neighbour (上午 / 中午) or meet across midnight (深夜 / 凌晨), or a later report also naming the
    story's part (今天下午…凌晨发生的), say nothing."""
    dawn = stored_report(
        "东平高速一大货车追尾 1名司机死亡", "今天凌晨4时许，东平高速收费站以北，一辆大货车追尾前方半挂车，1名司机死亡。"
    )
    assert apart(dawn, "东平高速一大客车与货车相撞 1人死亡", "今天下午，东平高速一辆大客车与货车相撞，1人死亡。")
    assert not apart(dawn, "东平高速一大客车与货车相撞 1人死亡", "今晚，东平高速一辆大客车与货车相撞，1人死亡。")
    assert not apart(dawn, "东平高速货车追尾 1名司机死亡", "昨天深夜，东平高速一辆大货车追尾，1名司机死亡。")
    assert not apart(
        dawn, "东平高速货车追尾事故 司机身份查明", "今天下午，交警通报了今天凌晨发生的货车追尾事故，1名司机死亡。"
    )
    assert not apart(dawn, "东平高速货车追尾 1名司机死亡", "东平高速一辆大货车追尾，1名司机死亡，事故原因正在调查。")
    morning = stored_report("东平高速货车侧翻", "今天上午，东平高速一辆货车侧翻。")
    assert not apart(morning, "东平高速货车侧翻 司机受伤", "今天中午，东平高速货车侧翻。")


def test_only_hurt_is_not_the_story_that_counted_dead() -> None:
    """旅游大巴追尾货车 ５名游客受伤 is not the coach that overturned with 2名游客死亡 (round 109); a report naming the
    dead in any words, or the story's rescue (一名救援队员受伤), is left to the other rules."""
    coach = stored_report(
        "畅游客运一辆大巴在盘山公路侧翻 2名游客死亡", "畅游客运一辆大巴侧翻，致2名游客死亡、多人受伤。"
    )
    assert apart(
        coach, "畅游客运旅游大巴追尾货车 ５名游客受伤", "畅游客运一辆旅游大巴追尾货车，５名游客受伤，均无生命危险。"
    )
    assert not apart(coach, "畅游客运大巴侧翻 5名伤者转院", "大巴侧翻事故遇难的2名游客身份已确认，5名伤者转院。")
    assert not apart(coach, "盘山公路救援现场 一名救援队员受伤", "大巴侧翻救援现场，一名救援队员被落石砸伤，1人受伤。")


def test_two_firms_headlines_stay_apart_though_both_name_their_regulator() -> None:
    """东平化工…东平环保分局立案调查 and 东平纸业…, whose text tells the same branch of it, are two firms' breaches
    (round 110): a name both texts hold sets nothing apart, the firms' names still do. A follow-up naming the
    first firm again is its story."""
    scheme = SchemeConfig(name="企业", subjects=["东平化工", "东平纸业", "东平环保分局"], events={"超标": 3})
    judge = Judge([scheme])
    lead = stored_lead(
        canonical(
            f"东平化工雨水排口检出苯胺超标30倍 东平环保分局立案调查{TITLE_END}"
            "东平环保分局夜查东平化工厂区南侧雨水排口，水样苯胺浓度超标30倍，已立案调查。"
        )
    )

    def told(title: str, text: str) -> bool:
        return told_apart(lead, story(canonical(f"{title}{TITLE_END}{text}"), judge._words))

    assert told(
        "东平纸业雨水排口化学需氧量超标 企业称系雨水溢流", "东平环保分局在东平纸业东侧雨水排口取样，化学需氧量超标2倍。"
    )
    assert not told("东平化工被罚款120万元", "东平环保分局对东平化工雨水排口苯胺超标一案作出处罚。")


def test_a_cadre_named_by_post_and_surname_is_the_one_a_retelling_calls_by_that_surname() -> None:
    """原副大队长艾某被留置 and 路政那个艾队长被带走了 tell one story (round 110): the press names a cadre under
    investigation by surname and 某, a retelling by surname and post. Another surname, or another cadre the query
    says followed (又一名), is not drawn in."""
    lead = stored_report("东平区交通运输局路政大队原副大队长艾某被留置", "东平区纪委监委通报，艾某涉嫌严重违纪违法。")

    def joined(title: str, text: str) -> bool:
        return estimate(lead, story(canonical(f"{title}{TITLE_END}{text}")))[0] == 1.0

    assert joined("路政那个艾队长被带走了", "跑运输的都在群里传，说是收了超限车的钱。")
    assert joined("艾某案判了", "听说判了五年。")
    assert not joined("路政那个卞队长被带走了", "跑运输的都在群里传。")
    assert not joined("艾某被留置后 又一名原副大队长接受审查调查", "东平区纪委监委通报。")


def test_a_rough_head_count_both_say_does_not_make_a_post_retell_another_firms_arrears() -> None:
    """二十多名工人 is said of many stories: a post about one firm's unpaid workers does not retell another's
    for saying it too, while a rough figure of the story's own (二十多亩) still carries a retelling."""
    scheme = SchemeConfig(name="欠薪", subjects=["东平公交集团"], events={"拖欠": 3, "欠薪": 3})
    site = Item(
        "forum",
        "http://x/2",
        "顺安劳务称从未拖欠 但城东工地的工人坚持说仍被欠薪",
        "在城东安置房工地干活的工人发帖说，顺安劳务负责人在群里称工资按月发放、从未拖欠，"
        "但二十多名工人坚持说至今仍被欠薪，九月以来只领过两次生活费。",
    )
    other_firm = Item(
        "weibo",
        "http://y/2",
        "东平公交集团拖欠保洁工工资 保洁工讨薪半年无果",
        "东平公交集团外包的二十多名保洁工说，去年下半年的工资一直被拖欠，大家轮流去讨薪，每次都说再等等。",
    )
    assert not merged(site, other_firm, [scheme])
    fire = Item(
        "news",
        "http://x/3",
        "老鹰岭林场北坡林区雷击起火 明火已被控制",
        "昨天傍晚一场干雷暴过后，老鹰岭林场北坡林区一棵老松树被雷击起火，林场扑火队连夜扑救，"
        "今天凌晨明火已被控制，过火面积约二十多亩。",
    )
    told = Item("forum", "http://y/3", "打雷把老鹰岭北坡的树劈着了", "听说老鹰岭北坡烧了二十多亩，扑火队忙了一整夜。")
    forest = SchemeConfig(name="林场", subjects=["老鹰岭林场"], events={"起火": 4})
    assert merged(fire, told, [forest])
