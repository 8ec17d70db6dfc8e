"""The HTTP plumbing of the fake DGII: a threaded server on loopback, multipart reading."""

from __future__ import annotations

import contextlib
import datetime as dt
import email.parser
import email.policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Answer(Exception):
    """Raised by an endpoint to answer at once with `status` and a JSON body."""

    def __init__(self, status: int, body: object = None) -> None:
        self.status, self.body = status, body


def stamp(moment: dt.datetime) -> str:
    return moment.strftime("%d-%m-%Y %H:%M:%S")


def messages(pairs, code_type=int) -> list[dict]:
    out = []
    for code, text in pairs:
        try:
            out.append({"codigo": code_type(code), "valor": text})
        except ValueError:
            out.append({"codigo": code, "valor": text})
    return out


def upload(headers, body: bytes) -> tuple[str, bytes]:
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + headers.get("Content-Type", "").encode() + b"\r\n\r\n" + body)
    for part in message.iter_parts() if message.is_multipart() else ():
        if part.get_param("name", header="content-disposition") == "xml":
            return part.get_filename() or "", part.get_payload(decode=True) or b""
    raise Answer(400, {"trackId": None, "error": "Multipart cannot be empty", "mensaje": None})


class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # stopping must not wait for a handler that hangs on purpose
    allow_reuse_address = True

    def __init__(self, address, answer) -> None:
        super().__init__(address, _Handler)
        self.answer = answer


class _Handler(BaseHTTPRequestHandler):
    # HTTP/1.0: one request per connection, so "down" leaves no live keep-alive behind.
    server: Server

    def _serve(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        status, content_type, payload = self.server.answer(method, self.path, self.headers, body)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def log_message(self, format, *args) -> None:
        pass
