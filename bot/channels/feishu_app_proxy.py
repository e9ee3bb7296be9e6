"""Send lark-oapi's traffic through the configured HTTP proxy (`chats.feishu_app.proxy`, else `chats.proxy`).

lark-oapi 1.7 has no proxy setting: its OpenAPI calls make a fresh `httpx.AsyncClient()`
per request, the tenant token and the long connection's endpoint come from
`requests`, and the websocket is opened with `proxy=None`. Those three module
globals are the only seams, so when a proxy is configured they are wrapped here to
add it (requests and httpx carry it as an absolute-form request or a CONNECT tunnel,
websockets as a CONNECT tunnel; credentials in the URL become Proxy-Authorization).
Without a proxy the wrappers change nothing: the SDK behaves as shipped. lark-oapi is
only used by the 飞书 channel, and a process runs one 飞书 channel, so the setting is
process-wide.
"""

from __future__ import annotations

from typing import Any

_proxy = ""  # the URL every lark-oapi connection goes through now; "": as the SDK does on its own
_installed = False


def route_through(proxy: str) -> None:
    """Use `proxy` (a URL, or "" for none) for lark-oapi's HTTP calls and its long connection from now on."""
    global _proxy, _installed
    _proxy = proxy
    if _installed:
        return
    import lark_oapi.core.http.transport as transport
    import lark_oapi.ws.client as ws_module

    transport.httpx = _Httpx(transport.httpx)
    transport.requests = _Requests(transport.requests)
    ws_module.requests = _Requests(ws_module.requests)
    ws_module._ws_connect_kwargs = _ws_kwargs(ws_module._ws_connect_kwargs)
    _installed = True


class _Httpx:
    """httpx, whose AsyncClient goes through the proxy (and only it: no HTTP(S)_PROXY from the environment)."""

    def __init__(self, module: Any) -> None:
        self._module = module

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)

    def AsyncClient(self, *args: Any, **kwargs: Any) -> Any:  # stands in for the class
        if _proxy:
            kwargs.update(proxy=_proxy, trust_env=False)
        return self._module.AsyncClient(*args, **kwargs)


class _Requests:
    """requests, whose calls go through the proxy."""

    def __init__(self, module: Any) -> None:
        self._module = module

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)

    def request(self, *args: Any, **kwargs: Any) -> Any:
        return self._module.request(*args, **self._proxied(kwargs))

    def post(self, *args: Any, **kwargs: Any) -> Any:
        return self._module.post(*args, **self._proxied(kwargs))

    @staticmethod
    def _proxied(kwargs: dict[str, Any]) -> dict[str, Any]:
        if _proxy:
            kwargs["proxies"] = {"http": _proxy, "https": _proxy}
        return kwargs


def _ws_kwargs(original: Any) -> Any:
    def kwargs(*args: Any, **kw: Any) -> dict[str, Any]:
        made = dict(original(*args, **kw))
        if _proxy:
            made["proxy"] = _proxy  # websockets 15 tunnels through an HTTP proxy with CONNECT
        return made

    return kwargs
