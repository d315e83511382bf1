"""A stand-in for llama.cpp's server that dies by a signal at its first completion.

The real fault (a library built for CPU features the machine refuses: SIGILL at the first
completion) cannot be produced on a machine that runs the portable build, so this process
answers ``GET /v1/models`` like the real server and then kills itself with the given signal
on the first ``POST``, exactly when the broken build dies.

    python tests/llm/dying_llm_server.py --port P --signal SIGILL
"""

from __future__ import annotations

import argparse
import json
import os
import signal
from http.server import BaseHTTPRequestHandler, HTTPServer


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--signal", default="SIGILL")
    args = parser.parse_args()
    number = signal.Signals[args.signal]

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            data = json.dumps({"object": "list", "data": [{"id": "dying", "object": "model"}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            signal.signal(number, signal.SIG_DFL)
            os.kill(os.getpid(), number)

        def log_message(self, *args: object) -> None:
            pass

    HTTPServer(("127.0.0.1", args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
