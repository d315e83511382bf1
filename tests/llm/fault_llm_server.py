"""An OpenAI-compatible HTTP server for tests that need faults a real model server cannot give.

It answers the status codes queued in ``faults`` (429, 503, 400...) and otherwise a minimal chat
completion naming the request's number, or, given ``answer``, the text that function writes for
the request's messages (a scripted model, for campaign tests that need to know what the model
says: a real model's answers cannot be chosen), after ``delay_s`` seconds (a model's writing time);
it can be stopped and restarted on the same port.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FaultServer(ThreadingHTTPServer):
    def __init__(self, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), FaultHandler)
        self.faults: list[int] = []  # status codes to answer before succeeding
        self.requests = 0
        self.answer: Callable[[list[dict[str, str]]], str] | None = None
        self.delay_s = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


class FaultHandler(BaseHTTPRequestHandler):
    server: FaultServer

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length))
        self.server.requests += 1
        if self.server.faults:
            status = self.server.faults.pop(0)
            payload = {"error": {"message": f"injected {status}", "type": "test"}}
        else:
            status = 200
            time.sleep(self.server.delay_s)
            answer = self.server.answer
            content = answer(body["messages"]) if answer else f"answer {self.server.requests}"
            payload = {
                "id": "x",
                "object": "chat.completion",
                "created": 0,
                "model": body["model"],
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": "stop",
                        "message": {"role": "assistant", "content": content},
                    }
                ],
                "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
            }
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def running(server: FaultServer) -> Iterator[FaultServer]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
