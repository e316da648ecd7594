#!/usr/bin/env python3
"""Loopback proxy in front of moto for bench/: counts S3 and KMS requests, and can play a KMS quota and faults.

    python3 bench/proxy.py --upstream http://127.0.0.1:PORT [--port 0] [--kms-rate R --kms-burst B] [--fault-rate F]

Prints its port on the first line of stdout, then serves until killed. GET /__counts answers the counters as JSON
({"s3": n, "kms": n, "kms_throttled": n, "faults": n, "kms_ops": {"Decrypt": n}}); POST /__reset zeroes them.
A request is KMS when it carries X-Amz-Target: TrentService.*, else S3. With --kms-rate, KMS requests take a token
from a bucket (R per second, B deep); an empty bucket answers 400 ThrottlingException without forwarding, as AWS
KMS does over its quota. With --fault-rate, that fraction of requests (any service) answers 500 InternalFailure,
or has its connection closed without an answer (half each). No body is ever logged or kept.
"""
import argparse
import http.client
import http.server
import json
import random
import socketserver
import sys
import threading
import time
import urllib.parse

LOCK = threading.Lock()
COUNTS = {"s3": 0, "kms": 0, "kms_throttled": 0, "faults": 0, "kms_ops": {}}


class Bucket:
    def __init__(self, rate, burst):
        self.rate, self.burst, self.tokens, self.last = rate, burst, burst, time.monotonic()
        self.lock = threading.Lock()

    def take(self):
        with self.lock:
            now = time.monotonic()
            self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
            self.last = now
            if self.tokens >= 1:
                self.tokens -= 1
                return True
            return False


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    upstream = None
    bucket = None
    fault_rate = 0.0
    local = threading.local()

    def log_message(self, *args):
        pass

    def conn(self):
        c = getattr(Handler.local, "conn", None)
        if c is None:
            c = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=60)
            Handler.local.conn = c
        return c

    def control(self):
        if self.path == "/__counts":
            with LOCK:
                body = json.dumps(COUNTS).encode()
            self.reply(200, body, "application/json")
            return True
        if self.path == "/__reset" and self.command == "POST":
            with LOCK:
                COUNTS.update(s3=0, kms=0, kms_throttled=0, faults=0, kms_ops={})
            self.reply(204, b"")
            return True
        return False

    def reply(self, status, body, ctype="application/x-amz-json-1.1", extra=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def handle_any(self):
        if self.path.startswith("/__") and self.control():
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        target = self.headers.get("X-Amz-Target") or ""
        kms = target.startswith("TrentService.")
        with LOCK:
            if kms:
                COUNTS["kms"] += 1
                op = target.split(".", 1)[1]
                COUNTS["kms_ops"][op] = COUNTS["kms_ops"].get(op, 0) + 1
            else:
                COUNTS["s3"] += 1
        if self.fault_rate and random.random() < self.fault_rate:
            with LOCK:
                COUNTS["faults"] += 1
            if random.random() < 0.5:
                self.close_connection = True
                self.connection.close()
                return
            self.reply(500, b'{"__type":"InternalFailure","message":"bench fault"}')
            return
        if kms and self.bucket is not None and not self.bucket.take():
            with LOCK:
                COUNTS["kms_throttled"] += 1
            self.reply(400, b'{"__type":"ThrottlingException","message":"Rate exceeded"}')
            return
        self.forward(body)

    def forward(self, body):
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "keep-alive", "proxy-connection")}
        for attempt in (1, 2):
            try:
                c = self.conn()
                c.request(self.command, self.path, body=body, headers=headers)
                r = c.getresponse()
                data = r.read()
                break
            except (http.client.HTTPException, OSError):
                Handler.local.conn = None
                if attempt == 2:
                    self.reply(502, b'{"__type":"BadGateway"}')
                    return
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() not in ("connection", "keep-alive", "transfer-encoding", "content-length", "server", "date"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = handle_any


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    request_queue_size = 1024

    def handle_error(self, request, client_address):
        # A client that gave up (its attempt timeout, a cancelled agent) closes mid-answer: not the proxy's error.
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--upstream", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--kms-rate", type=float, default=0)
    p.add_argument("--kms-burst", type=float, default=0)
    p.add_argument("--fault-rate", type=float, default=0)
    a = p.parse_args()
    Handler.upstream = urllib.parse.urlparse(a.upstream)
    if a.kms_rate > 0:
        Handler.bucket = Bucket(a.kms_rate, a.kms_burst or a.kms_rate)
    Handler.fault_rate = a.fault_rate
    server = Server(("127.0.0.1", a.port), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
