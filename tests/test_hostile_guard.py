"""The address guard against SSRF address forms and redirects out of an allow_private source's host."""

from __future__ import annotations

import ipaddress

import pytest

from bot.config import HttpConfig
from sources.guard import is_public, parse_networks
from sources.http import HttpClient, HttpError
from tests.local_web import (
    Serve,
    fixed,
    redirect,
    serve_fixture,  # noqa: F401  (provides the `serve` fixture)
)

EMBEDDING_PRIVATE = [
    "::127.0.0.1",  # IPv4-compatible
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:169.254.169.254",
    "64:ff9b::7f00:1",  # NAT64 well-known prefix
    "64:ff9b::a9fe:a9fe",  # NAT64 → 169.254.169.254
    "64:ff9b:1:7f00:0:100::",  # NAT64 local-use /48 → 127.0.0.1 (RFC 6052 layout, u octet skipped)
    "2002:7f00:1::",  # 6to4 → 127.0.0.1
    "2002:a00:1::1",  # 6to4 → 10.0.0.1
    "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo, client 127.0.0.1
    "fd00:ec2::254",  # AWS IMDS over IPv6
]
EMBEDDING_PUBLIC = ["64:ff9b::808:808", "2002:808:808::1", "::ffff:8.8.8.8", "2001:0:4136:e378:8000:63bf:f7f7:f7f7"]


@pytest.mark.parametrize("address", EMBEDDING_PRIVATE)
def test_ipv6_forms_carrying_a_private_ipv4_are_refused(address):
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", EMBEDDING_PUBLIC)
def test_ipv6_forms_carrying_a_public_ipv4_pass(address):
    assert is_public(ipaddress.ip_address(address))


def test_allow_networks_admits_an_embedded_intranet_address():
    assert is_public(ipaddress.ip_address("64:ff9b::a00:1"), parse_networks(["10.0.0.0/8"]))


async def test_literal_embedding_address_is_refused_before_connecting():
    client = HttpClient(HttpConfig())
    try:
        for host in ("[::127.0.0.1]", "[64:ff9b::7f00:1]", "[2002:7f00:1::]"):
            with pytest.raises(HttpError, match="内网或保留地址"):
                await client.get(f"http://{host}:9/x")
    finally:
        await client.aclose()


@pytest.fixture
async def intranet(serve: Serve):
    other = await serve({"/secret": fixed("other host secret")}, host="127.0.0.3")
    own = await serve(
        {
            "/feed": fixed("own feed"),
            "/to-own": redirect("/feed"),
            "/to-other": redirect(f"{other.base}/secret"),
            "/to-metadata": redirect("http://169.254.169.254/latest/meta-data/"),
        }
    )
    client = HttpClient(HttpConfig())
    yield own, other, client
    await client.aclose()


async def test_allow_private_covers_the_sources_own_host(intranet):
    own, _other, client = intranet
    assert (await client.get(own.base + "/to-own", allow_private=True)).text == "own feed"


async def test_allow_private_redirect_to_another_private_host_is_refused(intranet):
    own, other, client = intranet
    with pytest.raises(HttpError, match=r"127\.0\.0\.3"):
        await client.get(own.base + "/to-other", allow_private=True)
    assert other.hits["/secret"] == 0


async def test_allow_private_redirect_to_metadata_is_refused(intranet):
    own, _other, client = intranet
    with pytest.raises(HttpError, match=r"内网或保留地址 169\.254\.169\.254"):  # the guard, not a failed connect
        await client.get(own.base + "/to-metadata", allow_private=True)


async def test_allow_private_does_not_reach_link_local_or_metadata():
    client = HttpClient(HttpConfig())
    try:
        for url in ("http://169.254.169.254/latest/", "http://[fd00:ec2::254]/latest/", "http://[fe80::1]/"):
            with pytest.raises(HttpError, match="链路本地或云元数据"):
                await client.get(url, allow_private=True)
    finally:
        await client.aclose()


async def test_metadata_reachable_only_when_listed(serve: Serve):
    """allow_networks is the one way to open link-local: here a local stand-in on 127.0.0.1 proves the check order."""
    client = HttpClient(HttpConfig(allow_networks=["169.254.169.254/32"], connect_timeout="1s", total_timeout="2s"))
    try:
        with pytest.raises(HttpError) as info:  # listed: the guard lets it through, the connection then fails
            await client.get("http://169.254.169.254:9/latest/", allow_private=True)
        assert "链路本地或云元数据" not in str(info.value) and "内网" not in str(info.value)
    finally:
        await client.aclose()
