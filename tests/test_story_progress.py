"""`tells_progress`: a title or lead reporting how a story went on, not another occurrence (bot.analysis.story)."""

from __future__ import annotations

from bot.analysis.story import canonical, site_relation, tells_another, tells_progress


def test_figures_that_rose_and_outcomes_are_progress() -> None:
    assert tells_progress(canonical("一中就诊学生增至53人 市疾控介入流调"))
    assert tells_progress(canonical("产妇死亡事件鉴定为医疗事故 医院赔偿家属86万元"))
    assert tells_progress(canonical("食物中毒检测结果公布：系沙门氏菌污染卤制品所致"))


def test_another_occurrence_is_not() -> None:
    assert not tells_progress(canonical("又一起燃气爆炸 死亡人数增至3人"))
    assert not tells_progress(canonical("江城化工集团仓库发生爆炸 已致3人死亡"))


def test_what_was_done_since_counts_in_a_title_only() -> None:
    """A first report's lead says 已成立调查组 too; a title leading with it is a follow-up."""
    said = canonical("栈桥区卫健局：已成立产妇死亡事件调查组 涉事医生暂停执业")
    assert tells_progress(said, title=True)
    assert not tells_progress(said)


def test_two_named_sites_disagree_one_shared_does_not() -> None:
    a = canonical("禾丰建投拖欠沙河安置房项目工资，工人讨要无果", with_clauses=True)
    b = canonical("禾丰建投称并未拖欠金桥花园项目工资，工人仍未拿到", with_clauses=True)
    assert site_relation(a, b) == (False, True)
    assert site_relation(a, canonical("沙河安置房项目工人已拿到工资", with_clauses=True)) == (True, False)
    assert site_relation(a, canonical("禾丰建投称工资已结清", with_clauses=True)) == (False, False)  # no site


def test_another_occurrence_unless_the_question_is_answered_no() -> None:
    assert tells_another("金桥物流园另一座仓库凌晨起火")
    assert tells_another("又一起事故？")
    assert not tells_another("另一名伤者今天出院")  # another person of the same story
    assert not tells_another("下湾村又一户着火了？不是，是昨晚那家在清理现场")


def test_what_was_not_done_is_a_complaint_not_progress() -> None:
    assert not tells_progress(canonical("市教育局助学金迟迟不到账 学生家长投诉"), title=True)
    assert not tells_progress(canonical("工资至今未结清 工人再次讨薪"), title=True)
    assert tells_progress(canonical("纸业欠薪首批工资今天到账"), title=True)


def test_a_cause_still_being_looked_into_is_no_outcome() -> None:
    """Twenty-second round: 中毒原因正在调查 ends many a first report; a found cause is progress."""
    assert not tells_progress(canonical("苕坪乡中心学校部分学生疑似食物中毒 中毒原因正在调查"), title=True)
    assert not tells_progress(canonical("一仓库凌晨起火 起火原因待查"), title=True)
    assert tells_progress(canonical("5路公交车自燃原因查明 系线束老化短路"), title=True)


def test_continuing_a_service_is_no_follow_up() -> None:
    """续 of 续报 and 火灾续： says a story goes on; of 转移接续, 续交, 续保, 续租 and 断续 it is an errand."""
    assert tells_progress(canonical("栎阳化工厂火灾续：失联工人已找到"), title=True)
    assert tells_progress(canonical("栎阳化工厂火灾的续报"), title=True)
    for errand in (
        "栎阳区社保中心被投诉 社保转移接续材料跑了四趟还没办成",
        "家长反映孩子续交学费后才知道培训机构换了老板",
        "车主续保时被多收两百元",
        "商户续租被要求一次交三年租金",
        "小区断断续续停水一周",
    ):
        assert not tells_progress(canonical(errand), title=True), errand


def test_refunds_arrests_and_prosecution_are_outcomes_a_complaint_about_a_refund_is_not() -> None:
    assert tells_progress(canonical("桃花节调整后运行平稳 首日滞留游客获退款约41万元"))
    assert tells_progress(canonical("以房养老案公司实际控制人被批捕 涉案金额1.6亿元"))
    assert tells_progress(canonical("置业公司原总经理被开除党籍 涉嫌受贿1300余万元移送起诉"))
    assert not tells_progress(canonical("健身房突然关门 会员退款难"))


def test_a_nuisance_that_fell_is_progress_a_temperature_or_water_level_that_fell_is_news() -> None:
    assert tells_progress(canonical("填埋场臭气整治：作业面全覆盖 厂界臭气浓度降至12"))
    assert not tells_progress(canonical("寒潮来袭 最低气温降至零下8度"))
    assert not tells_progress(canonical("水库水位降至死水位 三个村饮水困难"))


def test_a_notice_on_the_event_is_a_follow_up() -> None:
    """柳溪路电梯困人事件通报 reports how the story went on (round 107), as 事件追踪 does; the event named alone
    does not."""
    assert tells_progress(canonical("柳溪路电梯困人事件通报"))
    assert tells_progress(canonical("柳溪路燃气泄漏事故处理通报"))
    assert not tells_progress(canonical("柳溪路电梯困人事件"))
