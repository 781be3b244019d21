"""A scriptable OpenAI-compatible chat-completions server on 127.0.0.1 (aiohttp, port 0).

Tests point the real `openai` client at it and script what it does next: answer
with given content, fail with a status, or hang until the test ends (to drive
client timeouts without sleeping). Every request body is recorded.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

#: Builds the reply content from the request body (e.g. to cite the ids it was given).
Composer = Callable[[dict[str, Any]], str | dict[str, Any]]


@dataclass(frozen=True)
class _Reply:
    status: int = 200
    content: str | None = None
    hang: bool = False
    compose: Composer | None = None


class FakeOpenAI:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self._script: deque[_Reply] = deque()
        self._default = _Reply(status=500)
        self._release = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.base_url = ""
        #: What GET /v1/models lists (OpenAI's "list models": {"object": "list", "data": [...]}).
        self.models = ["fake-model"]

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._chat)
        app.router.add_get("/v1/models", self._models)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        self.base_url = f"http://127.0.0.1:{port}/v1"
        return self.base_url

    async def close(self) -> None:
        self._release.set()
        if self._runner is not None:
            await self._runner.cleanup()

    # Scripting ------------------------------------------------------------------------

    def answer(self, content: str | dict[str, Any], *, times: int = 1) -> None:
        text = content if isinstance(content, str) else json.dumps(content)
        self._script.extend(_Reply(content=text) for _ in range(times))

    def answer_with(self, compose: Composer, *, times: int = 1) -> None:
        self._script.extend(_Reply(compose=compose) for _ in range(times))

    def fail(self, status: int = 500, *, times: int = 1) -> None:
        self._script.extend(_Reply(status=status) for _ in range(times))

    def hang(self, *, times: int = 1) -> None:
        self._script.extend(_Reply(hang=True) for _ in range(times))

    @property
    def user_messages(self) -> list[str]:
        return [m["content"] for r in self.requests for m in r["messages"] if m["role"] == "user"]

    # Handler --------------------------------------------------------------------------

    async def _models(self, _: web.Request) -> web.Response:
        listed = [
            {"id": m, "object": "model", "created": 0, "owned_by": "fake"} for m in self.models
        ]
        return web.json_response({"object": "list", "data": listed})

    async def _chat(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append(body)
        reply = self._script.popleft() if self._script else self._default
        if reply.hang:
            await self._release.wait()
            return web.json_response({"error": {"message": "released"}}, status=503)
        if reply.status != 200:
            return web.json_response(
                {"error": {"message": "scripted failure", "type": "server_error"}},
                status=reply.status,
            )
        content = reply.content
        if reply.compose is not None:
            made = reply.compose(body)
            content = made if isinstance(made, str) else json.dumps(made)
        return web.json_response(
            {
                "id": f"chatcmpl-{len(self.requests)}",
                "object": "chat.completion",
                "created": 0,
                "model": body.get("model", "fake"),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            }
        )
