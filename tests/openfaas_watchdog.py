"""The OpenFaaS classic watchdog's contract with its function, for testing the container recipe where no container
engine runs (this machine has none). It follows the watchdog's handler.go (openfaas/classic-watchdog, the 0.3.x
line Dockerfile.openfaas takes it from) step by step: for POST, PUT, PATCH, DELETE and GET it forks `fprocess`
(split on spaces) with its own environment plus, with `cgi_headers` on (the default), one `Http_<Header>` per
request header (Go's canonical spelling, `-` as `_`), `Http_Method`, `Http_ContentLength`, `Http_Content_Length`,
`Http_Transfer_Encoding` (when chunked), `Http_Query` (when there is one), `Http_Path` and `Http_Host`; writes the
body to the process's stdin; with `combine_output` on (the default) answers stdout and stderr together. A process
that exits non-zero is answered 500 with "exit status N", a newline and its output; otherwise 200 with its
output, typed `content_type` when set, else as the caller's own Content-Type. Any other method is 405."""
import http.server
import os
import subprocess
import threading


def canonical(name: str) -> str:
    """Go's textproto.CanonicalMIMEHeaderKey: `webhook-id` → `Webhook-Id`."""
    return "-".join(part[:1].upper() + part[1:].lower() for part in name.split("-"))


class Watchdog:
    def __init__(self, environment: dict, user: str | None = None):
        self.environment = environment
        self.user = user
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def flag(self, name: str, default: bool) -> bool:
        value = self.environment.get(name)
        return default if value is None else value.lower() == "true"

    def _handler(self):
        watchdog = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                self.pipe()

            do_PUT = do_PATCH = do_DELETE = do_GET = do_POST

            def do_OPTIONS(self):
                self.send_response(405)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def pipe(self):
                path, _, query = self.path.partition("?")
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                env = dict(watchdog.environment)
                if watchdog.flag("cgi_headers", True):
                    for name, value in self.headers.items():
                        env["Http_" + canonical(name).replace("-", "_")] = value
                    env["Http_Method"] = self.command
                    env["Http_ContentLength"] = env["Http_Content_Length"] = str(length)
                    if query:
                        env["Http_Query"] = query
                    env["Http_Path"] = path
                    if self.headers.get("Host"):
                        env["Http_Host"] = self.headers["Host"]
                combine = watchdog.flag("combine_output", True)
                process = subprocess.run(env["fprocess"].split(" "), input=body, env=env, timeout=60,
                                         stdout=subprocess.PIPE,
                                         stderr=subprocess.STDOUT if combine else subprocess.PIPE,
                                         user=watchdog.user)
                out = process.stdout
                if process.returncode != 0:
                    self.answer(500, f"exit status {process.returncode}\n".encode() + out, None)
                    return
                content_type = watchdog.environment.get("content_type") or self.headers.get("Content-Type")
                self.answer(200, out, content_type)

            def answer(self, status, payload, content_type):
                self.send_response(status)
                if content_type:
                    self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        return Handler


def image_environment(dockerfile: str, stack: dict, function: str) -> dict:
    """The environment the image's watchdog runs with: the Dockerfile's ENV lines, then the stack file's
    `environment` (OpenFaaS sets it on the container, over the image's)."""
    env = {}
    for line in dockerfile.splitlines():
        if line.startswith("ENV "):
            name, _, value = line[4:].partition("=")
            env[name.strip()] = value.strip()
    env.update({name: str(value) for name, value in stack["functions"][function]["environment"].items()})
    return env
