"""The twelfth round's repost cues (issue #12, item 7): a netizen's retelling told in the first person
or with spoken deixis, one keeping only the story's own words, a query adding victims to a story told
without any, and places misread from 'in the river' or a verb before a name."""

from __future__ import annotations

from bot.analysis.matcher import Matcher
from bot.analysis.story import FEATURES, RETOLD_OWN, TITLE_END, canonical, features, sites, stored_lead, story
from bot.config import SchemeConfig

COLD_STORE = (
    "蓝帆冷链物流园液氨泄漏 12人送医"
    + TITLE_END
    + "今日上午9时许，蓝帆冷链物流园一号冷库机房发生液氨泄漏，在库内装卸货物的12名工人出现不适，已送医观察。"
)
WAGES = (
    "12345工单摘要：蒲溪纸业公司欠发工资"
    + TITLE_END
    + "来电人反映：其为蒲溪纸业公司打浆车间工人，公司自8月起拖欠工资至今，车间同事都没领到。"
)


def feature(name: str, stored: str, query: str) -> float:
    return features(stored_lead(canonical(stored)), story(canonical(query)))[FEATURES.index(name)]


def test_a_first_person_retelling_keeping_the_storys_own_words_is_retold() -> None:
    told = (
        f"冷链园那边机房漏了{TITLE_END}我表姐在物流园上班，早上冷库机房那边液氨泄漏，一股刺鼻味，装卸货的工人都送医了"
    )
    assert feature("retold", COLD_STORE, told) == 1.0
    # the same words told as a plain report: no netizen's voice, so no retelling
    plain = f"物流园冷库机房液氨泄漏{TITLE_END}早上冷库机房液氨泄漏，装卸货物的工人送医"
    assert feature("retold", COLD_STORE, plain) == 0.0


def test_first_person_relatives_and_spoken_deixis_mark_a_netizens_voice() -> None:
    stored = "芷汀镇中心小学一段围墙倒塌 3名学生被砸伤" + TITLE_END + "芷汀镇中心小学操场西侧一段砖砌围墙倒塌。"
    for voice in ("我侄子说", "我同学说", "我家娃说", "那边"):
        told = f"中心小学围墙倒塌{TITLE_END}{voice}芷汀镇中心小学操场边的围墙倒了，砸到三个同学"
        assert feature("retold", stored, told) == 1.0, voice
    told = f"中心小学围墙倒塌{TITLE_END}芷汀镇中心小学操场边的围墙倒了，砸到三个同学"
    assert feature("retold", stored, told) == 0.0


def test_a_retelling_needs_three_of_the_storys_own_words() -> None:
    assert RETOLD_OWN == 3
    two = f"那边漏了{TITLE_END}我表姐说早上冷库出事了，好多人送医了"  # 冷库, 送医
    four = f"那边漏了{TITLE_END}我表姐说早上冷库机房出事了，好多人送医了"  # 冷库, 机房, 库机, 送医
    assert feature("retold", COLD_STORE, two) == 0.0
    assert feature("retold", COLD_STORE, four) == 1.0


def test_victims_counted_only_by_the_query_are_a_feature() -> None:
    rumour = f"蒲溪纸业车间出事故了 有网友称12人死亡{TITLE_END}厂门口停了两辆救护车"
    assert feature("toll_new", WAGES, rumour) == 1.0
    assert feature("toll_new", COLD_STORE, f"冷链物流园液氨泄漏 送医人数增至15人{TITLE_END}最新消息") == 0.0
    assert feature("toll_new", WAGES, f"蒲溪纸业欠薪{TITLE_END}工人又去厂门口了") == 0.0


def test_in_the_river_and_a_verb_before_a_name_are_no_sites() -> None:
    assert sites(canonical("好几个人直接掉江里了")) == {}
    assert sites(canonical("孩子掉河里被救起")) == {}
    assert "water" not in sites(canonical("一名游客落入浔江"))
    assert sites(canonical("住在锦绣里小区的居民")).get("estate") == frozenset({"锦绣"})  # a 里 that names a site


def test_a_bare_first_person_or_a_spoken_question_marks_a_netizens_voice() -> None:
    """Twentieth round: 我 on its own (我昨晚在…) and spoken questions (是不是, 有没有, 能不能) are a
    netizen's voice; 我市, 我区, 自我 are an office's or nobody's."""
    stored = "芷汀镇中心小学一段围墙倒塌 3名学生被砸伤" + TITLE_END + "芷汀镇中心小学操场西侧一段砖砌围墙倒塌。"
    for voice in ("我昨天路过看到", "是不是前几天下雨泡软了", "有没有人知道", "能不能查查"):
        told = f"中心小学围墙倒塌{TITLE_END}{voice}，芷汀镇中心小学操场边的围墙倒了，砸到三个同学"
        assert feature("retold", stored, told) == 1.0, voice
    for office in ("我市", "我区教育局通报", "自我检查发现"):
        told = f"中心小学围墙倒塌{TITLE_END}{office}芷汀镇中心小学操场边的围墙倒了，砸到三个同学"
        assert feature("retold", stored, told) == 0.0, office


def test_a_report_quoting_netizens_in_a_group_chat_is_no_netizens_voice() -> None:
    """Twenty-second round: 有网友在群里称… is a reporter quoting netizens (a brickworks' collapse,
    with a rumour from a chat group, is no retelling of a minibus crash in the same village);
    a poster's own 群里 still is a netizen's voice."""
    stored = "苕坪乡一辆面包车翻入河沟 已致2人死亡" + TITLE_END + "苕坪乡杏峪村一辆面包车翻入河沟，已致2人死亡6人受伤。"
    quoted = f"苕坪乡一砖厂窑体坍塌 1名工人受伤{TITLE_END}杏峪村一家砖厂旧窑体坍塌，有网友在群里称有十几人被埋，经乡政府核实未经证实"
    assert feature("retold", stored, quoted) == 0.0
    own = f"杏峪村翻车了{TITLE_END}群里都在传，杏峪村那个急弯面包车翻到河沟里了"
    assert feature("retold", stored, own) == 1.0


def test_a_pronoun_a_relative_a_verb_or_an_office_before_a_kind_of_place_names_no_site() -> None:
    """Twentieth round: 我卡里 (in my card), 侄子学校 (my nephew's school), 老板跑路 (ran off) and
    市场监管局 (an office) are no sites; a named site beside them still is."""
    assert sites(canonical("我卡里还剩两千多")) == {}
    assert sites(canonical("侄子学校下午停课了")) == {}
    assert sites(canonical("孩子学校的午饭")) == {}
    assert sites(canonical("健身房老板跑路了")) == {}
    assert sites(canonical("区市场监管局连夜检查")) == {}
    assert sites(canonical("侄子在葵园中学读初二")) == {"school": frozenset({"葵园"})}
    assert sites(canonical("蘩阳农贸市场一摊位")) == {"venue": frozenset({"蘩阳"})}


def test_a_project_type_between_name_and_kind_is_no_name() -> None:
    """A site's name comes before what kind of project it is (渡鸦湾安置房项目 is the site 渡鸦湾, as the
    retelling's 渡鸦湾工地 is); a describing word before the type still names nothing."""
    assert sites(canonical("交建集团渡鸦湾安置房项目塔吊倒塌")) == {"venue": frozenset({"渡鸦湾"})}
    assert sites(canonical("洄龙湾商业综合体项目农民工讨薪")) == {"venue": frozenset({"洄龙湾"})}
    assert sites(canonical("一在建住宅项目工地")) == {}


def test_a_thing_knocked_over_is_no_traffic_accident() -> None:
    from bot.analysis.story import events

    assert events(canonical("城管上去就推，菜筐都踢翻了")) == frozenset()
    assert events(canonical("打翻了一锅热汤")) == frozenset()
    assert events(canonical("一辆罐车在河边翻了")) == {"交通事故"}


def test_a_retelling_pointing_at_a_named_site_keeps_it() -> None:
    """葵园那个中学 names the school 葵园中学: a retelling puts "that" between the name and the kind."""
    stored = "蘩阳市葵园中学一名初二学生长跑测试后晕倒" + TITLE_END + "蘩阳市葵园中学一名初二男生在长跑测试后晕倒。"
    told = f"孩子练长跑出事了{TITLE_END}听说城里葵园那个中学一个孩子长跑完就倒下了"
    assert feature("site_same", stored, told) == 1.0
    assert feature("site_same", stored, f"孩子练长跑出事了{TITLE_END}听说城里那个中学一个孩子长跑完就倒下了") == 0.0


def test_a_works_named_by_its_trade_is_no_site() -> None:
    """污水厂 is a sewage plant (the trade 污水 and 厂), not a 水厂 named 投诉污: a misread name made
    a resident's complaint about the same plant read as another site."""
    assert sites(canonical("周边居民投诉污水厂臭气熏人")) == {}
    assert sites(canonical("每周对污水厂周边开展巡查")) == {}
    assert sites(canonical("城东水厂出水主干管爆管")) == {"works": {"城东"}}  # a 水厂 that is named


def test_hearsay_keeping_the_storys_words_retells_it_and_naming_only_its_leader_does_not() -> None:
    """Twenty-eighth round: 网传…死了三十多人 keeping the story's own words retells the story (a rumoured toll
    is no new story); 网传 naming only the leader of an earlier story is as often a new allegation."""
    blast = (
        "芃溪镇化工物流园一危化品仓库爆炸 已致2人死亡"
        + TITLE_END
        + "芃溪镇化工物流园内一座危化品仓库下午发生爆炸，已致2人死亡，周边企业员工已疏散。"
    )
    rumour = f"网传芃溪化工园爆炸死了三十多人 官方还在瞒{TITLE_END}有人发视频说芃溪化工园仓库爆炸死了三十多人。"
    assert feature("retold", blast, rumour) == 1.0
    bribe = (
        "临川市交通运输局局长周海涛被举报违规收受礼金"
        + TITLE_END
        + "市纪委监委收到群众来信，反映临川市交通运输局局长周海涛违规收受礼金，目前正在核查。"
    )
    drink = (
        "网传临川市交通运输局局长周海涛酒后驾车引发事故"
        + TITLE_END
        + "临川市交通运输局局长周海涛昨晚酒后驾车，在滨湖路引发交通事故后离开现场。"
    )
    transport = SchemeConfig(
        name="临川交通", regions=["临川"], subjects=["临川市交通运输局"], leaders=["周海涛"], events={"事故": 3}
    )
    lookup = Matcher([transport]).words_in
    retold = FEATURES.index("retold")
    assert features(stored_lead(canonical(bribe)), story(canonical(drink), lookup))[retold] == 0.0
    # the same claim heard from a netizen (我听说) is a retelling of the leader's story, as before
    heard = drink.replace("网传", "我听说", 1)
    assert features(stored_lead(canonical(bribe)), story(canonical(heard), lookup))[retold] == 1.0


def test_a_neighbour_in_a_report_is_no_netizens_voice() -> None:
    """Round 92: 邻居破门把人救出 is the reporter telling who helped (an electric blanket fire in a farmhouse
    is no retelling of one in the town's old people's home); 我邻居说 is still a netizen's voice."""
    stored = (
        "河口镇敬老院电热毯起火 一名五保老人死亡"
        + TITLE_END
        + "12月5日凌晨，长阳区河口镇敬老院一间宿舍电热毯短路起火，行动不便的老人死亡。"
    )
    report = (
        "长阳区一农户家中电热毯起火 独居老人被烧伤"
        + TITLE_END
        + "12月7日夜间，长阳区雷家沟村一户人家电热毯起火，独居老人被烧伤，邻居破门把人救出送医。"
    )
    assert feature("retold", stored, report) == 0.0
    told = "河口镇敬老院着火了" + TITLE_END + "邻居说敬老院里电热毯烧起来了，有个老人没出来。"
    assert feature("retold", stored, told) == 1.0


def test_a_retelling_keeping_the_line_or_the_route_keeps_the_story() -> None:
    """Round 92: 3号线今早堵了20分钟 with 听说…晕倒 names no site, subject or word of the story's own but the
    metro line (a bus route counts alike). Another line's post keeps nothing."""
    stored = (
        "兴川地铁3号线一乘客突发疾病晕倒 列车延误20分钟"
        + TITLE_END
        + "11月14日早高峰，兴川地铁3号线一列车上一名男乘客突发疾病晕倒，列车在下一站停车处置，后续列车延误约20分钟。"
    )
    told = "3号线今早堵了20分钟" + TITLE_END + "听说车厢里有人晕倒了，车在站台停了好久，上班又迟到了。"
    assert feature("retold", stored, told) == 1.0
    other = "5号线今早堵了20分钟" + TITLE_END + "听说车厢里有人晕倒了，车在站台停了好久，上班又迟到了。"
    assert feature("retold", stored, other) == 0.0


def test_a_friend_s_account_is_a_netizens_voice() -> None:
    """Round 92: 闺蜜说她同事… passes on what a friend said, as 听说 does; it keeps the station and the bag."""
    stored = (
        "兴川地铁1号线石马站屏蔽门夹住乘客背包 列车拖行数米"
        + TITLE_END
        + "6月3日晚高峰，兴川地铁1号线石马站，一名女乘客的背包带被屏蔽门和车门夹住，列车启动后拖行数米。"
    )
    told = "以后坐1号线真得把包抱在胸前" + TITLE_END + "闺蜜说她同事昨晚在石马站被屏蔽门夹住背包带，被车拖着摔倒了。"
    assert feature("retold", stored, told) == 1.0


def test_the_dead_s_family_and_a_night_counted_on_tell_the_story_going_on() -> None:
    """触电身亡电工的家属 points back at the story's dead; 停电第三晚 counts on the story's nights, so its 又一次停电
    tells no other outage (round 111). A first report says neither."""
    shock = (
        "衡水电建一名外包电工线路迁改时触电身亡"
        + TITLE_END
        + "昨天上午，柏林路一处线路迁改工地，衡水电建一名外包电工在杆上作业时触电，从高处跌落，送医后身亡。"
    )
    family = f"触电身亡电工的家属：衡水电建到现在没人露面{TITLE_END}柏林路触电去世的那位电工，家属赶到已经三天，公司没人露面。"
    assert feature("followup", shock, family) == 1.0
    outage = "高温下用电负荷创新高 多个小区夜间停电" + TITLE_END + "前晚9时起，澄月小区等多个小区先后停电。"
    third = f"澄月小区停电第三晚 居民到营业厅讨说法{TITLE_END}昨晚11点，澄月小区又一次停电，这已经是连续第三晚。"
    assert feature("followup", outage, third) == 1.0 and feature("again", outage, third) == 0.0
    first = f"澄月小区夜间停电 居民在楼下乘凉{TITLE_END}昨晚9时许澄月小区停电，第二天早上才来电。"
    assert feature("followup", outage, first) == 0.0
