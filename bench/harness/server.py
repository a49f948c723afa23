"""Starting/stopping `coderlite server` on a database, an API token without audit rows, and
memory sampling."""
from __future__ import annotations

import hashlib
import os
import secrets
import socket
import sqlite3
import string
import subprocess
import time
import urllib.request

ALNUM = string.ascii_letters + string.digits


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_token(db_path: str) -> tuple[str, str]:
    """Adds an API key for an active owner of the dataset straight into the file (a login
    through the API would add audit rows and shift every page against the reference).
    Returns (token, username)."""
    db = sqlite3.connect(db_path)
    try:
        row = db.execute(
            "SELECT id, username FROM users WHERE deleted = 0 AND status = 'active' "
            "AND is_system = 0 AND rbac_roles LIKE '%\"owner\"%' ORDER BY username LIMIT 1").fetchone()
        if row is None:
            raise RuntimeError(f"{db_path}: no active owner to benchmark as")
        key_id = "".join(secrets.choice(ALNUM) for _ in range(10))
        secret = "".join(secrets.choice(ALNUM) for _ in range(22))
        now = int(time.time() * 1e6)
        month = 30 * 86400
        db.execute(
            "INSERT INTO api_keys (id, hashed_secret, user_id, login_type, lifetime_seconds, "
            "token_name, created_at, updated_at, last_used, expires_at) "
            "VALUES (?, ?, ?, 'token', ?, ?, ?, ?, ?, ?)",
            (key_id, hashlib.sha256(secret.encode()).digest(), row[0], month,
             "bench-" + key_id, now, now, now, now + month * 1_000_000))
        db.commit()
        return f"{key_id}-{secret}", row[1]
    finally:
        db.close()


class Server:
    """A running `coderlite server`."""

    def __init__(self, binary: str, db: str, log_path: str, extra=()):
        self.port = free_port()
        self.log = open(log_path, "ab")
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            [binary, "server", "--db", db, "--listen", f"127.0.0.1:{self.port}",
             "--synchronous", "normal", *extra],
            stdout=self.log, stderr=subprocess.STDOUT, env={**os.environ, "RUST_LOG": "warn"})
        self.startup_ms = self._wait_ready(t0)

    def _wait_ready(self, t0: float) -> float:
        url = f"http://127.0.0.1:{self.port}/healthz"
        deadline = time.perf_counter() + 120
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}; see {self.log.name}")
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        return (time.perf_counter() - t0) * 1000
            except OSError:
                time.sleep(0.002)
        raise RuntimeError("server did not become ready within 120 s")

    def rss(self) -> dict:
        """Current and peak resident memory of the server process, in MiB."""
        out = {}
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
                    out[k] = round(int(v.split()[0]) / 1024, 1)
        return out

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
