"""A fake OpenAI-compatible chat endpoint on 127.0.0.1, for the answer writer's tests.

Implements POST /v1/chat/completions in a real HTTP server thread. It records every request
body and answers with scripted replies, in order (the last one repeats): a text, an HTTP error
(429, 500), empty choices, non-JSON garbage, or a reply held back until the test's teardown
releases it (a slow endpoint, bounded: no sleeps).
"""

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Reply:
    """What the endpoint answers to one request."""

    content: str | None = "A fine answer [1]."
    status: int = 200
    raw: bytes | None = None  # sent as is, instead of a chat completion
    no_choices: bool = False
    hold: bool = False  # wait for the server's `release` event first


def text(content: str) -> Reply:
    return Reply(content=content)


class FakeOpenAI:
    """The server's state: scripted replies, requests seen, the event that frees held replies."""

    def __init__(self) -> None:
        self.replies: list[Reply] = [Reply()]
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.release = threading.Event()
        self.base_url = ""

    def script(self, *replies: Reply) -> None:
        self.replies = list(replies)

    def _next(self) -> Reply:
        return self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]

    @property
    def last(self) -> dict[str, Any]:
        return self.requests[-1]

    def message(self, role: str) -> str:
        """The content of the last request's message with `role`."""
        return next(m["content"] for m in self.last["messages"] if m["role"] == role)


def _completion(reply: Reply, model: str) -> dict[str, Any]:
    choices = [] if reply.no_choices else [
        {
            "index": 0,
            "message": {"role": "assistant", "content": reply.content},
            "finish_reason": "stop",
        }
    ]  # fmt: skip
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 1763856000,
        "model": model,
        "choices": choices,
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _handler(fake: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:  # noqa: N802 - the http.server API
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            if self.path != "/v1/chat/completions":
                self._send(404, b'{"error": {"message": "not found"}}')
                return
            fake.requests.append(body)
            fake.headers.append({k.lower(): v for k, v in self.headers.items()})
            reply = fake._next()
            if reply.hold:
                fake.release.wait(timeout=30)
            if reply.raw is not None:
                self._send(reply.status, reply.raw, "text/html")
            elif reply.status != 200:
                error = {"error": {"message": "slow down", "type": "rate_limit", "code": None}}
                self._send(reply.status, json.dumps(error).encode())
            else:
                self._send(200, json.dumps(_completion(reply, body.get("model", ""))).encode())

        def _send(self, status: int, body: bytes, kind: str = "application/json") -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up first (its time limit)

    return Handler


@contextmanager
def running_fake_openai() -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        fake.release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
