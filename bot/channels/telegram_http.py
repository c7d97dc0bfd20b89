"""The Bot API transport: python-telegram-bot's BaseRequest on one aiohttp session.

Why not PTB's default (httpx): on the project's 2-core machine an httpx request cost
3.3–4.8 ms of CPU against 0.3 ms with aiohttp, and Bot API calls were 65% of the bot's CPU
under load (bench/README.md). PTB makes the transport pluggable for this.
"""

from __future__ import annotations

import aiohttp
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

__all__ = ["AiohttpRequest"]

_CONNECT_TIMEOUT = 5.0


class AiohttpRequest(BaseRequest):
    """Form-encoded calls, multipart when files go up (exports, charts)."""

    def __init__(self, connection_pool_size: int = 256, read_timeout: float = 5.0) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size)
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": self.USER_AGENT}
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        read = self._read_timeout if read_timeout is BaseRequest.DEFAULT_NONE else read_timeout
        connect = (
            _CONNECT_TIMEOUT if connect_timeout is BaseRequest.DEFAULT_NONE else connect_timeout
        )
        timeout = aiohttp.ClientTimeout(
            total=None,
            sock_read=read if isinstance(read, float | int) else None,
            sock_connect=connect if isinstance(connect, float | int) else None,
        )
        try:
            async with self._session.request(
                method, url, data=_body(request_data), timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error


def _body(request_data: RequestData | None) -> aiohttp.FormData | dict[str, str] | None:
    if request_data is None:
        return None
    if not request_data.contains_files:
        return request_data.json_parameters
    # Raw UTF-8 file names, as httpx sends them: quoting would show 整改台账.xlsx as %E6%95%B4….
    form = aiohttp.FormData(quote_fields=False)
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
