"""A replay HTTP server on 127.0.0.1 for the fetch tests: it answers each request with the
next scripted response for its path and query (the last one repeats), records every
request, and answers 404 to anything unscripted. No test touches the internet."""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

DATA = Path(__file__).parent / "data" / "replay"


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json; charset=utf-8"


def file_reply(name: str) -> Reply:
    kind = "application/atom+xml; charset=utf-8" if name.endswith(".xml") else "application/json; charset=utf-8"
    return Reply(200, (DATA / name).read_bytes(), content_type=kind)


class Replay:
    def __init__(self) -> None:
        self.routes: dict[tuple[str, frozenset[tuple[str, str]]], list[Reply]] = {}
        self.requests: list[tuple[str, dict[str, str], float]] = []
        self.lock = threading.Lock()
        self.url = ""

    def add(self, path: str, query: dict[str, str], *replies: Reply) -> None:
        self.routes[(path, frozenset(query.items()))] = list(replies)

    def answer(self, path: str, query: dict[str, str]) -> Reply:
        with self.lock:
            self.requests.append((path, query, time.monotonic()))
            replies = self.routes.get((path, frozenset(query.items())))
            if not replies:
                return Reply(404, b'{"error":"Not Found"}')
            return replies.pop(0) if len(replies) > 1 else replies[0]

    def count(self, path: str) -> int:
        return sum(1 for p, _, _ in self.requests if p == path)


@contextmanager
def serve(replay: Replay) -> Iterator[Replay]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            parts = urlsplit(self.path)
            reply = replay.answer(parts.path, dict(parse_qsl(parts.query, keep_blank_values=True)))
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for key, value in reply.headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(reply.body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    replay.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield replay
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def hf_day(day: str) -> dict[str, str]:
    return {"date": day, "limit": "100"}


def arxiv_page(query: str, start: int, size: int) -> dict[str, str]:
    return {"search_query": query, "start": str(start), "max_results": str(size),
            "sortBy": "submittedDate", "sortOrder": "descending"}
