"""The private-address guard, hop by hop, against real local servers.

The "public" site lives on 127.0.0.2 and is let through with
`http.allow_networks: [127.0.0.2/32]` (an operator's intranet allowance), so a
redirect from it to 127.0.0.1, 169.254.169.254 or file:// is a real hop the
guard must refuse, while a server on 127.0.0.1 counts whether it was reached.
"""

from __future__ import annotations

import pytest

from bot.config import HttpConfig
from sources.guard import is_public
from sources.http import HttpClient, HttpError
from tests.local_web import (
    Serve,
    fixed,
    redirect,
    serve_fixture,  # noqa: F401  (provides the `serve` fixture)
)


@pytest.fixture
async def sites(serve: Serve):
    inner = await serve({"/secret": fixed("internal only"), "/ok": fixed("inner ok")})
    outer = await serve(
        {
            "/ok": fixed("public ok"),
            "/to-loopback": redirect(f"{inner.base}/secret"),
            "/to-localhost": redirect(f"http://localhost:{inner.port}/secret"),
            "/to-metadata": redirect("http://169.254.169.254/latest/meta-data/"),
            "/to-file": redirect("file:///etc/passwd"),
            "/to-ipv6-loopback": redirect(f"http://[::1]:{inner.port}/secret"),
            "/to-mapped": redirect(f"http://[::ffff:127.0.0.1]:{inner.port}/secret"),
            "/relative": redirect("/ok", 301),
            "/loop": redirect("/loop"),
        },
        host="127.0.0.2",
    )
    client = HttpClient(HttpConfig(allow_networks=["127.0.0.2/32"]))
    yield inner, outer, client
    await client.aclose()


async def test_public_site_and_relative_redirect_are_fetched(sites):
    _inner, outer, client = sites
    resp = await client.get(outer.base + "/relative")
    assert resp.text == "public ok" and resp.url == outer.base + "/ok"


@pytest.mark.parametrize(
    "path, words",
    [
        ("/to-loopback", "127.0.0.1"),
        ("/to-localhost", "127.0.0.1"),
        ("/to-metadata", "169.254.169.254"),
        ("/to-ipv6-loopback", "::1"),
        ("/to-mapped", "127.0.0.1"),
        ("/to-file", "不允许的协议 file"),
    ],
)
async def test_redirect_hops_to_private_places_are_refused(sites, path, words):
    inner, outer, client = sites
    with pytest.raises(HttpError) as exc:
        await client.get(outer.base + path)
    assert words in str(exc.value) and not exc.value.retry
    assert inner.hits["/secret"] == 0, "the guard must refuse before connecting"


async def test_direct_private_and_non_http_urls_are_refused(sites):
    inner, _outer, client = sites
    for url in (f"{inner.base}/ok", f"http://localhost:{inner.port}/ok", "file:///etc/passwd", "ftp://x/y"):
        with pytest.raises(HttpError):
            await client.get(url)
    assert inner.hits["/ok"] == 0


async def test_allow_private_source_reaches_intranet(sites):
    inner, _outer, client = sites
    resp = await client.get(f"http://localhost:{inner.port}/ok", allow_private=True)
    assert resp.text == "inner ok"
    with pytest.raises(HttpError, match="不允许的协议"):
        await client.get("file:///etc/passwd", allow_private=True)  # schemes are checked even then


async def test_pinned_connection_keeps_the_host_name(serve: Serve):
    site = await serve({"/h": fixed("ok")})
    client = HttpClient(HttpConfig(allow_networks=["127.0.0.0/8"]))
    await client.get(f"http://localhost:{site.port}/h")
    assert site.log[-1][1]["Host"] == f"localhost:{site.port}"
    await client.aclose()


async def test_redirect_loop_and_unresolvable_name(sites):
    _inner, outer, client = sites
    with pytest.raises(HttpError, match="重定向次数过多"):
        await client.get(outer.base + "/loop")
    with pytest.raises(HttpError, match="域名解析失败") as exc:
        await client.get("http://no-such-host.invalid/feed")
    assert exc.value.retry


def test_address_classes():
    import ipaddress

    public = ["1.1.1.1", "202.108.22.5", "2400:da00::6666"]
    private = ["127.0.0.1", "10.0.0.1", "172.16.3.4", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0"]
    private += ["::1", "fe80::1", "fc00::1", "::ffff:10.0.0.1", "224.0.0.1"]
    assert all(is_public(ipaddress.ip_address(a)) for a in public)
    assert not any(is_public(ipaddress.ip_address(a)) for a in private)


@pytest.fixture
def tls_files(tmp_path):
    """A self-signed certificate for the name `localhost` only (made with the openssl CLI)."""
    import subprocess

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    args = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1"]
    args += [
        "-keyout",
        str(key),
        "-out",
        str(cert),
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=DNS:localhost",
    ]
    subprocess.run(["openssl", *args], check=True, capture_output=True)
    return cert, key


async def test_pinned_https_keeps_sni_and_verifies_the_name(tls_files):
    import ssl

    from aiohttp import web

    cert, key = tls_files
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    app = web.Application()
    app.router.add_get("/f", fixed("tls ok"))
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context).start()
    port = runner.addresses[0][1]
    client = HttpClient(HttpConfig(allow_networks=["127.0.0.0/8"], ca_bundle=str(cert)))
    try:
        resp = await client.get(f"https://localhost:{port}/f")  # connects to 127.0.0.1, SNI and check say localhost
        assert resp.text == "tls ok" and resp.url == f"https://localhost:{port}/f"
        with pytest.raises(HttpError, match="连接失败"):
            await client.get(f"https://127.0.0.1:{port}/f")  # the certificate does not name 127.0.0.1
    finally:
        await client.aclose()
        await runner.cleanup()


async def test_connections_go_to_the_pinned_address_not_a_fresh_lookup(serve: Serve):
    site = await serve({"/p": fixed("pinned")})
    client = HttpClient(HttpConfig())
    client.pinning.pins["rebound.invalid"] = "127.0.0.1"  # what the guard checked; DNS would now say otherwise
    resp = await client.get(f"http://rebound.invalid:{site.port}/p", allow_private=True)
    assert resp.text == "pinned" and site.log[-1][1]["Host"] == f"rebound.invalid:{site.port}"
    await client.aclose()
