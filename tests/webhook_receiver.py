"""A real HTTP receiver on loopback for the webhook tests: it records every POST (its
headers and body) and answers the statuses it is told, in turn, then 200."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def document(self) -> dict[str, Any]:
        found: dict[str, Any] = json.loads(self.body)
        return found

    def verifies(self, secret: str) -> bool:
        """The check docs/webhooks.md tells receivers to make."""
        parts = dict(p.split("=", 1) for p in self.headers["Mentorflow-Signature"].split(","))
        signed = parts["t"].encode() + b"." + self.body
        expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, parts["v1"])


@dataclass
class Receiver:
    url: str = ""
    answers: list[int] = field(default_factory=list)  # statuses to answer first, in turn
    received: list[Received] = field(default_factory=list)  # every POST, failed ones too
    taken: list[Received] = field(default_factory=list)  # the POSTs answered 2xx
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def documents(self) -> list[dict[str, Any]]:
        return [r.document for r in self.taken]


@contextmanager
def serving() -> Iterator[Receiver]:
    """A receiver listening on a free loopback port until the block ends."""
    found = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802  (the name http.server calls)
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            got = Received(self.path, dict(self.headers.items()), body)
            with found.lock:
                status = found.answers.pop(0) if found.answers else 200
                found.received.append(got)
                if 200 <= status < 300:
                    found.taken.append(got)
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"no" if status >= 300 else b"ok")

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet: the tests read what was received

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, name="webhook-receiver", daemon=True)
    thread.start()
    found.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/mentorflow"
    try:
        yield found
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
