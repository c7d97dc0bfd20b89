"""The one web listener (WEB_HOST:WEB_PORT) the channels mount their callbacks on."""

from __future__ import annotations

import logging

from aiohttp import web

__all__ = ["WebListener"]

log = logging.getLogger(__name__)

# WeCom's callback bodies are a few KiB; Telegram's updates rarely more.
_MAX_BODY = 1024 * 1024


class WebListener:
    """Channels add their routes to `app` before `start()`; aiohttp freezes it then."""

    def __init__(self, host: str, port: int) -> None:
        self.app = web.Application(client_max_size=_MAX_BODY)
        self._host = host
        self._port = port
        self._runner: web.AppRunner | None = None

    @property
    def port(self) -> int | None:
        if self._runner is None or not self._runner.addresses:
            return None
        return int(self._runner.addresses[0][1])

    async def start(self) -> None:
        runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=5.0)
        await runner.setup()
        try:
            await web.TCPSite(runner, self._host, self._port).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        log.info("listening on http://%s:%s", self._host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
