"""The AI Gateway pages on a `coderlite seed` dataset of 200,000 interceptions with their token
usages, prompts, tool usages and thoughts (gen.py makes no usages): the sessions list (first
page, the web UI's page, deep offset, cursor, filters), one session's threads, the pick-lists."""
from __future__ import annotations

import os
import sqlite3
import time
import urllib.parse

from . import cases
from .server import Server, bench_token
from .timing import Api

# Case ids (`bench/run --only gateway` or any of these).
IDS = ("s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "t1", "t2", "m1", "c1")
TARGET_MS = 5.0
SEED_ARGS = ["--users", "10000", "--audit-logs", "100000", "--interceptions", "200000",
             "--initiators", "1500"]


def seed_args(smoke: bool) -> list[str]:
    return SEED_ARGS


def selected(opts) -> bool:
    return not opts.only or bool(opts.only & (set(IDS) | {"gateway"}))


def picks(db_path: str) -> dict:
    """Parameters from the file: the busiest initiator, the biggest and a median session, a
    cursor at depth 1,000 of the sessions order, the newest start."""
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        one = lambda sql, *a: db.execute(sql, a).fetchone()  # noqa: E731
        heavy = one("SELECT u.username, count(*) FROM aibridge_interceptions ai JOIN users u "
                    "ON u.id = ai.initiator_id GROUP BY u.id ORDER BY 2 DESC LIMIT 1")
        sizes = db.execute("SELECT session_id, count(*) FROM aibridge_interceptions "
                           "WHERE ended_at IS NOT NULL AND thread_root_id IS NULL "
                           "GROUP BY session_id ORDER BY 2, 1").fetchall()
        cursor = one("SELECT session_id FROM aibridge_session_order "
                     "ORDER BY last_active_at DESC, session_id DESC LIMIT 1 OFFSET 999")[0]
        newest = one("SELECT max(started_at) FROM aibridge_interceptions")[0]
        n = {t: one(f"SELECT count(*) FROM {t}")[0] for t in (
            "aibridge_interceptions", "aibridge_token_usages", "aibridge_user_prompts",
            "aibridge_tool_usages", "aibridge_model_thoughts", "aibridge_session_order")}
        return {"heavy": heavy[0], "heavy_rows": heavy[1], "big": sizes[-1][0], "big_threads": sizes[-1][1],
                "typical": sizes[len(sizes) // 2][0], "typical_threads": sizes[len(sizes) // 2][1],
                "cursor": cursor, "week_ago": newest - 7 * 86_400_000_000, "counts": n}
    finally:
        db.close()


def rfc3339(us: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(us / 1e6))


def paths(p: dict) -> list[tuple[str, str, str]]:
    s = "/api/v2/ai-gateway/sessions"
    q = lambda text: urllib.parse.quote(text)  # noqa: E731
    week = 'started_after:"%s"' % rfc3339(p["week_ago"])
    pair = 'model:claude-sonnet-4-20250514 client:"Claude Code"'
    return [
        ("s1", "sessions, first page (default limit 100)", s),
        ("s2", "sessions, the web UI's page (limit 25)", f"{s}?limit=25"),
        ("s3", "sessions, offset 1,000", f"{s}?limit=25&offset=1000"),
        ("s4", "sessions, after_session_id at depth 1,000", f"{s}?limit=25&after_session_id={q(p['cursor'])}"),
        ("s5", f"sessions, initiator = busiest user ({p['heavy_rows']:,} interceptions)",
         f"{s}?limit=25&q={q('initiator:' + p['heavy'])}"),
        ("s6", "sessions, model = gpt-5 (per interception)", f"{s}?limit=25&q={q('model:gpt-5')}"),
        ("s7", "sessions, client = Codex (per interception)", f"{s}?limit=25&q={q('client:Codex')}"),
        ("s8", "sessions, started in the last week", f"{s}?limit=25&q={q(week)}"),
        ("s9", "sessions, model = claude-sonnet-4 and client = Claude Code, last week",
         f"{s}?limit=25&q={q(pair + ' ' + week)}"),
        ("t1", f"one session's threads, biggest session ({p['big_threads']} threads; first 50)",
         f"{s}/{q(p['big'])}"),
        ("t2", f"one session's threads, median session ({p['typical_threads']} threads)", f"{s}/{q(p['typical'])}"),
        ("m1", "models pick-list", "/api/v2/ai-gateway/models"),
        ("c1", "clients pick-list", "/api/v2/ai-gateway/clients"),
    ]


def check(body):
    if isinstance(body, list):
        return dict(rows=len(body), count=None)
    items = body.get("sessions") if "sessions" in body else body.get("threads")
    return dict(rows=len(items or []), count=body.get("count"))


def run(binary: str, opts, work: str, log: str, run_cli) -> dict:
    db = os.path.join(work, "gateway-200k.db")
    t0 = time.perf_counter()
    if not (opts.reuse and os.path.exists(db)):
        run_cli(binary, ["seed", "--db", db, "--force", *SEED_ARGS], log)
    seed_s = time.perf_counter() - t0
    p = picks(db)
    token, _ = bench_token(db)
    srv = Server(binary, db, log)
    out = {"seed": "coderlite seed " + " ".join(SEED_ARGS), "seed_s": seed_s, "picks": p, "cases": {}}
    try:
        apis = {name: Api(srv.port, token, name) for name in ("go", "identity")}
        for cid, desc, path in paths(p):
            if opts.only and not (opts.only & {cid, "gateway"}):
                continue
            st = cases.time_profiles(apis, path, opts, check, ("identity",))
            st["what"] = desc
            out["cases"][cid] = st
            print(f"    {cid:<3} go {st['median_ms']:>7.2f} ms  p95 {st['p95_ms']:>7.2f}  "
                  f"identity {st['profiles']['identity']['median_ms']:.2f}  rows {st['rows']:<3} "
                  f"count {st['count']}  {desc}", flush=True)
        for a in apis.values():
            a.close()
        out["rss"] = srv.rss()
    finally:
        srv.stop()
    return out


def section(res, w):
    g = res.get("gateway")
    if not g:
        return
    n = g["picks"]["counts"]
    w("\n#### AI Gateway pages\n")
    w(f"`{g['seed']}`: {n['aibridge_interceptions']:,} interceptions in {n['aibridge_session_order']:,} "
      f"sessions, {n['aibridge_token_usages']:,} token usages, {n['aibridge_user_prompts']:,} prompts, "
      f"{n['aibridge_tool_usages']:,} tool usages, {n['aibridge_model_thoughts']:,} thoughts "
      f"(seeded in {g['seed_s']:.0f} s). Cells: median / p95 ms of the full HTTP response.\n")
    w(f"| case | what | rows | count | go gzip ms | identity ms | ≤ {TARGET_MS:g} ms (go) |")
    w("|---|---|---|---|---|---|---|")
    for cid, st in g["cases"].items():
        ident = st["profiles"]["identity"]
        w(f"| {cid} | {st['what']} | {st['rows']} | {st['count'] if st['count'] is not None else '–'} | "
          f"{st['median_ms']:.2f} / {st['p95_ms']:.2f} | {ident['median_ms']:.2f} / {ident['p95_ms']:.2f} | "
          f"{'yes' if st['median_ms'] <= TARGET_MS else '**NO**'} |")
