"""Binding the bot's own small web servers (demo sites, /metrics) with a clear error when the port is taken."""

from __future__ import annotations

from aiohttp import web

from bot.config_loader import ConfigError


async def start_site(runner: web.AppRunner, host: str, port: int, key: str) -> None:
    """Serve `runner` on host:port; a port in use is a config problem naming `key`, not a traceback."""
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError as exc:  # most often another bot (or demo) already running with the same config
        await runner.cleanup()
        raise ConfigError(
            f"{key}：无法在 {host}:{port} 监听（{exc.strerror or exc}）；"
            f"可能已有一个机器人或演示在运行：先停止它，或在配置中改用其他 {key}"
        ) from None
