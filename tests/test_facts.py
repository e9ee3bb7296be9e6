"""Casualty and loss figures read from Chinese news wording, with the traps that are not figures."""

from __future__ import annotations

import pytest

from bot.analysis.facts import (
    AFFECTED,
    DEATHS,
    INJURED,
    LOSS,
    MISSING,
    band_of,
    chinese_int,
    extract,
    hearsay_at,
    stated_tolls,
)
from bot.models import Tier


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("事故造成5人死亡", DEATHS, 5),
        ("两人遇难", DEATHS, 2),
        ("一名工人当场身亡", DEATHS, 1),
        ("死亡人数上升至15人", DEATHS, 15),
        ("遇难人数已增至23人", DEATHS, 23),
        ("已有三十余人罹难", DEATHS, 30),
        ("事故致1死3伤", DEATHS, 1),
        ("事故致1死3伤", INJURED, 3),
        ("造成一死两伤", INJURED, 2),
        ("８人中毒送医", INJURED, 8),
        ("１２人受伤", INJURED, 12),
        ("十余人受伤", INJURED, 10),
        ("现场多人受伤", INJURED, 2),
        ("数十人不同程度受伤", INJURED, 20),
        ("另有2人失联", MISSING, 2),
        ("3人失踪", MISSING, 3),
        ("紧急疏散群众200余人", AFFECTED, 200),
        ("转移安置1.2万人", AFFECTED, 12000),
        ("直接经济损失约1.2亿元", LOSS, 1.2e8),
        ("经济损失3000余万元", LOSS, 3e7),
        ("损失达80万元", LOSS, 8e5),
        ("事故共造成死亡3人、受伤5人", DEATHS, 3),
        ("事故共造成死亡3人、受伤5人", INJURED, 5),
        ("重伤2人，轻伤3人", INJURED, 3),
        ("1人送医后不治身亡", DEATHS, 1),
        ("十多人受伤", INJURED, 10),
        ("多名群众受伤", INJURED, 2),
        ("共有5名矿工被困井下", AFFECTED, 5),
        ("遇难者已达12名", DEATHS, 12),
        ("造成2死5伤", INJURED, 5),
        ("5名外包工人受伤", INJURED, 5),  # a kind of worker: 外包工人, 检修工人
        ("3名检修工人从锅炉检修平台坠落死亡", DEATHS, 3),
    ],
)
def test_figures_in_the_usual_phrasings(text: str, kind: str, value: float) -> None:
    assert extract(text).value(kind) == value


@pytest.mark.parametrize(
    "text",
    [
        "联系电话12345678，欢迎来电",
        "3月5日召开安全生产会议",
        "10人参加会议，部署安全生产",
        "今年交通事故死亡率同比下降3个百分点",
        "伤亡情况正在统计中",
        "2024年全市安全生产形势平稳",
        "第3人民医院开展演练",
        "编号110人民路",
    ],
)
def test_traps_are_not_figures(text: str) -> None:
    facts = extract(text)
    assert facts.figures == () and facts.band is None


def test_negated_casualties_are_none() -> None:
    for text in (
        "未造成人员伤亡",
        "事故无人员伤亡",
        "没有人员死亡",
        "所幸未造成人员伤亡。",
        "尚无人员伤亡报告",
        "无人受伤",
    ):
        facts = extract("仓库发生火灾，" + text)
        assert facts.band is None and facts.negated, text
    mixed = extract("事故无人员死亡，3人受伤")
    assert mixed.value(DEATHS) == 0 and mixed.value(INJURED) == 3 and mixed.negated == ("无人员死亡",)


def test_rumoured_figures_are_kept_apart() -> None:
    facts = extract("网传事故已造成12人死亡。官方通报1人死亡")
    assert facts.value(DEATHS) == 1 and facts.value(DEATHS, rumoured=True) == 12
    assert facts.band is Tier.IV and facts.rumoured_band is Tier.II
    assert facts.term() == "死亡 1 人" and facts.term(rumoured=True) == "死亡 12 人"
    for marker in ("据传", "疑似", "传言", "网曝", "有网友称"):
        assert extract(f"{marker}已有5人死亡").band is None, marker


def test_the_toll_rises_to_the_latest_figure() -> None:
    facts = extract("事故初步造成3人死亡。", "截至目前，死亡人数上升至12人，另有2人失踪")
    assert facts.value(DEATHS) == 12 and facts.value(MISSING) == 2
    assert facts.band is Tier.II
    assert facts.term() == "死亡 12 人、失踪 2 人"


def test_a_corrected_toll_stands_even_below_the_earlier_one() -> None:
    """此前通报…11人…现将遇难人数更正为9人: the correction is the toll (round 111), in its band; other kinds stay."""
    facts = extract(
        "关于便桥冲毁事故遇难人数的更正",
        "此前通报的便桥冲毁事故遇难人数为11人。经逐一核对身份，其中2人系重复统计，现将遇难人数更正为9人。另有3人受伤。",
    )
    assert facts.value(DEATHS) == 9 and facts.value(INJURED) == 3
    assert facts.band is Tier.III
    assert extract("死亡人数核减为4人").value(DEATHS) == 4


def test_official_bands() -> None:
    assert band_of(30, 0, 0) is Tier.I and band_of(29, 0, 0) is Tier.II
    assert band_of(0, 100, 0) is Tier.I and band_of(0, 99, 0) is Tier.II
    assert band_of(10, 0, 0) is Tier.II and band_of(9, 0, 0) is Tier.III
    assert band_of(0, 50, 0) is Tier.II and band_of(0, 49, 0) is Tier.III
    assert band_of(3, 0, 0) is Tier.III and band_of(2, 0, 0) is Tier.IV
    assert band_of(0, 10, 0) is Tier.III and band_of(0, 9, 0) is Tier.IV
    assert band_of(0, 0, 1e8) is Tier.I and band_of(0, 0, 5e7) is Tier.II and band_of(0, 0, 1e7) is Tier.III
    assert band_of(0, 0, 5000) is Tier.IV and band_of(0, 0, 0) is None
    assert extract("2人死亡、1人失踪").band is Tier.III  # missing count with deaths


def test_approximate_figures_are_lower_bounds() -> None:
    facts = extract("已有三十余人罹难")
    assert facts.band is Tier.I and facts.term() == "死亡 ≥30 人"


def test_a_loss_over_a_hundred_million_and_evacuations_said_loosely() -> None:
    # 上亿元 is at least 1亿: the loss band of 特别重大 (round 68)
    facts = extract("仓库大火 经济损失上亿元")
    assert facts.value(LOSS) == 1e8 and facts.band is Tier.I
    assert extract("紧急疏散周边群众1200余人").value(AFFECTED) == 1200
    assert extract("2000余名群众被紧急转移").value(AFFECTED) == 2000


def test_chinese_numerals() -> None:
    assert [chinese_int(t) for t in ("一", "两", "十", "十五", "二十三", "一百零五", "三百")] == [
        1,
        2,
        10,
        15,
        23,
        105,
        300,
    ]
    assert chinese_int("三三") is None


def test_stated_tolls_read_back_a_reason_line() -> None:
    reason = "主体「X」 + 事件「翻车」4×16=64 + 死亡 3 人、受伤 ≥10 人（较大）→ 45 + 网传 死亡 20 人（未证实，不计分） = 45 分 → III 较大"
    assert stated_tolls(reason) == {DEATHS: 3, INJURED: 10}


@pytest.mark.parametrize(
    "text, kind, value",
    [
        ("货车侧翻 兩名司機遇難", DEATHS, 2),  # traditional script
        ("礦井透水 十餘人失蹤", MISSING, 10),
        ("倉庫起火 造成直接經濟損失3600萬元", LOSS, 3.6e7),
        ("隧 道 塌 方 致 4 人 死 亡", DEATHS, 4),  # spaced out character by character
        ("大巴追尾 7 人受伤", INJURED, 7),
    ],
)
def test_figures_in_traditional_or_spaced_text(text: str, kind: str, value: float) -> None:
    assert extract(text).value(kind) == value


def test_two_numbers_apart_stay_apart() -> None:
    assert extract("事故致 1 2 人受伤").value(INJURED) == 2


def test_light_injuries_count_and_evacuations_set_no_band() -> None:
    facts = extract("液化气罐泄漏，转移居民500余人，2人受轻伤。")
    assert facts.value(INJURED) == 2
    assert facts.value(AFFECTED) == 500
    assert facts.band is Tier.IV  # the 500 evacuated set no band; the injured do


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("白沙镇一幼儿园二十余名儿童食物中毒住院", INJURED, 20),  # what happened sits between who and the word
        ("4名小学生在河边玩耍时溺水死亡", DEATHS, 4),
        ("两名驾驶员因一氧化碳中毒身亡", DEATHS, 2),
        ("6名工人煤气中毒", INJURED, 6),
        ("矿井透水事故 三名矿工溺亡", DEATHS, 3),  # 溺亡 carries no 死
        ("一户居民家８名亲友聚餐时一氧化碳中毒", INJURED, 8),  # what they did, then how
        ("两名工人清理沉淀池时死亡", DEATHS, 2),  # 死亡 after what they were doing
        ("村里数十名村民头晕胸闷 怀疑化工厂夜间排气", INJURED, 20),  # symptoms count the poisoned
        ("一名分拣员被传送带卷入死亡", DEATHS, 1),  # 传送带 is no 送医
        ("一环卫工凌晨清扫时被渣土车撞倒死亡", DEATHS, 1),  # a long stretch of what happened
    ],
)
def test_a_count_reaches_its_word_over_where_and_why(text: str, kind: str, value: float) -> None:
    assert extract(text).value(kind) == value


@pytest.mark.parametrize("text", ["8名专家研究死亡原因", "5名医生救治受伤群众", "3名工人获救未受伤"])
def test_the_stretch_between_count_and_word_is_no_free_gap(text: str) -> None:
    assert extract(text).figures == ()


def test_a_count_after_its_word_does_not_take_the_next_figure() -> None:
    facts = extract("化工厂闪爆 造成2人死亡15人受伤")  # not 死亡15人
    assert facts.value(DEATHS) == 2 and facts.value(INJURED) == 15 and facts.band is Tier.III


def test_spaced_figures_are_read() -> None:
    facts = extract("白 沙 镇 泥 石 流 4 人 失 踪")
    assert facts.value(MISSING) == 4 and facts.band is Tier.III
    # spaced word by word (round 101): no space parts a clause; a headline's two clauses stay apart
    assert extract("柞港 镇 榛岙村 6 名 村民 一氧化碳 中毒").value(INJURED) == 6
    assert extract("2名工人清理鱼塘时溺亡 家属要求追责").value(DEATHS) == 2  # not 溺亡家属: the space parts them


def test_a_role_noun_names_who_was_hurt() -> None:
    assert extract("7名用餐者中毒送医").value(INJURED) == 7
    assert extract("2名外卖员受伤").value(INJURED) == 2
    # twenty-second round: a two-character field before 人员 (医护人员, 救援人员, 工作人员)
    assert extract("持刀刺伤1名医生、1名护士，2名医护人员受伤").value(INJURED) == 2
    assert extract("5名救援人员在搜救中受伤").value(INJURED) == 5
    assert extract("12名专家分析死亡原因").figures == ()


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("痛心！蕖塘镇3名少年结伴下河游泳溺水身亡", DEATHS, 3),  # what they were doing, no 在 before it
        ("蒲溪镇两名工人清理化粪池时溺亡", DEATHS, 2),
        ("切纸机伤人事故 1名工人手指受伤", INJURED, 1),  # where on the body
        ("10名消防员赶到现场后受伤", INJURED, 10),
        ("区实验中学23名学生午餐后出现食物中毒症状", INJURED, 23),  # poisoned after lunch
        ("澜桥区实验小学食物中毒事件中毒学生增至56人", INJURED, 56),  # the word, who, then the new count
        ("茶园农药中毒事件中毒茶农增至12人", INJURED, 12),  # who by trade: 茶农, 养殖户 (round 111)
        ("中毒养殖户已达5人", INJURED, 5),
        ("第七中学学生中毒事件：就医学生增至58人", INJURED, 58),  # in a poisoning, those treated
        ("一中就诊学生增至53人 市疾控介入流调", INJURED, 53),  # a title with no harm word of its own
        ("第一中学食物中毒送医学生增至53人，其中5人留院观察", INJURED, 53),
        ("浔阳区第二实验小学14名学生出现呕吐腹泻", INJURED, 14),  # a poisoning's symptoms
        ("栈桥区人民医院一产妇剖宫产后死亡 家属质疑医疗事故", DEATHS, 1),  # one, without a measure word
        ("芷汀镇一男孩在鱼塘溺水身亡", DEATHS, 1),
        ("滨河大道公交侧翻事故伤者增至13人", INJURED, 13),
        ("岐湾地铁5号线柽柳站施工围挡被大风刮倒 3名路人受伤", INJURED, 3),  # a role noun in 人 (路人)
        ("绕城高速鲤跃收费站一收费员被货车撞倒身亡", DEATHS, 1),  # one, a role noun (收费员)
        ("蘩阳市第二人民医院一住院患者坠楼死亡 家属称院长避而不见", DEATHS, 1),  # which one (住院)
        ("十二名食客在城西一火锅店就餐后食物中毒", INJURED, 12),  # a long stretch of where
        ("供水公司一名外包焊工在储罐内作业时窒息死亡", DEATHS, 1),  # after 一名 any words name the one
        # an age between the count and who (round 65)
        ("区人民医院一名3岁患儿输液后死亡 家属质疑医疗事故", DEATHS, 1),
        ("一名5岁男孩在鱼塘溺水身亡", DEATHS, 1),
        ("2名6岁儿童落水身亡", DEATHS, 2),
        ("一位78岁的老人在家中一氧化碳中毒身亡", DEATHS, 1),
        ("3名12岁学生受伤", INJURED, 3),
        # how it befell them, right before the word; a household or both counted (round 66)
        ("一名女子不幸身亡", DEATHS, 1),
        ("一名男子不治身亡", DEATHS, 1),
        ("一名老人送医后不治身亡", DEATHS, 1),
        ("煤气泄漏致一家三口死亡", DEATHS, 3),
        ("一家四口一氧化碳中毒", INJURED, 4),
        ("夫妻双双遇难", DEATHS, 2),
        ("事故死者已达5人", DEATHS, 5),
        ("双方发生冲突 致2人轻微伤", INJURED, 2),
    ],
)
def test_a_count_reaches_a_harm_word_over_what_they_were_doing(text: str, kind: str, value: float) -> None:
    assert extract(text).value(kind) == value


@pytest.mark.parametrize(
    "text",
    [
        "30名村民自发前往看望受伤老人",  # a verb of caring in the stretch
        "20名员工参加遇难者悼念活动",  # the word qualifies people (遇难者)
        "50名干部赴现场慰问遇难者家属",
        "100名志愿者参与搜救遇难船员",
        "8名工人连续加班后身亡的传言不实",  # 身亡的: qualifies, and a rebuttal
        "12名专家分析中毒原因",  # a verb of looking into
        "5名医生全力救治中毒学生",
        "3000名市民到医院就医",  # no harm said
        "同一产妇在两家医院的死亡证明不一致",  # 一 inside 同一 counts no one
        "一对老人死亡后房产引发纠纷",  # 一对, 一家: more than one, said without a count
        "一线工人受伤后的赔偿标准",
        "一化工厂爆炸 死亡人数尚不清楚",  # 化工, 施工: no one
        "一名医生全力救治受伤群众",  # 一名 and a verb of caring
        "一名记者在现场看到有人死亡",  # the one is no victim: no count before the word
        "今年3岁的孩子死亡原因查明",  # an age counts no one
        "一家三口住在这里",  # a household, no harm
        "夫妻双双获奖",
        "一家三口看望受伤邻居",  # a verb of caring
        "死者家属到场",  # the dead named, not counted
    ],
)
def test_what_people_do_about_the_harmed_is_no_toll(text: str) -> None:
    assert extract(text).figures == ()


def test_a_netizens_claim_and_an_unconfirmed_figure_are_rumours() -> None:
    said = extract("今晚有网友在群里发消息称，望舒燃气公司管网施工事故造成12人死亡。")
    assert said.value(DEATHS) == 0 and said.value(DEATHS, rumoured=True) == 12 and said.band is None
    unconfirmed = extract("有人说管网施工事故造成12人死亡 记者核实未获证实")
    assert unconfirmed.band is None and unconfirmed.rumoured_band is Tier.II
    assert extract("官方通报：事故造成12人死亡").band is Tier.II  # 通报 is no claim


def test_a_figure_someone_confirms_after_a_rumour_in_its_sentence_is_no_rumour() -> None:
    """有网友称…，镇政府工作人员说目前确认2人受伤: the rumour is the netizens', the 2 injured are confirmed."""
    fire = extract("有网友称烧死了十几个人，镇政府工作人员说目前确认2人受伤送医，没有人员死亡。")
    assert fire.value(INJURED) == 2 and fire.band is Tier.IV
    assert extract("据传有人员伤亡，官方通报2人受伤").value(INJURED) == 2
    assert extract("网友称5人受伤，未经证实").band is None  # nobody confirms it
    assert extract("网传3人死亡，相关部门正在核实").band is None  # checking is no confirming
    assert extract("3人死亡的说法系网传").band is None  # the rumour word after the figure


def test_a_count_after_a_toll_that_starts_the_next_figure_is_not_read_back() -> None:
    """遇难 10人仍被困: the 10 belong to 被困 (仍 between), not to the dead before them."""
    trapped = extract("苇塘矿业集团二号井透水事故：2名矿工遇难 10人仍被困")
    assert trapped.value(DEATHS) == 2
    missing = extract("3人死亡 5人仍失联")
    assert (missing.value(DEATHS), missing.value(MISSING)) == (3, 5)


def test_a_headlines_clauses_parted_by_a_space_are_read_apart() -> None:
    # 溺亡 家属要求追责: the next clause's 家属 is not the people 溺亡 qualifies (溺亡家属)
    title = "12345工单：郝家洼村两名村民清理鱼塘淤泥时溺亡 家属要求追责"
    assert extract(title).value(DEATHS) == 2 and extract(title).band is Tier.IV
    # a rumour word in one clause still marks the figure of the next (one sentence)
    assert extract("网传江城公交集团客车追尾 车上30人死亡").band is None
    # a text spaced out character by character is still read as one run
    assert extract("江 城 化 工 厂 爆 炸 致 3 人 死 亡").value(DEATHS) == 3


def test_where_it_befell_them_may_hold_a_floor_number() -> None:
    assert extract("学校项目一名钢筋工从12楼坠落身亡").value(DEATHS) == 1
    assert extract("一名工人在3号楼顶检修时坠落身亡").value(DEATHS) == 1


def test_a_netizen_who_posted_a_video_saying_is_a_rumour() -> None:
    facts = extract("有网友在短视频平台发布视频称，医院住院部有一名患者坠楼身亡")
    assert facts.value(DEATHS) == 0 and facts.value(DEATHS, rumoured=True) == 1


def test_what_they_collided_with_may_stand_between_who_and_the_toll() -> None:
    # 与 joins two groups of people (3名工人与2名村民受伤); 与货车相撞 says what hit them
    assert extract("外卖平台一名骑手送餐途中与货车相撞身亡").value(DEATHS) == 1
    assert extract("两名骑手与一辆货车相撞受伤").value(INJURED) == 2
    assert extract("一名男子与妻子争吵后身亡").value(DEATHS) == 0


def test_who_may_be_a_two_character_word_and_人() -> None:
    assert extract("面包车超员翻入沟渠 交警：5名乘车人受伤").value(INJURED) == 5
    assert extract("3名负责人被问责").value(INJURED) == 0


def test_a_rumour_opening_a_later_clause_leaves_the_figure_before_it_confirmed() -> None:
    told = extract("化工厂爆炸致1人受伤，网传多人死亡系谣言")
    assert told.value(INJURED) == 1 and told.value(DEATHS) == 0 and told.value(DEATHS, rumoured=True) >= 2
    spaced = extract("化工厂爆炸致1人受伤 网传多人死亡系谣言")  # a space parts clauses like a comma
    assert spaced.value(INJURED) == 1
    after = extract("3人死亡的说法系网传")  # a rumour word in the figure's own clause
    assert after.value(DEATHS) == 0 and after.value(DEATHS, rumoured=True) == 3
    qualified = extract("多名教师聚餐后中毒，疑似食物中毒")  # 疑似 qualifies the clause before it
    assert qualified.value(INJURED) == 0


@pytest.mark.parametrize(
    ("text", "deaths"),
    [
        ("一员工在车间作业时被卷入设备，经抢救无效死亡", 1),  # the next clause ends the same person's story
        ("一名员工坠落 经抢救无效死亡", 1),  # a space parts clauses like a comma
        ("一乘客摔倒受伤，送医后不治身亡", 1),
        ("两名工人被埋，经抢救无效死亡", 2),
        ("3名工人受伤，其中1人经抢救无效死亡", 1),
        ("5名医生全力救治，经抢救无效死亡", 0),  # who cared for them is no toll
        ("一员工在车间作业时被卷入设备，已送医救治", 0),
    ],
)
def test_a_death_told_in_the_next_clause(text: str, deaths: int) -> None:
    assert extract(text).value(DEATHS) == deaths


def test_a_count_after_a_death_word_is_not_the_next_figure_s() -> None:
    # 2人死亡 3人重伤: the 3 are the seriously injured, not a second death toll
    for text in ("发生安全事故致2人死亡 3人重伤", "事故造成死亡2人 3人轻伤", "2人死亡 5人烧伤"):
        facts = extract(text)
        assert facts.value(DEATHS) == 2 and facts.value(INJURED) >= 3, text
    assert extract("造成死亡3人、受伤5人").value(DEATHS) == 3


@pytest.mark.parametrize(
    ("text", "deaths"),
    [
        ("隧道透水 12人被困 其中3人已无生命体征", 3),  # deaths told without a death word (round 91)
        ("一名工人被救出时已没有生命体征", 1),
        ("一员工在车间内猝死", 1),
        ("伤者生命体征平稳", 0),
        ("一名走失老人在河边被发现 已无生命体征", 1),  # the next clause tells the same person's end
    ],
)
def test_no_vital_signs_and_sudden_death_are_deaths(text: str, deaths: int) -> None:
    assert extract(text).value(DEATHS) == deaths


@pytest.mark.parametrize(
    ("text", "deaths", "injured"),
    [
        ("公交车与货车相撞 致司机及2名乘客死亡", 3, 0),  # one person named beside the count is one more
        ("升降机坠落 一名工人和2名管理人员当场死亡", 3, 0),
        ("一名教师和3名学生受伤", 0, 4),
        ("司机与3名乘客发生争执", 0, 0),
    ],
)
def test_one_person_beside_a_count_is_one_more(text: str, deaths: int, injured: int) -> None:
    facts = extract(text)
    assert (facts.value(DEATHS), facts.value(INJURED)) == (deaths, injured)


@pytest.mark.parametrize(
    ("text", "deaths"),
    [
        ("公交车撞倒一名行人 行人当场身亡", 1),  # one person, named again where the death is told (round 91)
        ("一男子落水 男子不幸溺亡", 1),
        ("一名老人走失 老人家属报警", 0),
        ("一行人在景区迷路 行人多次呼救", 0),  # 一行人: a group
    ],
)
def test_one_person_named_again_where_the_death_is_told(text: str, deaths: int) -> None:
    assert extract(text).value(DEATHS) == deaths


@pytest.mark.parametrize(
    ("text", "injured"),
    [
        # one person hurt, said with 一名 and a long way to the word (round 101: graded by the explosion alone, I)
        ("一名外卖骑手在闪犀换电柜换电时电池爆燃被烧伤", 1),
        ("一男子被掉落的广告牌砸伤", 1),
        ("一线工人受伤情况正在统计", 0),  # 一线: the front line, no one person
    ],
)
def test_one_person_hurt(text: str, injured: int) -> None:
    assert extract(text).value(INJURED) == injured


@pytest.mark.parametrize(
    ("text", "deaths", "approx"),
    [
        ("爆炸事故遇难人数升至两位数", 10, True),  # double figures: ten or more (round 91)
        ("化工厂爆炸 目前已知2死", 2, False),  # the count closing its clause
        ("工地坍塌 现场搜救出3具遗体", 3, False),  # bodies found
        ("两位专家分析死亡原因", 0, False),
        ("一死了之的想法", 0, False),
    ],
)
def test_double_figures_bare_counts_and_bodies(text: str, deaths: int, approx: bool) -> None:
    facts = extract(text)
    assert facts.value(DEATHS) == deaths
    assert any(f.approx for f in facts.figures if f.kind == DEATHS) is approx


@pytest.mark.parametrize(
    ("text", "confirmed", "heard"),
    [
        ("化工厂爆炸已致10人死亡？", 0, 10),  # asked: the figure's clause ends the question (round 91)
        ("爆炸致10人死亡，谁之过？", 10, 10),  # the question is another clause's
        ("網傳化工廠爆炸已致10人死亡", 0, 10),  # hearsay in traditional characters
    ],
)
def test_a_figure_asked_or_heard_is_rumoured(text: str, confirmed: int, heard: int) -> None:
    facts = extract(text)
    assert (facts.value(DEATHS), facts.value(DEATHS, rumoured=True)) == (confirmed, heard)


def test_people_unaccounted_for_count_as_missing() -> None:
    facts = extract("化工厂爆炸 已知3人死亡 仍有10余人下落不明")
    assert facts.value(DEATHS) == 3 and facts.value(MISSING) == 10
    assert facts.band is Tier.II  # the dead and the missing together: 13


def test_a_reporter_s_check_confirms_the_figure_after_a_rumour() -> None:
    facts = extract("网传化工厂爆炸 记者核实：确有爆炸 3人受伤")
    assert facts.value(INJURED) == 3
    assert extract("网传化工厂爆炸 3人受伤 有待核实").value(INJURED) == 0


@pytest.mark.parametrize(
    ("text", "deaths", "injured"),
    [
        ("爆炸已致死亡9人受伤30人", 9, 30),  # each count after its word
        ("死亡12人受伤3人", 12, 3),
        ("3人死亡12人受伤", 3, 12),  # each count before its word
        ("3人受伤5人死亡", 5, 3),
    ],
)
def test_counts_belong_to_the_words_they_are_written_with(text: str, deaths: int, injured: int) -> None:
    facts = extract(text)
    assert [f.value for f in facts.figures if f.kind == DEATHS] == [deaths]
    assert [f.value for f in facts.figures if f.kind == INJURED] == [injured]


def test_those_who_fell_on_duty_count_as_deaths() -> None:
    assert extract("化工厂爆炸 3名消防员牺牲").value(DEATHS) == 3
    assert extract("2名救援人员殉职").value(DEATHS) == 2
    assert extract("他牺牲了休息时间").figures == ()


def test_a_qualifier_inside_a_sentence_marks_only_its_clause() -> None:
    # 疑似 qualifies the cause; the pupils sent to hospital are a fact
    assert extract("学校食堂疑似食物中毒 十余名学生送医").value(INJURED) == 10
    assert extract("学生午餐后疑似食物中毒，23名学生出现呕吐腹泻").value(INJURED) == 23
    # opening the sentence it qualifies all of it; a source (网传) always does
    assert extract("疑似列车相撞 上百人受伤").value(INJURED) == 0
    assert extract("网传工厂爆炸，3人死亡").value(DEATHS) == 0


@pytest.mark.parametrize(
    ("text", "deaths"),
    [
        ("一名快递员送件途中与渣土车相撞身亡", 1),  # what they were doing, then what hit them
        ("一名男子与妻子争吵后身亡", 0),  # 与 joins no collision here: not read as before
        ("一名乘客下车尚未站稳，车门夹住背包后车辆起步，乘客被拖行十余米，经抢救无效死亡", 1),  # what befell them again
        ("柳湾大堤下发现一名落水男子 被救上岸时已无生命体征", 1),  # got out of the water, no vital signs
        ("一名老人走失，被发现时已无生命体征", 1),
        ("驿站火灾 店主被救出时已无生命体征", 1),  # one person by a role, no count
        ("货车司机当场死亡", 1),
        ("3名工人当场死亡", 3),  # the count said wins
        ("网传店主已无生命体征", 0),  # hearsay
        # the end in plain words (round 111): no breath, drowned
        ("河湾村一老人在菜地碰到垂落的电线 当场没了呼吸", 1),
        ("一位老人在地里打完药倒在田埂上 家人赶到时已经没了呼吸", 1),
        ("一男子在鱼塘抽水时落水 被发现时已淹死", 1),
        ("司机被救出时已没了呼吸", 1),
        ("一名男孩落水后差点淹死，被路人救起", 0),  # nearly
        ("他说累得没了呼吸的力气", 0),
    ],
)
def test_one_death_told_without_a_count_beside_its_word(text: str, deaths: int) -> None:
    # a single death read as such sets the 一般 band (IV) instead of the death word's score alone (I)
    assert extract(text).value(DEATHS) == deaths


@pytest.mark.parametrize(
    ("text", "injured"),
    [
        ("航站楼一块吊顶坠落 砸伤5名旅客", 5),  # hurt, told by what hurt them, the count after
        ("2名游客在入口被挤伤", 2),
        ("一名男子被狗咬伤", 1),
        ("吊顶坠落砸伤者已出院", 0),  # the people it qualifies, no count
    ],
)
def test_hurt_told_by_what_hurt_them(text: str, injured: int) -> None:
    assert extract(text).value(INJURED) == injured


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("鸣川市看守所一在押人员死亡 家属称遗体多处淤青", DEATHS, 1),  # one, by a role noun in 人员 (round 98)
        ("一名在押人员死亡", DEATHS, 1),
        ("一名当事人在梓岭区法院诉讼服务中心坠楼身亡", DEATHS, 1),  # who in 人, then where, then what they did
        ("一名律师在南埠人民法庭门口被殴打受伤", INJURED, 1),  # a role in 师; 人民 in a place starts no count
        ("一名男子在人民路被车撞倒身亡", DEATHS, 1),
        ("押解车与货车相撞 致司机及2名押解民警死亡", DEATHS, 3),  # 押解民警: a role noun in 民警
        ("婚车车队出事 致司机及2名伴娘死亡", DEATHS, 3),  # 伴娘: a wedding's roles (round 99)
        ("直播基地仓库起火 十余名主播和员工受伤", INJURED, 10),  # two groups counted together (round 100)
        ("脚手架倒塌 5名工人和2名路人受伤", INJURED, 7),  # two counts of two groups add up (round 100)
        ("出租车冲上站台 十余名候车乘客和路人受伤", INJURED, 10),  # a group said with where they were (round 104)
        ("景区索道故障 3名排队游客和1名工作人员受伤", INJURED, 4),
        ("客车侧翻 2名司机和3名乘客死亡", DEATHS, 5),
        ("造成2人死亡、3人受伤", INJURED, 3),  # two words: no sum
        ("月子会所送医新生儿增至11人 涉事会所停业整顿", INJURED, 11),  # 新生儿, 婴儿: who (round 99)
        ("一男子翻越护网闯入线路 被动车撞倒身亡", DEATHS, 1),  # what befell him in the next clause (round 99)
        ("一名工人违规操作，被机器卷入死亡", DEATHS, 1),
        ("一名护士在病房护理受伤患者", INJURED, 0),  # 护理 cares; 护网 is climbed over
        ("一名在押人员凌晨突发疾病 送医时已无生命体征", DEATHS, 1),  # the end, told when taken to hospital
        ("一名医生在人民医院救治受伤群众", INJURED, 0),  # a verb of caring ends where they were
        ("3名医生在医院救治受伤群众", INJURED, 0),
        ("鹭汀博物馆一名保安夜间巡查时坠落 经抢救无效死亡", DEATHS, 1),  # rounds are what he was doing (round 105)
        ("2名电工排查线路时触电身亡", DEATHS, 2),
        ("3名专家调查死亡原因", DEATHS, 0),  # 查 alone still looks into
    ],
)
def test_ones_told_by_longer_roles_and_places(text: str, kind: str, value: int) -> None:
    assert extract(text).value(kind) == value


def test_a_later_clause_about_the_other_claims_leaves_the_figure_confirmed() -> None:
    # round 98: 其余说法未经核实 qualifies the other claims, not the official figure before it
    facts = extract("官方目前通报的是2名戒毒人员死亡，其余说法未经核实。")
    assert facts.value(DEATHS) == 2 and not any(f.rumoured for f in facts.figures)
    assert all(f.rumoured for f in extract("据悉3人死亡，消息未经证实。").figures)  # the news itself, unconfirmed


@pytest.mark.parametrize(
    ("text", "word", "rumoured"),
    [
        ("有网友在群里称这次清仓埋了十几个人，遇难的远不止通报的数字。", "遇难", True),
        ("網傳倉裏有人遇難。", "遇難", True),  # read in simplified characters
        ("粮堆塌下，2人经抢救无效死亡。有网友称还有人被困。", "死亡", False),  # the rumour is the next sentence's
        ("有网友称烧死了人，镇政府工作人员说目前确认1人死亡。", "死亡", False),  # confirmed after the rumour
    ],
)
def test_a_toll_word_is_hearsay_only_in_a_rumoured_sentence(text: str, word: str, rumoured: bool) -> None:
    assert hearsay_at(text, text.index(word)) is rumoured


def test_a_pair_named_after_the_toll_word_is_not_one_dead() -> None:
    """遇难者为一对母女: 一 counts a pair here, not one person; no figure beats a wrong one."""
    assert extract("渣土车压车事故遇难者为一对母女 运输公司赔偿260万").value(DEATHS) == 0
    assert extract("遇难者为一名外卖员").value(DEATHS) == 1


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        # 连人带车 starts no count (round 102)
        ("莘川地铁2号线围挡旁路面塌陷 一名外卖骑手连人带车掉进坑里受伤", INJURED, 1),
        # what hit them may take more words (与一辆重型货车相撞身亡)
        ("一名冷藏车司机驾车往外县送货途中与一辆重型货车相撞身亡", DEATHS, 1),
    ],
)
def test_one_person_befallen_after_longer_doings(text: str, kind: str, value: int) -> None:
    assert extract(text).value(kind) == value


def test_a_drone_in_what_they_were_doing_is_no_negation() -> None:
    """放无人机时落水 … 已无生命体征: 无 of 无人机 negates nothing, so the man's death counts (round 103)."""
    facts = extract("一男子在机场外围水塘放无人机时落水 被救出时已无生命体征", "")
    assert facts.value(DEATHS) == 1 and facts.band is Tier.IV
    assert extract("一男子在机场外围水塘放风筝时落水 被救出时已无生命体征", "").value(DEATHS) == 1


def test_a_toll_of_team_members_rising_is_read() -> None:
    """遇难扑火队员增至4人: the dead counted by their team role (round 103), as 4名扑火队员遇难 was."""
    assert extract("杉木岭森林火灾遇难扑火队员增至4人", "").value(DEATHS) == 4
    assert extract("12名救援队员分析死亡原因", "").figures == ()


def test_missing_after_what_befell_them_and_a_manhole_as_where() -> None:
    """2名抢险队员落水失踪: what befell them between who and the word (round 106), as deaths and injuries were read;
    一名巡查员被冲入检查井身亡: a 检查井 is where, not a looking into; experts looking into a cause of death are no
    toll."""
    assert extract("楗江大堤楗港段发生管涌 2名抢险队员落水失踪", "").value(MISSING) == 2
    facts = extract("暴雨中棼阳水务集团一名巡查员被冲入检查井身亡", "")
    assert facts.value(DEATHS) == 1 and facts.band is Tier.IV
    assert extract("3名专家检查井下情况后死亡原因查明", "").figures == ()


def test_a_count_closing_its_clause_is_not_the_next_clause_s_missing() -> None:
    """死亡人数上升至3人 失联司机遗体找到: the 3 are the dead; 失联司机 is who was found (round 106). A count before a
    bare figure word still reads it (造成3人 受伤)."""
    facts = extract("采石场坍塌事故死亡人数上升至3人 失联司机遗体找到", "")
    assert facts.value(DEATHS) == 3 and facts.value(MISSING) == 0
    assert extract("事故已造成3人 受伤", "").value(INJURED) == 3


def test_a_poisoning_opening_the_next_clause_befell_those_counted_before_it() -> None:
    """3名受助人员烧炭取暖 一氧化碳中毒 and 一位82岁的老人独自在家烧煤炉取暖，不幸一氧化碳中毒身亡 tell what they were
    doing, then the poisoning that befell them (round 107); a clause opening with anything else stays its own, and the
    cause of a poisoning is no toll."""
    assert extract("救助站3名受助人员烧炭取暖 一氧化碳中毒", "").value(INJURED) == 3
    assert extract("一位82岁的老人独自在家烧煤炉取暖 不幸一氧化碳中毒身亡", "").value(DEATHS) == 1
    assert extract("3名工人清理化粪池，一氧化碳中毒原因正在调查", "").figures == ()
    assert extract("5名工人烧炭取暖，其中2人一氧化碳中毒", "").value(INJURED) == 2


def test_a_count_opening_a_headline_s_next_clause_is_that_clause_s() -> None:
    """长者食堂疑似食物中毒 8名老人送医: 疑似 qualifies its own clause, and the 8 taken to hospital are the next
    clause's, not a count after 中毒 (round 107); those taken to hospital are hurt. 网传 marks the whole sentence."""
    facts = extract("长者食堂疑似食物中毒 8名老人送医", "")
    assert facts.value(INJURED) == 8 and not facts.figures[0].rumoured
    assert extract("网传长者食堂中毒 8名老人送医", "").value(INJURED) == 0
    assert extract("化工厂爆炸 3人死亡 5人受伤", "").value(DEATHS) == 3


def test_a_long_stretch_of_what_they_did_and_a_sidewalk_reach_the_word() -> None:
    """一名保洁员凌晨在荏坪大道清扫时被小货车撞倒 经抢救无效死亡 (16 characters of what befell them), 一名8岁男孩在…人行道上
    玩耍时跌入…窨井，经抢救无效死亡 (人行道 starts no count) and …被撞倒，送医后经抢救无效死亡 are one death each
    (round 107); 致司机及2名随车保洁员死亡 counts the driver too."""
    assert extract("一名保洁员凌晨在荏坪大道清扫时被小货车撞倒 经抢救无效死亡", "").value(DEATHS) == 1
    assert extract("一名8岁男孩在雁鸣路人行道上玩耍时跌入窨井，经抢救无效死亡", "").value(DEATHS) == 1
    assert extract("一名保洁员在路边清扫时被撞倒，送医后经抢救无效死亡", "").value(DEATHS) == 1
    assert extract("洒水车被追尾 致司机及2名随车保洁员死亡", "").value(DEATHS) == 3
    assert extract("3名专家在人行道上分析死亡原因", "").figures == ()


def test_one_person_named_beside_a_count_of_missing_is_one_more() -> None:
    """船长及5名船员出海捕捞时失联 is 6 missing, as 致司机及2名乘客死亡 is 3 dead (round 107)."""
    assert extract("船长及5名船员出海捕捞时失联", "").value(MISSING) == 6
    assert extract("5名船员出海捕捞时失联", "").value(MISSING) == 5
