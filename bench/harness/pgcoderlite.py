"""coderlite itself on PostgreSQL: a throwaway PostgreSQL 15 server with anchor-pg's settings
(in the work directory, unix socket only), the benchmark's SQLite file copied into it with
`coderlite migrate`, then the same HTTP cases as on SQLite against `coderlite server --db
postgres://...`."""
from __future__ import annotations

import os
import shutil
import subprocess
import time
import urllib.parse

# anchor-pg's settings (its bench.sh), so both PostgreSQL figures come from the same server setup.
SETTINGS = """
listen_addresses = ''
shared_buffers = 1GB
effective_cache_size = 4GB
work_mem = 16MB
maintenance_work_mem = 512MB
random_page_cost = 1.1
jit = off
max_wal_size = 4GB
checkpoint_timeout = 30min
fsync = off
full_page_writes = off
synchronous_commit = off
autovacuum = off
log_min_messages = warning
"""


def _pgbin() -> str:
    return os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin")


def available() -> tuple[bool, str]:
    for tool in ("initdb", "pg_ctl", "postgres", "psql"):
        if not os.access(os.path.join(_pgbin(), tool), os.X_OK) and not (
                tool == "psql" and shutil.which("psql")):
            return False, f"PostgreSQL binaries not found in {_pgbin()} (set PGBIN)"
    return True, ""


def _as_pg(args):
    return (["runuser", "-u", "postgres", "--"] + args) if os.geteuid() == 0 else args


class PgServer:
    def __init__(self, work: str, log_path: str):
        self.root = os.path.join(work, "pg-coderlite")
        self.data = os.path.join(self.root, "data")
        self.log_path = log_path
        if os.path.exists(self.root):
            self.stop()
            shutil.rmtree(self.root)
        os.makedirs(self.root)
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
        with open(log_path, "ab") as log:
            subprocess.run(_as_pg([os.path.join(_pgbin(), "initdb"), "-D", self.data, "-U", "postgres",
                                   "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]),
                           stdout=log, stderr=subprocess.STDOUT, check=True)
            conf = os.path.join(self.data, "postgresql.conf")
            subprocess.run(_as_pg(["sh", "-c", f"cat >> {conf}"]), input=SETTINGS.encode()
                           + f"unix_socket_directories = '{self.root}'\n".encode(), check=True)
            subprocess.run(_as_pg([os.path.join(_pgbin(), "pg_ctl"), "-D", self.data, "-l",
                                   os.path.join(self.root, "postgres.log"), "-w", "start"]),
                           stdout=log, stderr=subprocess.STDOUT, check=True)
        self.admin = f"postgresql://postgres@{urllib.parse.quote(self.root, safe='')}/postgres"
        self.url = self.admin.rsplit("/", 1)[0] + "/coderlite"
        self.psql(self.admin, "CREATE DATABASE coderlite")
        self.version = self.psql(self.admin, "SHOW server_version").strip()

    def psql(self, url: str, sql: str) -> str:
        return subprocess.run(["psql", "-qtA", url, "-c", sql], capture_output=True, text=True,
                              check=True).stdout

    def load(self, binary: str, db_file: str) -> dict:
        """`coderlite migrate` from the SQLite file, then VACUUM ANALYZE (the visibility map
        lets index-only scans skip the heap, as autovacuum would after a while) and CHECKPOINT."""
        t = time.perf_counter()
        out = subprocess.run([binary, "migrate", "--from", db_file, "--to", self.url],
                             capture_output=True, text=True, env={**os.environ, "RUST_LOG": "warn"})
        with open(self.log_path, "a") as log:
            log.write(out.stderr)
        if out.returncode != 0:
            raise RuntimeError(f"coderlite migrate failed: {out.stderr[-2000:]}")
        migrate_s = time.perf_counter() - t
        t = time.perf_counter()
        self.psql(self.url, "VACUUM ANALYZE")
        # As anchor-pg's load ends: the load's dirty pages written now, not during the cases.
        self.psql(self.url, "CHECKPOINT")
        return dict(migrate_s=migrate_s, vacuum_s=time.perf_counter() - t,
                    summary=[ln for ln in out.stderr.splitlines() if ln.startswith("copied")][-1:])

    def stop(self):
        data = os.path.join(self.root, "data")
        if os.path.exists(os.path.join(data, "postmaster.pid")):
            subprocess.run(_as_pg([os.path.join(_pgbin(), "pg_ctl"), "-D", data, "-m", "fast", "-w",
                                   "stop"]), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
