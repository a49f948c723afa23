"""HTTP timing over one keep-alive connection, the same rep/warm-up rules as anchor-pg."""
from __future__ import annotations

import hashlib
import http.client
import json
import math
import statistics
import time


class Api:
    """A keep-alive HTTP/1.1 client for one coderlite server."""

    def __init__(self, port: int, token: str | None = None):
        self.port = port
        self.token = token
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def headers(self, extra=None):
        h = {"Accept": "application/json"}
        if self.token:
            h["Coder-Session-Token"] = self.token
        if extra:
            h.update(extra)
        return h

    def request(self, method: str, path: str, body=None):
        """Returns (status, raw body bytes)."""
        data = None
        headers = self.headers()
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in (0, 1):
            try:
                self.conn.request(method, path, body=data, headers=headers)
                resp = self.conn.getresponse()
                return resp.status, resp.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                if attempt:
                    raise
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        raise RuntimeError("unreachable")

    def json(self, method: str, path: str, body=None, expect=200):
        status, raw = self.request(method, path, body)
        if status != expect:
            raise RuntimeError(f"{method} {path}: HTTP {status}, expected {expect}: {raw[:300]!r}")
        return json.loads(raw) if raw else None

    def close(self):
        self.conn.close()


def run_timed(fn, budget_s: float, min_reps: int, max_reps: int):
    """Warm up (3 calls, 1 if a call takes > 0.2 s, 0 if > 2 s), then time calls until
    max_reps or the budget (at least min_reps). Returns (samples_ms, last_result)."""
    t = time.perf_counter()
    res = fn()
    first = time.perf_counter() - t
    warm = 0 if first > 2.0 else (1 if first > 0.2 else 3)
    for _ in range(warm):
        res = fn()
    samples = []
    t_start = time.perf_counter()
    while len(samples) < max_reps:
        t0 = time.perf_counter_ns()
        res = fn()
        samples.append((time.perf_counter_ns() - t0) / 1e6)
        if len(samples) >= min_reps and time.perf_counter() - t_start > budget_s:
            break
    return samples, res


def summarize(samples):
    s = sorted(samples)
    n = len(s)
    return dict(n=n, median_ms=round(statistics.median(s), 3),
                p95_ms=round(s[max(0, math.ceil(0.95 * n) - 1)], 3),
                min_ms=round(s[0], 3), max_ms=round(s[-1], 3))


def digest_ids(ids):
    """Same digest as anchor-pg's digest_rows over a page's ids."""
    h = hashlib.sha1()
    for i in ids:
        h.update(str(i).encode())
        h.update(b"\n")
    return h.hexdigest()[:12]
