"""`yuqing-bot sources test <id>` as a subprocess on every demo source of config.yaml: the demo sites are
served by the command itself on a free port; items, times, links, ranks and verdicts are printed; nothing
is stored (no store file appears) and nothing is sent."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import SchemeConfig
from bot.models import Item
from bot.source_test import why_not
from tests.test_cli_run import REPO, write_config


def sources_test(config: Path, source_id: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "-c", str(config), "sources", "test", source_id],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
        timeout=120,
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return write_config(tmp_path_factory.mktemp("sources-test"))


@pytest.mark.parametrize(
    ("source_id", "expected"),
    [
        (
            "city-news",
            [
                "来源 city-news（江城市新闻网，rss，类别 媒体，每1分钟）",
                "解析出 4 条（只试抓一次：不存储、不发送）",
                "1. 江城化工园区一仓库发生爆炸 伤亡情况正在核实",
                "   时间：11-26 06:40",
                "   → 告警：方案「市国资委及监管企业」命中",
                "I 特别重大；",
                "   → 不告警：方案「市国资委及监管企业」：含排除词 邻省（出现 事件词 欠薪）",
                "合计：告警 2 条，只记录 0 条，不告警 2 条。",
            ],
        ),
        ("forum-gbk", ["类别 论坛", "网友投诉：江城水务集团抄表员多收水费", "III 较大", "缺少事件词"]),
        (
            "forum-list",
            ["html，类别 论坛", "   作者：喆哥爱摄影", "/forum/thread-2001.html", "江城湿地公园菊花展开幕"],
        ),
        (
            "weibo-hot",
            [
                "hotlist，类别 热榜，每20秒",
                "   热榜：微博热搜第 1 · 热度 286万",
                "   时间：未给出（按发现时间",
                "→ 不告警：未出现任何监测方案的词",
            ],
        ),
    ],
)
def test_every_working_demo_source(demo: Path, source_id: str, expected: list[str]):
    done = sources_test(demo, source_id, demo.parent)
    assert done.returncode == 0, done.stderr
    for text in expected:
        assert text in done.stdout
    assert not (demo.parent / "data").exists()  # no store was opened: nothing stored


def test_broken_and_unknown_sources(demo: Path):
    broken = sources_test(demo, "broken-feed", demo.parent)
    assert broken.returncode == 1
    assert "抓取失败：订阅源格式错误" in broken.stdout
    unknown = sources_test(demo, "nope", demo.parent)
    assert unknown.returncode == 2
    assert (
        "没有 id 为 'nope' 的来源；已配置：city-news、forum-gbk、broken-feed、forum-list、weibo-hot" in unknown.stderr
    )


def test_why_not_names_what_is_missing_or_excluded():
    scheme = SchemeConfig(name="国资委", subjects=["江城化工集团"], events={"爆炸": 5}, exclude=["演练"])
    assert (
        why_not(scheme, Item("s", "", "江城化工集团召开年会"))
        == "方案「国资委」：缺少事件词（出现 主体词 江城化工集团）"
    )
    assert why_not(scheme, Item("s", "", "江城化工集团举行爆炸应急演练")).startswith("方案「国资委」：含排除词 演练")
    assert why_not(scheme, Item("s", "", "今天天气晴")) == ""
    assert "缺少主体词" in why_not(scheme, Item("s", "", "某地發生爆炸"))  # traditional spelling found too
