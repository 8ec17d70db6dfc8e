"""A webhook receiver on loopback (what an integrator's server is to our deliveries): a
thread that records every POST (headers, body, the peer address) and answers with the next
status of `answers` (the last one repeats), or redirects to `redirect_to`."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes
    peer: str
    at: float = field(default_factory=time.monotonic)


class WebhookReceiver:
    def __init__(self, answers: list[int] | None = None, *, redirect_to: str = "",
                 delay: float = 0.0) -> None:
        self.answers = list(answers or [200])
        self.redirect_to = redirect_to
        self.delay = delay
        self.received: list[Received] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with receiver.lock:
                    receiver.received.append(Received(
                        self.path, {k.lower(): v for k, v in self.headers.items()}, body,
                        self.client_address[0]))
                    index = len(receiver.received) - 1
                    status = receiver.answers[min(index, len(receiver.answers) - 1)]
                if receiver.delay:
                    time.sleep(receiver.delay)
                answer = b'{"ok": true}' if status < 300 else b"receiver says no"
                if receiver.redirect_to:
                    status = 302
                self.send_response(status)
                if receiver.redirect_to:
                    self.send_header("Location", receiver.redirect_to)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hooks"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> WebhookReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def unique(self) -> dict[str, Received]:
        """What a receiver keeps once it dedupes by `webhook-id` (the first of each)."""
        kept: dict[str, Received] = {}
        for item in self.received:
            kept.setdefault(item.headers["webhook-id"], item)
        return kept
