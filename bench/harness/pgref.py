"""The PostgreSQL reference: anchor-pg's own bench.sh/bench.py, run on the same CSV files."""
from __future__ import annotations

import json
import os
import subprocess

# Cases of bench.py used by the comparison: pages, counts, seat look-ups.
PG_CASES = "a,b,c,d,d2,e,f,x,g1,g2,g3,g4,g5,h,h-exists,h-state"


def available(anchor_dir: str) -> tuple[bool, str]:
    pgbin = os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin")
    bench_sh = os.path.join(anchor_dir, "bench.sh")
    if not os.path.exists(bench_sh):
        return False, f"{bench_sh} not found"
    for tool in ("initdb", "pg_ctl", "postgres"):
        if not os.access(os.path.join(pgbin, tool), os.X_OK):
            return False, f"PostgreSQL binaries not found in {pgbin} (set PGBIN)"
    return True, ""


def run(anchor_dir: str, work: str, data: str, budget: float, log_path: str) -> dict:
    """venv, init, load, pg (timed cases), stop. Returns results_pg.json."""
    anchor = os.path.join(work, "pg")
    os.makedirs(anchor, exist_ok=True)
    link = os.path.join(anchor, "data")
    if os.path.islink(link) or os.path.exists(link):
        if os.path.realpath(link) != os.path.realpath(data):
            os.remove(link)
    if not os.path.exists(link):
        os.symlink(os.path.realpath(data), link)
    env = {**os.environ, "ANCHOR": anchor}
    bench_sh = os.path.join(anchor_dir, "bench.sh")
    with open(log_path, "ab") as log:
        def step(*args):
            print(f"    bench.sh {' '.join(args)}", flush=True)
            subprocess.run([bench_sh, *args], env=env, stdout=log, stderr=subprocess.STDOUT, check=True)
        try:
            step("venv")
            step("init")
            step("load")
            step("pg", "--only", PG_CASES, "--budget", str(budget))
        finally:
            subprocess.run([bench_sh, "stop"], env=env, stdout=log, stderr=subprocess.STDOUT)
    with open(os.path.join(anchor, "results_pg.json")) as f:
        return json.load(f)
