"""HTTP timing over one keep-alive connection per client profile, the same rep/warm-up rules as
anchor-pg."""
from __future__ import annotations

import hashlib
import http.client
import json
import math
import statistics
import time
import zlib


# What real clients send. `go`: Coder's Go SDK (net/http's default transport adds
# `Accept-Encoding: gzip` and decompresses transparently); `browser`: the dashboard's axios
# in Chrome, signed in by the session cookie; `identity`: no compression (what this harness
# measured before coderlite issue 13, and what curl sends by default).
CHROME_UA = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Chrome/131.0.0.0 Safari/537.36")
PROFILES = {
    "go": {"User-Agent": "Go-http-client/1.1", "Accept-Encoding": "gzip"},
    "browser": {"User-Agent": CHROME_UA, "Accept": "application/json, text/plain, */*",
                "Accept-Encoding": "gzip, deflate, br, zstd", "Accept-Language": "en-US,en;q=0.9"},
    "identity": {"Accept": "application/json", "Accept-Encoding": "identity"},
}
PROFILE_LABEL = {"go": "go gzip", "browser": "browser", "identity": "identity"}


def decode_body(raw: bytes, encoding: str) -> bytes:
    """Undo a Content-Encoding the way the clients above do (gzip/deflate; the server offers no
    br/zstd, and Python has no decoder for them, so those fail loudly)."""
    enc = (encoding or "identity").strip().lower()
    if enc in ("", "identity"):
        return raw
    if enc in ("gzip", "x-gzip"):
        return zlib.decompress(raw, 16 + zlib.MAX_WBITS)
    if enc == "deflate":
        try:
            return zlib.decompress(raw)
        except zlib.error:
            return zlib.decompress(raw, -zlib.MAX_WBITS)
    raise RuntimeError(f"response in Content-Encoding {encoding!r}, which this client cannot decode")


class Api:
    """A keep-alive HTTP/1.1 client for one coderlite server, sending the headers of one
    client profile (see PROFILES). `request` returns the decoded body; the decompression is
    part of every timed call, as it is for real clients. After each call `last_encoding` and
    `last_wire_bytes` tell what came over the wire."""

    def __init__(self, port: int, token: str | None = None, profile: str = "go"):
        if profile not in PROFILES:
            raise ValueError(f"unknown client profile {profile!r} (one of {', '.join(PROFILES)})")
        self.port = port
        self.token = token
        self.profile = profile
        self.last_encoding = "identity"
        self.last_wire_bytes = 0
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def headers(self, extra=None):
        h = dict(PROFILES[self.profile])
        if self.token:
            if self.profile == "browser":
                h["Cookie"] = f"coder_session_token={self.token}"
            else:
                h["Coder-Session-Token"] = self.token
        if extra:
            h.update(extra)
        return h

    def request(self, method: str, path: str, body=None):
        """Returns (status, decoded body bytes)."""
        data = None
        headers = self.headers()
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in (0, 1):
            try:
                self.conn.request(method, path, body=data, headers=headers)
                resp = self.conn.getresponse()
                raw = resp.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                if attempt:
                    raise
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        enc = resp.getheader("Content-Encoding") or "identity"
        self.last_encoding = enc
        self.last_wire_bytes = len(raw)
        return resp.status, decode_body(raw, enc)

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
