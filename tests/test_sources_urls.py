"""Canonical URLs: one spelling per page, so dedup and evidence agree."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sources.urls import canonical_url


@pytest.mark.parametrize(
    "url, base, expected",
    [
        ("/a/1.html?utm_source=rss&id=7&spm=x#top", "http://News.Example:80/feed", "http://news.example/a/1.html?id=7"),
        ("thread/9?from=timeline", "http://bbs.example/f/", "http://bbs.example/f/thread/9"),
        ("https://x.example:443/p?share_token=1&page=2", "", "https://x.example/p?page=2"),
        ("https://x.example:80/p", "", "https://x.example:80/p"),
        ("http://[::1]:8080/a?spm=1", "", "http://[::1]:8080/a"),
        (
            "https://mp.weixin.qq.com/s?__biz=MzA&mid=1&sn=ab&chksm=zz&scene=21",
            "",
            "https://mp.weixin.qq.com/s?__biz=MzA&mid=1&sn=ab",
        ),
        (
            "https://s.weibo.com/weibo?q=%23江城%23&Refer=top",
            "",
            "https://s.weibo.com/weibo?q=%23%E6%B1%9F%E5%9F%8E%23",
        ),
        ("http://a.example", "", "http://a.example/"),
        ("mailto:x@y", "", "mailto:x@y"),
        ("http://[broken/x", "http://b.example/", "http://[broken/x"),
    ],
)
def test_canonical(url, base, expected):
    assert canonical_url(url, base) == expected


@given(
    st.text(max_size=60) | st.text(alphabet="[]:/?#@%.abc1", max_size=30).map(lambda t: "http://" + t),
    st.sampled_from(["", "http://base.example/dir/", "https://b.example"]),
)
def test_idempotent_and_never_raises(url, base):
    once = canonical_url(url, base)
    assert canonical_url(once) == once or not once.startswith(("http://", "https://"))
