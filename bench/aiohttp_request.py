"""Experiment only: PTB's BaseRequest on aiohttp, to show what the Bot API transport costs."""

from __future__ import annotations

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

__all__ = ["AiohttpRequest"]


class AiohttpRequest(BaseRequest):
    """Form-encoded Bot API calls over one aiohttp session; no uploads (the visit flow has none)."""

    def __init__(self, connection_pool_size: int = 256, read_timeout: float = 5.0) -> None:
        self._limit, self._read = connection_pool_size, read_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._limit)
            self._session = aiohttp.ClientSession(connector=connector)

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
        if request_data is not None and request_data.multipart_data:
            raise NotImplementedError("uploads are not part of this experiment")
        data = request_data.json_parameters if request_data is not None else None
        read = self._read if isinstance(read_timeout, DefaultValue) else read_timeout
        timeout = aiohttp.ClientTimeout(total=None, sock_read=read, sock_connect=5.0)
        headers = {"User-Agent": self.USER_AGENT}
        try:
            async with self._session.request(
                method, url, data=data, headers=headers, timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error
