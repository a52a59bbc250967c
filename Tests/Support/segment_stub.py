#!/usr/bin/env python3
"""A Segment-compatible HTTP Tracking API stub for tests, on loopback only.

Accepts POST /v1/batch (and /v1/import) as Segment does, plain or with
Content-Encoding: gzip, checks what Segment checks, counts
what a sender's tests need to assert (requests, messages, unique messageIds, duplicates,
sizes), and injects faults on demand: 500s, 429s with Retry-After, dropped connections and
slow replies.

The first line on stdout is the port it listens on, so a test can start it with --port 0.

Endpoints besides the batch API:
  GET  /stats     counters as JSON
  GET  /messages  recorded messages as NDJSON (with --record)
  GET  /requests  the first --capture requests: headers and body (inflated), as JSON
  POST /reset     zeroes counters and forgets messages
  POST /release   lets requests held by --pause-after through
  GET  /health    200 "ok"

Standard library only.
"""

import argparse
import base64
import json
import random
import re
import signal
import socket
import ssl
import struct
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY_BYTES = 500 * 1024
MAX_MESSAGE_BYTES = 32 * 1024
BATCH_PATHS = ("/v1/batch", "/v1/import")

_decoder = json.JSONDecoder()
_whitespace = re.compile(r"[ \t\n\r]*")


def decode_body(body, encoding):
    """Returns (body, problem): a gzip body inflated, or why it cannot be.

    Segment's 500 KB limit applies to the inflated body, so inflating stops one byte past it:
    a small body that inflates to gigabytes costs no more than a body at the limit.
    """
    if encoding in ("", "identity"):
        return body, None
    if encoding != "gzip":
        return body, f"unsupported Content-Encoding {encoding!r}"
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        plain = inflater.decompress(body, MAX_BODY_BYTES + 1)
    except zlib.error as error:
        return body, f"malformed gzip body: {error}"
    if len(plain) > MAX_BODY_BYTES:
        return body, f"body is over {MAX_BODY_BYTES} bytes once inflated"
    if not inflater.eof:
        return body, "malformed gzip body: it ends before the gzip stream does"
    if inflater.unused_data:
        return body, "malformed gzip body: bytes after the gzip stream"
    return plain, None


class BatchError(ValueError):
    """The body is not a Segment batch; the message is sent back in the 400 reply."""


def split_batch(text):
    """Returns the envelope (every key but "batch") and [(message, its text)] of a batch body.

    Each message's text is its exact span in the body, found with the C decoder's raw_decode,
    so the stub measures what the client sent without serializing anything again.
    """

    def skip(index):
        return _whitespace.match(text, index).end()

    def expect(index, char):
        index = skip(index)
        if text[index : index + 1] != char:
            raise BatchError(f"expected {char!r} at offset {index}")
        return index + 1

    envelope = {}
    messages = None
    index = expect(0, "{")
    index = skip(index)
    if text[index : index + 1] == "}":
        raise BatchError("empty body object")
    while True:
        index = skip(index)
        key, index = _decoder.raw_decode(text, index)
        if not isinstance(key, str):
            raise BatchError("object key is not a string")
        index = skip(expect(index, ":"))
        if key == "batch":
            index = expect(index, "[")
            messages = []
            index = skip(index)
            if text[index : index + 1] == "]":
                index += 1
            else:
                while True:
                    message, end = _decoder.raw_decode(text, index)
                    messages.append((message, text[index:end]))
                    index = skip(end)
                    char = text[index : index + 1]
                    index += 1
                    if char == "]":
                        break
                    if char != ",":
                        raise BatchError(f"expected ',' or ']' at offset {index - 1}")
                    index = skip(index)
        else:
            envelope[key], index = _decoder.raw_decode(text, index)
        index = skip(index)
        char = text[index : index + 1]
        index += 1
        if char == "}":
            break
        if char != ",":
            raise BatchError(f"expected ',' or '}}' at offset {index - 1}")
    if skip(index) != len(text):
        raise BatchError("text after the body object")
    if messages is None:
        raise BatchError('no "batch" array')
    return envelope, messages


def message_problem(message):
    """What Segment would drop the message for, or None."""
    if not isinstance(message, dict):
        return "a message is not an object"
    if not (message.get("userId") or message.get("anonymousId")):
        return "message without userId or anonymousId"
    kind = message.get("type")
    if kind not in ("track", "identify", "page", "screen", "group", "alias"):
        return f"unknown message type {kind!r}"
    if kind == "track" and not message.get("event"):
        return "track message without event"
    return None


class Ledger:
    """Everything the stub counts, behind one lock."""

    def __init__(self, options):
        self.options = options
        self.lock = threading.Lock()
        self.random = random.Random(options.seed)
        self.released = threading.Event()
        self.reset()

    def reset(self):
        self.requests = 0
        self.accepted_requests = 0
        self.rejected_requests = 0
        self.unauthorized = 0
        self.retried_requests = 0
        self.injected_500 = 0
        self.injected_429 = 0
        self.dropped = 0
        self.messages = 0
        self.invalid = 0
        self.duplicates = 0
        self.conflicting_duplicates = 0
        self.max_body_bytes = 0
        self.max_message_bytes = 0
        self.body_bytes = 0
        self.wire_bytes = 0
        self.gzip_requests = 0
        self.first_request_at = None
        self.last_request_at = None
        self.seen = {}
        self.recorded = []
        self.captured = []
        self.user_agents = set()
        self.held = 0

    def stats(self):
        return {
            "requests": self.requests,
            "accepted_requests": self.accepted_requests,
            "rejected_requests": self.rejected_requests,
            "unauthorized": self.unauthorized,
            "retried_requests": self.retried_requests,
            "injected_500": self.injected_500,
            "injected_429": self.injected_429,
            "dropped": self.dropped,
            "messages": self.messages,
            "unique_message_ids": len(self.seen),
            "duplicates": self.duplicates,
            "conflicting_duplicates": self.conflicting_duplicates,
            "invalid": self.invalid,
            "max_body_bytes": self.max_body_bytes,
            "max_message_bytes": self.max_message_bytes,
            "body_bytes": self.body_bytes,
            "wire_bytes": self.wire_bytes,
            "gzip_requests": self.gzip_requests,
            "first_request_at": self.first_request_at,
            "last_request_at": self.last_request_at,
            "user_agents": sorted(self.user_agents),
            "held": self.held,
        }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "segment-stub/1"

    def log_message(self, format, *args):
        pass

    def handle(self):
        # A client that gives up on a request (a stopped run, a timeout) closes its end; that
        # is normal here and not worth a traceback.
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            pass

    @property
    def ledger(self):
        return self.server.ledger

    @property
    def options(self):
        return self.server.ledger.options

    def reply(self, status, payload, headers=None):
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def error_reply(self, status, message, headers=None):
        self.reply(status, {"success": False, "code": status, "message": message}, headers)

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    self.rfile.readline()
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_GET(self):
        ledger = self.ledger
        if self.path == "/stats":
            with ledger.lock:
                self.reply(200, ledger.stats())
        elif self.path == "/messages":
            with ledger.lock:
                text = "".join(line + "\n" for line in ledger.recorded)
            self.reply(200, text.encode())
        elif self.path == "/requests":
            with ledger.lock:
                self.reply(200, ledger.captured)
        elif self.path == "/health":
            self.reply(200, b"ok")
        else:
            self.error_reply(404, "not found")

    def do_POST(self):
        body = self.read_body()
        if self.path == "/release":
            self.ledger.released.set()
            self.reply(200, {"success": True})
            return
        if self.path == "/reset":
            with self.ledger.lock:
                self.ledger.reset()
            self.reply(200, {"success": True})
            return
        if self.path not in BATCH_PATHS:
            self.error_reply(404, "not found")
            return
        self.handle_batch(body)

    def handle_batch(self, wire):
        ledger, options = self.ledger, self.options
        encoding = self.headers.get("Content-Encoding", "").strip().lower()
        body, encoding_problem = decode_body(wire, encoding)
        if options.pause_after:
            with ledger.lock:
                hold = ledger.messages >= options.pause_after and not ledger.released.is_set()
                ledger.held += hold
            if hold:
                # Lets a test act on a sender mid-run (kill it, interrupt it) however slowly
                # the test itself gets scheduled.
                ledger.released.wait(timeout=120)
                with ledger.lock:
                    ledger.held -= 1
        with ledger.lock:
            ledger.requests += 1
            number = ledger.requests
            now = time.time()
            ledger.first_request_at = ledger.first_request_at or now
            ledger.last_request_at = now
            ledger.wire_bytes += len(wire)
            ledger.gzip_requests += encoding == "gzip"
            if not encoding_problem:
                ledger.body_bytes += len(body)
                ledger.max_body_bytes = max(ledger.max_body_bytes, len(body))
            ledger.user_agents.add(self.headers.get("User-Agent", ""))
            if self.headers.get("X-Retry-Count"):
                ledger.retried_requests += 1
            if len(ledger.captured) < options.capture:
                ledger.captured.append(
                    {
                        "path": self.path,
                        "headers": dict(self.headers.items()),
                        "body": body.decode("utf-8", "replace"),
                    }
                )
            drop = options.drop_every and number % options.drop_every == 0
            limit = options.rate_limit_every and number % options.rate_limit_every == 0
            fail = options.fail_rate > 0 and ledger.random.random() < options.fail_rate
            if drop:
                ledger.dropped += 1
            elif limit:
                ledger.injected_429 += 1
            elif fail:
                ledger.injected_500 += 1

        if options.slow_ms:
            time.sleep(options.slow_ms / 1000)
        if drop:
            # Abort the connection: the client sees a reset, not an answer.
            self.connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
            )
            self.close_connection = True
            self.connection.close()
            return
        if limit:
            self.error_reply(429, "too many requests", {"Retry-After": "1"})
            return
        if fail and not options.fault_after:
            self.error_reply(500, "injected failure")
            return

        status, message = self.check_and_record(body, encoding_problem)
        if status != 200:
            self.error_reply(status, message)
        elif fail:
            self.error_reply(500, "injected failure after the messages were recorded")
        else:
            self.reply(200, {"success": True})

    def check_and_record(self, body, encoding_problem=None):
        ledger, options = self.ledger, self.options
        if not self.authorized(body):
            with ledger.lock:
                ledger.unauthorized += 1
                ledger.rejected_requests += 1
            return 401, "missing or wrong write key"
        problem, messages = encoding_problem, None
        if not problem:
            problem, messages = self.parse(body)
        if problem:
            with ledger.lock:
                ledger.rejected_requests += 1
            return 400, problem
        with ledger.lock:
            ledger.accepted_requests += 1
            for message, text, size in messages:
                ledger.messages += 1
                ledger.max_message_bytes = max(ledger.max_message_bytes, size)
                message_id = message.get("messageId")
                fingerprint = hash(text)
                known = ledger.seen.get(message_id)
                if known is None:
                    ledger.seen[message_id] = fingerprint
                else:
                    ledger.duplicates += 1
                    if known != fingerprint:
                        ledger.conflicting_duplicates += 1
                if options.record:
                    ledger.recorded.append(text)
        return 200, None

    def authorized(self, body):
        expected = self.options.write_key
        header = self.headers.get("Authorization", "")
        if header.startswith("Basic "):
            try:
                user = base64.b64decode(header[6:], validate=True).decode().split(":", 1)[0]
            except ValueError:
                return False
            return user == expected if expected else bool(user)
        match = re.search(rb'"writeKey"\s*:\s*"([^"]*)"', body)
        if not match:
            return False
        key = match.group(1).decode()
        return key == expected if expected else bool(key)

    def parse(self, body):
        """Returns (problem, [(message, text, bytes)]); problem is None when acceptable."""
        if len(body) > MAX_BODY_BYTES:
            return f"body of {len(body)} bytes is over {MAX_BODY_BYTES}", None
        if self.options.reject_marker and self.options.reject_marker.encode() in body:
            return "rejected: the body contains the reject marker", None
        try:
            text = body.decode("utf-8")
            _, messages = split_batch(text)
        except (UnicodeDecodeError, ValueError) as error:
            return f"malformed body: {error}", None
        ascii_only = text.isascii()
        accepted = []
        for message, span in messages:
            size = len(span) if ascii_only else len(span.encode("utf-8"))
            if size > MAX_MESSAGE_BYTES:
                return f"message of {size} bytes is over {MAX_MESSAGE_BYTES}", None
            problem = message_problem(message)
            if problem and not self.options.lenient:
                return problem, None
            if problem:
                with self.ledger.lock:
                    self.ledger.invalid += 1
                continue
            accepted.append((message, span, size))
        return None, accepted


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def get_request(self):
        connection, address = super().get_request()
        # Without it, headers and body leave in two segments and Nagle plus delayed ACK
        # stall every keep-alive request by about 40 ms.
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return connection, address


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--write-key", help="the only key accepted (default: any non-empty)")
    parser.add_argument("--fail-rate", type=float, default=0.0, help="share of POSTs answered 500")
    parser.add_argument("--seed", type=int, default=1, help="seed of --fail-rate")
    parser.add_argument(
        "--fault-after", action="store_true", help="record the messages before answering 500"
    )
    parser.add_argument("--rate-limit-every", type=int, default=0, help="every K-th POST gets 429")
    parser.add_argument("--drop-every", type=int, default=0, help="every K-th POST is dropped")
    parser.add_argument("--slow-ms", type=int, default=0, help="delay before each batch reply")
    parser.add_argument(
        "--pause-after", type=int, default=0,
        help="hold every request once N messages were accepted, until POST /release",
    )
    parser.add_argument("--reject-marker", help="answer 400 to any body containing this text")
    parser.add_argument("--lenient", action="store_true", help="drop invalid messages with 200")
    parser.add_argument("--record", action="store_true", help="keep messages for GET /messages")
    parser.add_argument("--capture", type=int, default=0, help="keep the first K requests")
    parser.add_argument("--max-seconds", type=float, default=900, help="exit after this long")
    parser.add_argument("--tls-cert", help="serve HTTPS with this certificate (PEM)")
    parser.add_argument("--tls-key", help="the private key of --tls-cert (PEM)")
    options = parser.parse_args(argv)
    if not (options.host.startswith("127.") or options.host in ("::1", "localhost")):
        parser.error("the stub binds to loopback addresses only")

    # A parent that ignores SIGTERM (some test runners do) would pass that on to the stub,
    # and the stub would outlive the test that started it.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    server = Server((options.host, options.port), Handler)
    if options.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(options.tls_cert, options.tls_key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    server.ledger = Ledger(options)
    print(server.server_address[1], flush=True)
    timer = threading.Timer(options.max_seconds, server.shutdown)
    timer.daemon = True
    timer.start()
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
