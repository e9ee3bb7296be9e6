"""Rebuttals that clear the subject, and event words negated in their own clause."""

from __future__ import annotations

import pytest

from bot.analysis.judge import Judge
from bot.analysis.stance import is_negated, negated_events, rebuttal
from bot.config import SchemeConfig
from bot.models import Item, Tier

SCHEME = SchemeConfig(
    name="交通", subjects=["临川公交集团", "市交通运输局"], events={"拖欠": 3, "爆炸": 5, "受贿": 3, "投诉": 2}
)


@pytest.mark.parametrize(
    ("title", "text", "marker"),
    [
        ("临川公交集团：网传拖欠司机工资系谣言", "", "谣言"),
        ("市交通运输局辟谣", "网传局长受贿一事不实。", "辟谣"),
        ("关于网传临川公交集团停运消息不实的说明", "", "消息不实"),
        ("关于网传信息的澄清说明", "临川公交集团澄清：公司从未拖欠工资。", "澄清"),
        ("临川公交集团否认拖欠工资", "", "否认"),
        ("警情通报", "经查，网传临川公交集团车辆爆炸的视频系编造，发布者已被依法处理。", "系编造"),
        ("临川警方通报", "网传「市交通运输局局长被带走」的消息不存在，系他人编造。", "警方通报…不存在"),
        ("市交通运输局：网传公交车站台坍塌砸伤乘客不实", "", "网传…不实"),
        ("临川公交集团回应", "网传司机集体罢工不属实。", "网传…不属实"),
        ("临川化工集团回应：爆炸传闻系误读", "", "系误读"),  # a misreading, a mistaken report (round 73)
        ("临川化工集团：网传爆炸纯属误传", "", "纯属误传"),
        ("市交通运输局：网传乱收费系误解", "", "系误解"),
        # a misreading of something named (round 102)
        ("楸坪人防地下商城回应“乱收费”：系对租赁合同条款的误读", "", "系对租赁合同条款的误读"),
        ("临川公交集团车辆爆炸视频系旧闻 为外省事故", "", "系旧闻"),  # old footage passed off as new
        ("临川公交集团：网传爆炸视频移花接木", "", "移花接木"),
        # the subject speaking of itself, cleared; old footage told with its year; 不属实 (round 91)
        ("临川化工集团：网传“厂区爆炸”视频为2018年外地旧视频", "", "为2018年外地旧视频"),
        ("针对网上流传的临川公交集团司机被拖欠工资一事 公司回应称情况不属实", "", "情况不属实"),
        (
            "临川化工集团：关于网传我司发生爆炸的情况说明",
            "经核实，网传视频系外省某企业事故画面，与我司无关。",
            "与我司无关",
        ),
        ("临川公交集团停车场爆炸了吗？官方：没有", "", "官方：没有"),  # a question answered no
        ("临川公交集团：网传“停车场爆炸”实为轮胎爆裂", "", "网传…实为"),  # what the rumour really was
    ],
)
def test_rebuttals_are_recognised(title: str, text: str, marker: str) -> None:
    assert rebuttal(Item("s", "u", title, text)) == marker


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("临川公交集团拖欠司机工资", "多名司机反映被拖欠工资三个月。"),
        ("临川警方通报一起交通事故", "事故造成2人受伤，伤者已送医。"),
        ("市交通运输局召开安全会议", "会议要求严厉打击违法行为。"),
        ("临川公交集团被指虚报不实工程量", "审计发现多处工程量虚报。"),  # an accusation, not a rebuttal
        ("网传临川公交集团广告不实宣传被罚", "市场监管部门已立案。"),  # 不实 does not close the clause
        ("临川公交集团污水澄清池溢流", "附近居民投诉异味。"),
        ("临川化工集团爆炸致工人误会", "工人以为是地震。"),  # 误会 is no rebuttal without 系 / 纯属
        ("市交通运输局原局长被查", "据通报，其涉嫌严重违纪违法。此前他曾否认相关举报。"),  # an official finding
        # the discipline it came to, above a past denial (round 106)
        ("蓣坪县住建局原局长亓宏亮被开除党籍", "经查，亓宏亮严重违纪违法。去年他在接受采访时称纯属捏造。"),
    ],
)
def test_ordinary_stories_are_not_rebuttals(title: str, text: str) -> None:
    assert rebuttal(Item("s", "u", title, text)) == ""


@pytest.mark.parametrize(
    ("text", "word", "negated"),
    [
        ("公司否认拖欠工资", "拖欠", True),
        ("公司从未拖欠工资", "拖欠", True),
        ("公司没有拖欠工资", "拖欠", True),
        ("公司否认存在拖欠", "拖欠", True),
        ("现场未发生爆炸", "爆炸", True),
        ("工人称公司拖欠工资", "拖欠", False),
        ("公司无故拖欠工资", "拖欠", False),  # 无故 is not a negation
        ("不少工人被拖欠工资", "拖欠", False),
        ("他否认此事，但工人说被拖欠工资", "拖欠", False),  # the negation is in another clause
        ("本季度各站点未发生一起安全事故", "事故", True),  # a count and a modifier in between
        ("辖区道路未发生重大以上事故", "事故", True),
        ("厂房冒烟，未出现明火和爆炸", "爆炸", True),  # a coordination
        ("港区连续三年零事故", "事故", True),  # a zero statistic
        ("一起未造成伤亡的事故引发关注", "事故", False),  # a relative clause: the accident happened
        ("已连续安全运营1000天，未发生一起有责任的交通事故", "事故", True),  # after 一起 the 的 is a modifier
        ("上午发生一起造成3人受伤的交通事故", "事故", False),
        ("监控未发现异常后仓库爆炸", "爆炸", False),
        ("巨响是管道吹扫作业的排气声，未发生爆炸，也没有燃气泄漏", "泄漏", True),  # what did not leak
        ("无人机坠落砸伤路人", "坠落", False),
        ("公司从不拖欠工资", "拖欠", True),
        ("如果化工厂发生爆炸怎么办", "爆炸", True),  # a supposition states nothing that happened
        ("万一储罐泄漏后果不堪设想", "泄漏", True),
        ("一旦发生爆炸后果严重", "爆炸", True),
        ("如果不是消防员及时赶到，爆炸会更严重", "爆炸", False),  # the supposition is another clause's
        ("地铁春节期间不停运", "停运", True),  # 不 right before the word
        ("企业拒不支付拖欠的工资", "拖欠", False),
        ("工人拒不停工", "停工", False),  # 拒不 is a refusal
        ("地铁将于明日起停运两周进行改造", "停运", True),  # a notice of what is planned
        ("小区计划停水一天", "停水", True),
        ("今日起部分线路临时停运", "停运", True),  # a notice of what starts on a day (round 91)
        # a period announced at the head of the sentence (round 110); not one that has run until now
        ("今日起至本周五，为配合管道更换，部分楼栋每天上午临时停气", "停气", True),
        ("明日起至下周一，东片小区每天夜间临时停水", "停水", True),
        ("11月1日起至11月5日，该厂夜间连续偷排废水", "偷排", False),  # a dated period may report what went on
        ("自3月起至今，公司一直拖欠工资", "拖欠", False),
        ("今日起至本周五施工。昨晚小区突然停气", "停气", False),  # another sentence
        # an invitation to report (round 110); not a report itself, nor one in another clause
        ("公司公布举报电话，欢迎司乘人员实名举报收费站工作人员违规收费", "违规收费", True),
        ("欢迎群众实名举报收费站违规收费行为", "违规收费", True),
        ("司机实名举报收费站违规收费", "违规收费", False),
        ("欢迎市民监督，但昨天收费站仍在违规收费", "违规收费", False),
        ("严禁拖欠农民工工资", "拖欠", True),  # a prohibition
        ("严禁律师事务所乱收费", "乱收费", True),  # with whom it binds between (round 98)
        (
            "严禁任何单位和个人在保护区河道非法采砂",
            "非法采砂",
            True,
        ),  # the set phrase for anyone, then where (round 103)
        ("严禁在保护区河道非法采砂", "非法采砂", True),
        ("禁止施工单位拖欠工资", "拖欠", True),
        ("严禁后仍有律所乱收费", "乱收费", False),  # 后 and 有 say it happened
        ("连续十年无死亡事故", "事故", True),  # the negator reaches over the kind of event to its noun
        ("无证驾驶事故频发", "事故", False),
        ("无人机坠落事故", "事故", False),
        ("没有预料到的事故", "事故", False),
        ("从去年起公司一直拖欠工资", "拖欠", False),  # since a past day: it happened
        ("昨晚巨响系正常泄压作业，并非爆炸", "爆炸", True),
        ("这不是乱收费是什么", "乱收费", False),  # a rhetorical question asserts it
        ("检查中未发现使用假药", "假药", True),  # not found in use (round 100)
        ("超市没有销售过期食品", "过期", True),
        ("诊所使用假药被查", "假药", False),
        ("地铁东湖站开展演练，模拟配电箱起火后疏散乘客", "起火", True),  # a drill's pretence (round 100)
        ("游客已被疏散，暂未听说有人受伤", "受伤", True),  # no one known hurt (round 105)
        ("没看到有人受伤", "受伤", True),
        ("听说有人受伤", "受伤", False),
    ],
)
def test_clause_negation_of_event_words(text: str, word: str, negated: bool) -> None:
    assert is_negated(text, text.index(word)) is negated


def test_a_word_negated_once_but_stated_elsewhere_still_counts() -> None:
    judge = Judge([SCHEME])
    item = Item("s", "u", "临川公交集团否认拖欠工资", "司机称公司拖欠工资三个月。")
    judgement = judge.judge(item)
    assert judgement is not None
    assert negated_events(item, judgement.match.hits) == frozenset()


RUNAWAY = SchemeConfig(name="装修", subjects=["临川装饰公司"], events={"跑路": 3})


@pytest.mark.parametrize(
    ("title", "negated"),
    [
        # the party saying it never did, contested in the same sentence: the event stands (round 99)
        ("临川装饰公司称从未跑路 但业主们坚持说老板至今仍联系不上", frozenset()),
        ("临川装饰公司否认跑路 但业主们坚持说老板至今仍联系不上", frozenset()),
        ("临川装饰公司称从未跑路", frozenset({"跑路"})),  # uncontested
        ("临川装饰公司从未跑路 但门店搬到了新址", frozenset({"跑路"})),  # no one contests it
        # what it never did named between its claim and the negator (round 104)
        ("临川装饰公司称江滨店老板从未跑路 但业主们坚持说至今仍联系不上", frozenset()),
        ("临川装饰公司称江滨店老板从未跑路", frozenset({"跑路"})),
    ],
)
def test_a_contested_claim_of_never_negates_nothing(title: str, negated: frozenset[str]) -> None:
    item = Item("s", "u", title, "")
    judgement = Judge([RUNAWAY]).judge(item)
    assert judgement is not None
    assert negated_events(item, judgement.match.hits) == negated


def test_a_denial_is_not_an_event_and_is_not_pushed() -> None:
    judgement = Judge([SCHEME]).judge(Item("s", "u", "临川公交集团否认拖欠工资", "公司表示从未拖欠司机工资。"))
    assert judgement is not None and judgement.stance == "否认"
    assert judgement.tier is Tier.BELOW
    assert "事件「拖欠」被否定 0" in judgement.reason and "不单独推送" in judgement.reason


def test_a_rumour_is_graded_and_its_rebuttal_is_not() -> None:
    judge = Judge([SCHEME])
    rumour = judge.judge(Item("s", "u1", "网传临川公交集团拖欠司机工资", "多名司机反映公司拖欠工资，讨要无果。"))
    assert rumour is not None and rumour.stance == "" and rumour.tier is Tier.III
    answer = judge.judge(Item("s", "u2", "临川公交集团：网传拖欠司机工资系谣言", "公司已按时足额发放工资。"))
    assert answer is not None and answer.stance == "谣言" and answer.tier is Tier.BELOW


@pytest.mark.parametrize(
    ("title", "text", "marker"),
    [
        ("霁川自来水公司否认拖欠 但维修工称仍有欠薪", "", ""),  # the denial is contested in its sentence
        ("选矿厂工人：还有两个月工资没拿到", "记者联系公司，公司方面否认拖欠，但工人们坚持称仍有欠薪未结清。", ""),
        ("警方：网传爆炸系谣言，但提醒市民注意安全", "", "谣言"),  # a reminder after 但 contests nothing
        ("集团否认拖欠，但表示将配合调查", "", "否认"),
        ("集团否认拖欠。但工人仍在门口聚集", "", "否认"),  # another sentence: the denial stands as said
        ("集团否认欠薪 但承认有部分工程款未结算", "", ""),  # a partial admission contests it
        ("集团辟谣后 又有网友曝出爆炸视频", "", ""),  # 辟谣后: when, not what the item says
        ("沙洲一物流园否认拖欠 装卸工称至今仍有欠薪", "", ""),  # the workers say it goes on, without a 但
        ("警方辟谣爆炸传闻 称现场至今未发现异常", "", "辟谣"),  # 至今未 said by the one denying: no contest
    ],
)
def test_a_denial_contested_in_its_own_sentence_is_no_rebuttal(title: str, text: str, marker: str) -> None:
    assert rebuttal(Item("s", "u", title, text)) == marker


@pytest.mark.parametrize(
    ("title", "stance"),
    [
        ("临川公交集团停车场发生爆炸 官方辟谣伤亡传闻", ""),  # the explosion stands; only its toll is denied
        ("临川公交集团停车场爆炸致1人受伤 网传多人死亡系谣言", ""),
        ("临川公交集团停车场爆炸 1人受伤 网传另有3人死亡系谣言", ""),  # 另有: the toll beyond (round 100)
        ("临川公交集团：网传停车场爆炸致3人死亡系谣言", "谣言"),  # the explosion is part of the rumour
        ("网传临川公交集团停车场爆炸 伤亡系谣言", "谣言"),  # the stated event is itself rumoured
        ("临川公交集团回应 网传有人死亡系谣言", "谣言"),  # no other event stated beside the toll
    ],
)
def test_a_denied_toll_beside_a_stated_event_is_no_rebuttal(title: str, stance: str) -> None:
    judgement = Judge([SCHEME_WITH_DEATHS]).judge(Item("s", "u", title, ""))
    assert judgement is not None and judgement.stance == stance


SCHEME_WITH_DEATHS = SchemeConfig(name="交通", subjects=["临川公交集团"], events={"爆炸": 5, "死亡": 5})


def test_the_denied_toll_does_not_count_as_an_event() -> None:
    judgement = Judge([SCHEME_WITH_DEATHS]).judge(
        Item("s", "u", "临川公交集团停车场爆炸致1人受伤 网传多人死亡系谣言", "")
    )
    assert judgement is not None and judgement.tier is Tier.IV
    assert "事件「死亡」被否定 0" in judgement.reason and "受伤 1 人（一般）" in judgement.reason


def test_the_denied_toll_restated_in_the_text_does_not_count_either() -> None:
    """The text restating the title's denial (核实后说明：网传有人死亡系谣言) denies the same toll (round 111);
    a death the text tells as fact still counts."""
    title = "临川公交集团停车场发生爆炸 网传有人死亡系谣言"
    denied = Judge([SCHEME_WITH_DEATHS]).judge(
        Item("s", "u", title, "集团核实后说明：停车场夜间无人值守，网传有人死亡系谣言，爆炸未造成人员伤亡。")
    )
    assert denied is not None and "事件「死亡」被否定 0" in denied.reason
    told = Judge([SCHEME_WITH_DEATHS]).judge(Item("s", "u", title, "另据了解，附近一名路人受惊后突发疾病死亡。"))
    assert told is not None and "事件「死亡」被否定" not in told.reason


@pytest.mark.parametrize(
    ("title", "stance", "tier"),
    [
        ("临川公交集团否认爆炸 但现场视频显示浓烟", "", Tier.I),  # footage contradicts the denial
        ("临川公交集团否认爆炸 但监控画面拍到火光", "", Tier.I),
        ("临川公交集团否认爆炸", "否认", Tier.BELOW),
    ],
)
def test_a_denial_contradicted_by_footage_is_no_rebuttal(title: str, stance: str, tier: Tier) -> None:
    judgement = Judge([SCHEME_WITH_DEATHS]).judge(Item("s", "u", title, ""))
    assert judgement is not None and (judgement.stance, judgement.tier) == (stance, tier)


@pytest.mark.parametrize(
    ("title", "stance"),
    [
        ("临川公交集团拖欠司机工资已全部结清", "已全部结清"),
        ("临川公交集团拖欠司机工资问题已妥善解决", "问题已妥善解决"),
        ("临川公交集团回应拖欠：已于昨日全部发放到位", "已于昨日全部发放到位"),  # the topic answered
        ("临川公交集团司机工资已全额支付 没有拖欠", "已全额支付"),
        ("临川公交集团：多收的投诉处理费已全部清退", "已全部清退"),
        ("临川公交集团拖欠司机工资问题整改到位", "问题整改到位"),
        ("临川公交集团称已结清工资 司机：拖欠的工资至今没拿到", ""),  # disputed in the title
        ("临川公交集团承诺月底前结清拖欠的工资", ""),  # a promise is no settlement
        ("临川公交集团已支付部分拖欠工资", ""),
        ("临川公交集团拖欠工资致司机投诉 工资已结清", ""),  # another event stated as fact
        ("临川公交集团拖欠司机工资 多扣的工资已全额退回", ""),  # the debt stated in its own clause
        ("临川公交集团拖欠的押金已全额退回", "已全额退回"),  # money returned (round 105)
        ("临川公交集团拖欠的运费已全部追回", "已全部追回"),
    ],
)
def test_a_story_told_as_settled_is_progress_not_a_new_alert(title: str, stance: str) -> None:
    judgement = Judge([SCHEME]).judge(Item("s", "u", title, ""))
    assert judgement is not None and judgement.stance == stance
    assert (judgement.tier is Tier.BELOW) is bool(stance)
    assert ("已解决「" in judgement.reason) is bool(stance)


def test_a_reply_telling_the_matter_settled_is_progress() -> None:
    # 12345 and message-board replies name the matter in the title and how it ended in the text
    judge = Judge([SCHEME])
    title = "关于临川公交集团拖欠司机工资问题的答复"
    settled = judge.judge(Item("s", "u", title, "您好，经核查，企业已于11月20日全部结清。"))
    assert settled is not None and settled.stance == "已于11月20日全部结清" and settled.tier is Tier.BELOW
    ordered = judge.judge(Item("s", "u", title, "您好，经核查，企业确实存在拖欠情况，已责令其限期支付。"))
    assert ordered is not None and ordered.stance == "" and ordered.tier is not Tier.BELOW
    disputed = judge.judge(Item("s", "u", title, "企业称已全部结清，但司机至今没拿到。"))
    assert disputed is not None and disputed.stance == ""


def test_a_handling_result_telling_who_was_held_to_account_is_progress() -> None:
    """关于…的处理结果 whose lead tells a suspension is the story dealt with (round 105): progress, labelled 已处理. An
    answer (答复) telling a suspension may still be the story going on, and a result telling none is no settlement."""
    judge = Judge([SCHEME])
    title = "关于临川公交集团拖欠司机工资问题的处理结果"
    handled = judge.judge(Item("s", "u", title, "经调查，车队队长未按时上报考勤导致工资延发，车队队长停职。"))
    assert handled is not None and handled.stance == "停职" and handled.tier is Tier.BELOW
    assert "已处理「停职」" in handled.reason
    pending = judge.judge(Item("s", "u", title, "经调查，确实存在拖欠情况，正在进一步核查。"))
    assert pending is not None and pending.stance == ""
    answered = "关于临川公交集团拖欠司机工资问题的答复"
    told = judge.judge(Item("s", "u", answered, "经调查，车队队长停职，拖欠的工资正在核算。"))
    assert told is not None and told.stance == ""
