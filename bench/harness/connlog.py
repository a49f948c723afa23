"""Connection-log pages (`GET /api/v2/connectionlog`) on a `coderlite seed` file of 1,000,000
connection-log rows (agent sessions and web events over 90 days): the first page, every `q`
key, combinations, a deep offset, `after_id` cursors, and the same with Coder's count cap
(`--connection-log-count-cap 2000`). Every case is timed with each client profile of
timing.PROFILES."""
from __future__ import annotations

import os
import sqlite3
import time
import urllib.parse

from . import cases
from .server import Server, bench_token
from .timing import PROFILE_LABEL, PROFILES, Api, digest_ids

# Case ids (`bench/run --only connlog` or any of these; `+cap` cases follow their base case).
IDS = tuple(f"l{i}" for i in range(1, 30))
TARGET_MS = 5.0
ROWS = 1_000_000
SMOKE_ROWS = 20_000
PATH = "/api/v2/connectionlog"
CAP = 2000


def selected(opts) -> bool:
    return not opts.only or bool(opts.only & (set(IDS) | {"connlog"}))


def seed_args(smoke: bool) -> list[str]:
    if smoke:
        return ["--users", "1000", "--audit-logs", "1000", "--interceptions", "0",
                "--connection-logs", str(SMOKE_ROWS)]
    return ["--users", "5000", "--audit-logs", "10000", "--interceptions", "0",
            "--connection-logs", str(ROWS)]


def picks(db_path: str) -> dict:
    """Filter values from the file: the busiest and a median workspace owner, web user and
    workspace, an organization other than the default, a connection id, cursors, times."""
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        one = lambda sql, *a: db.execute(sql, a).fetchone()  # noqa: E731

        def ranked(col):
            rows = db.execute(f"SELECT {col}, count(*) FROM connection_logs WHERE {col} IS NOT NULL "
                              f"GROUP BY 1 ORDER BY 2 DESC, 1").fetchall()
            return rows[0], rows[len(rows) // 2]

        user = lambda uid: one("SELECT username, email FROM users WHERE id = ?", uid)  # noqa: E731
        (owner_top, owner_top_n), (owner_mid, owner_mid_n) = ranked("workspace_owner_id")
        (user_top, user_top_n), (user_mid, user_mid_n) = ranked("user_id")
        (ws_top, ws_top_n), (ws_mid, ws_mid_n) = ranked("workspace_id")
        org = one("SELECT o.name, count(*) FROM connection_logs c JOIN organizations o ON o.id = c.organization_id "
                  "WHERE o.is_default = 0 GROUP BY o.id ORDER BY 2 DESC LIMIT 1")
        n = one("SELECT count(*) FROM connection_logs")[0]
        conn_id = one("SELECT connection_id FROM connection_logs WHERE connection_id IS NOT NULL "
                      "ORDER BY seq LIMIT 1 OFFSET ?", n // 3)[0]
        newest = one("SELECT max(connect_time) FROM connection_logs")[0]
        order = "ORDER BY connect_time DESC, seq DESC LIMIT 1 OFFSET ?"
        cursors = {d: one(f"SELECT id FROM connection_logs {order}", min(d, n - 1) - 1)[0]
                   for d in (1_000, 100_000)}
        return {
            "rows": n, "org": org[0], "org_n": org[1],
            "owner_top": user(owner_top), "owner_top_n": owner_top_n,
            "owner_mid": user(owner_mid), "owner_mid_n": owner_mid_n,
            "user_top": user(user_top), "user_top_n": user_top_n,
            "user_mid": user(user_mid), "user_mid_n": user_mid_n,
            "ws_top": ws_top, "ws_top_n": ws_top_n, "ws_mid": ws_mid, "ws_mid_n": ws_mid_n,
            "conn_id": conn_id, "newest": newest, "cursors": cursors,
            "types": dict(db.execute("SELECT type, count(*) FROM connection_logs GROUP BY 1").fetchall()),
        }
    finally:
        db.close()


def rfc3339(us: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(us / 1e6))


def path(q: str = "", limit: int = 25, offset: int = 0, after_id: str | None = None) -> str:
    params = {"limit": str(limit)}
    if q:
        params["q"] = q
    if offset:
        params["offset"] = str(offset)
    if after_id:
        params["after_id"] = after_id
    return PATH + "?" + urllib.parse.urlencode(params)


def paths(p: dict) -> list[tuple[str, str, str]]:
    """(id, what, path). `q` values are lowercased by the server (Coder's parser), so the
    emails of the seed (lower case) match."""
    day = 86_400_000_000
    after_day = 'connected_after:"%s"' % rfc3339(p["newest"] - day)
    before_80 = 'connected_before:"%s"' % rfc3339(p["newest"] - 80 * day)
    mid_range = 'connected_after:"%s" connected_before:"%s"' % (
        rfc3339(p["newest"] - 45 * day), rfc3339(p["newest"] - 44 * day + day // 2))
    ot, om, ut = p["owner_top"], p["owner_mid"], p["user_top"]
    deep = min(100_000, p["rows"] // 2)
    return [
        ("l1", "first page, default limit (100)", PATH),
        ("l2", "first page, the web UI's page (limit 25)", path()),
        ("l3", f"organization:{p['org']} ({p['org_n']:,} rows)", path(f"organization:{p['org']}")),
        ("l4", f"workspace_owner: busiest owner ({p['owner_top_n']:,} rows)", path(f"workspace_owner:{ot[0]}")),
        ("l5", f"workspace_owner: median owner ({p['owner_mid_n']:,} rows)", path(f"workspace_owner:{om[0]}")),
        ("l6", f"workspace_owner_email: median owner ({p['owner_mid_n']:,} rows)",
         path(f"workspace_owner_email:{om[1]}")),
        ("l7", f"type:ssh ({p['types'].get('ssh', 0):,} rows)", path("type:ssh")),
        ("l8", f"type:reconnecting_pty ({p['types'].get('reconnecting_pty', 0):,} rows)",
         path("type:reconnecting_pty")),
        ("l9", f"username: busiest web user ({p['user_top_n']:,} rows)", path(f"username:{ut[0]}")),
        ("l10", f"user_email: busiest web user ({p['user_top_n']:,} rows)", path(f"user_email:{ut[1]}")),
        ("l11", "connected_after: the last day", path(after_day)),
        ("l12", "connected_before: older than 80 days", path(before_80)),
        ("l13", "connected_after + connected_before: 1.5 days in the middle", path(mid_range)),
        ("l14", f"workspace_id: busiest workspace ({p['ws_top_n']:,} rows)", path(f"workspace_id:{p['ws_top']}")),
        ("l15", f"workspace_id: median workspace ({p['ws_mid_n']:,} rows)", path(f"workspace_id:{p['ws_mid']}")),
        ("l16", "connection_id (one row)", path(f"connection_id:{p['conn_id']}")),
        ("l17", "status:ongoing", path("status:ongoing")),
        ("l18", "status:completed", path("status:completed")),
        ("l19", "type:vscode status:completed", path("type:vscode status:completed")),
        ("l20", f"organization + type:workspace_app", path(f"organization:{p['org']} type:workspace_app")),
        ("l21", "workspace_owner (busiest) + connected_after last day",
         path(f"workspace_owner:{ot[0]} {after_day}")),
        ("l22", "username (busiest) + type:tunnel", path(f"username:{ut[0]} type:tunnel")),
        ("l23", "status:ongoing + organization", path(f"status:ongoing organization:{p['org']}")),
        ("l24", "workspace_owner (median) + type:ssh + status:completed",
         path(f"workspace_owner:{om[0]} type:ssh status:completed")),
        ("l25", "offset 10,000", path(offset=10_000)),
        ("l26", f"offset {deep:,}", path(offset=deep)),
        ("l27", "after_id at depth 1,000", path(after_id=p["cursors"][1_000])),
        ("l28", f"after_id at depth {min(100_000, p['rows'] - 1):,}", path(after_id=p["cursors"][100_000])),
        ("l29", "type:ssh, offset 10,000", path("type:ssh", offset=10_000)),
    ]


# Cases repeated on a server with Coder's count cap (the count stops at 2001).
CAPPED = ("l1", "l2", "l4", "l9", "l11", "l12", "l14", "l17", "l21", "l25")


def check(body):
    rows = body.get("connection_logs")
    if rows is None:
        raise RuntimeError(f"not a connection-log page: {str(body)[:200]}")
    return dict(rows=len(rows), count=body.get("count"), digest=digest_ids([r["id"] for r in rows]))


def time_cases(srv, token, todo, opts, out, suffix=""):
    apis = {name: Api(srv.port, token, name) for name in PROFILES}
    try:
        for cid, desc, p in todo:
            st = cases.time_profiles(apis, p, opts, check, [k for k in PROFILES if k != "go"])
            st["what"] = desc
            out[cid + suffix] = st
            prof = "  ".join(f"{k} {v['median_ms']:.2f}" for k, v in st["profiles"].items())
            print(f"    {cid + suffix:<8} go {st['median_ms']:>7.2f} ms  p95 {st['p95_ms']:>7.2f}  {prof}  "
                  f"rows {st['rows']:<3} count {st['count']}  {desc}", flush=True)
    finally:
        for a in apis.values():
            a.close()


def run(binary: str, opts, work: str, log: str, run_cli) -> dict:
    args = seed_args(opts.smoke)
    db = os.path.join(work, "connlog-smoke.db" if opts.smoke else "connlog-1m.db")
    t0 = time.perf_counter()
    if not (opts.reuse and os.path.exists(db)):
        run_cli(binary, ["seed", "--db", db, "--force", *args], log)
    seed_s = time.perf_counter() - t0
    p = picks(db)
    token, _ = bench_token(db)
    todo = [c for c in paths(p) if not opts.only or opts.only & {c[0], "connlog"}]
    out = {"seed": "coderlite seed " + " ".join(args), "seed_s": seed_s, "picks": p, "cases": {}}
    srv = Server(binary, db, log)
    try:
        time_cases(srv, token, todo, opts, out["cases"])
        out["rss"] = srv.rss()
    finally:
        srv.stop()
    capped = [c for c in todo if c[0] in CAPPED]
    if capped:
        print(f"    with --connection-log-count-cap {CAP}:", flush=True)
        srv = Server(binary, db, log, extra=["--connection-log-count-cap", str(CAP)])
        try:
            time_cases(srv, token, capped, opts, out["cases"], suffix="+cap")
        finally:
            srv.stop()
    return out


def cell(st) -> str:
    return f"{st['median_ms']:.2f} / {st['p95_ms']:.2f}"


def section(res, w):
    c = res.get("connlog")
    if not c:
        return
    p = c["picks"]
    w("\n#### Connection logs\n")
    w(f"`{c['seed']}`: {p['rows']:,} connection-log rows (seeded in {c['seed_s']:.0f} s). "
      f"`+cap`: the same request on a server started with `--connection-log-count-cap {CAP}`. "
      f"Cells: median / p95 ms of the full HTTP response, per client profile.\n")
    names = list(PROFILES)
    w("| case | what | rows | count | " + " | ".join(f"{PROFILE_LABEL[n]} ms" for n in names)
      + f" | ≤ {TARGET_MS:g} ms (go p50) |")
    w("|---|---|---|---|" + "---|" * len(names) + "---|")
    for cid, st in c["cases"].items():
        cells = [cell(st)] + [cell(st["profiles"][n]) for n in names[1:] if n in st["profiles"]]
        w(f"| {cid} | {st['what']} | {st['rows']} | {st['count']} | " + " | ".join(cells)
          + f" | {'yes' if st['median_ms'] <= TARGET_MS else '**NO**'} |")
