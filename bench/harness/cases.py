"""The measured requests: anchor-pg's audit cases as full HTTP responses, cursor pages,
users/members pages and the write path."""
from __future__ import annotations

import datetime
import json
import sqlite3
import urllib.parse
import uuid

from .timing import digest_ids, run_timed, summarize


def day(ts: str) -> str:
    return ts[:10]


def audit_cases(manifest: dict, n_audit: int):
    """(id, description, q, offset, reference page case, reference count case). The g rows
    time the same requests as a/d/e/f/x again (the count is part of every response) and are
    compared with the same reference sum."""
    bp = manifest["bench"]
    deep = min(500_000, n_audit // 2)
    # anchor-pg's week is time >= from AND time <= to (to = a midnight); Coder's date_to:D
    # means "through the end of day D", so the last day is the one before `to`.
    to_day = (datetime.date.fromisoformat(day(bp["week_to"])) - datetime.timedelta(days=1)).isoformat()
    week = f"date_from:{day(bp['week_from'])} date_to:{to_day}"
    ws_create = "action:create resource_type:workspace"
    page = [
        ("a", "page, no filter, offset 0", "", 0, "a", "g1"),
        ("b", f"page, no filter, offset {min(10_000, n_audit // 4):,}", "", min(10_000, n_audit // 4), "b", "g1"),
        ("c", f"page, no filter, offset {deep:,}", "", deep, "c", "g1"),
        ("d", f"username = typical active user ({bp['username_typical_rows']} rows)",
         f"username:{bp['username_typical']}", 0, "d", "g2"),
        ("d2", f"username = most active user ({bp['username_heavy_rows']} rows)",
         f"username:{bp['username_heavy']}", 0, "d2", None),
        ("e", "action=create & resource_type=workspace", ws_create, 0, "e", "g3"),
        ("f", f"one-week date range ({bp['week_rows']:,} rows)", week, 0, "f", "g4"),
        ("x", "build_reason=autostart", "build_reason:autostart", 0, "x", "g5"),
    ]
    counts = [
        ("g1", "count, no filter", "", 0, "a", "g1"),
        ("g2", "count, username = typical active user", f"username:{bp['username_typical']}", 0, "d", "g2"),
        ("g3", "count, action=create & resource_type=workspace", ws_create, 0, "e", "g3"),
        ("g4", "count, one-week date range", week, 0, "f", "g4"),
        ("g5", "count, build_reason=autostart", "build_reason:autostart", 0, "x", "g5"),
    ]
    return page, counts


def manifest_from_db(db_path: str) -> dict:
    """Benchmark parameters picked from a database (for a `coderlite seed` dataset, which has
    no gen.py manifest): the median and the busiest active user by audit rows, and the week
    that ends 180 days before the newest row."""
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        q = lambda sql, *a: db.execute(sql, a).fetchall()  # noqa: E731
        per_user = q("SELECT u.username, count(*) FROM audit_logs a JOIN users u ON u.id = a.user_id "
                     "WHERE u.status = 'active' AND u.deleted = 0 AND u.is_system = 0 "
                     "GROUP BY u.id ORDER BY 2, 1")
        typical, heavy = per_user[len(per_user) // 2], per_user[-1]
        newest = q("SELECT max(time) FROM audit_logs")[0][0]
        day_us = 86_400_000_000
        week_to = (newest // day_us - 180) * day_us
        week_from = week_to - 7 * day_us
        rows = q("SELECT count(*) FROM audit_logs WHERE time >= ? AND time < ?", week_from, week_to)[0][0]
        ts = lambda us: datetime.datetime.fromtimestamp(us / 1e6, datetime.timezone.utc).strftime(  # noqa: E731
            "%Y-%m-%d %H:%M:%S.000000+00")
        n = {t: q(f"SELECT count(*) FROM {t}")[0][0] for t in ("users", "audit_logs")}
        return {"counts": n, "bench": {
            "username_typical": typical[0], "username_typical_rows": typical[1],
            "username_heavy": heavy[0], "username_heavy_rows": heavy[1],
            "week_from": ts(week_from), "week_to": ts(week_to), "week_rows": rows}}
    finally:
        db.close()


def audit_path(q: str, offset: int = 0, after_id: str | None = None, limit: int = 50) -> str:
    params = {"limit": str(limit), "q": q}
    if offset:
        params["offset"] = str(offset)
    if after_id:
        params["after_id"] = after_id
    return "/api/v2/audit?" + urllib.parse.urlencode(params)


def time_get(api, path: str, opts, check=None):
    """Median/p95 of full GET responses (decompression included); `check(json)` adds fields
    from the last body."""
    def fn():
        status, raw = api.request("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path} ({api.profile}): HTTP {status}: {raw[:300]!r}")
        return raw
    samples, raw = run_timed(fn, opts.budget, opts.min_reps, opts.max_reps)
    st = summarize(samples)
    st["path"] = path
    st["profile"] = api.profile
    st["bytes"] = len(raw)
    st["wire_bytes"] = api.last_wire_bytes
    st["encoding"] = api.last_encoding
    if check:
        st.update(check(json.loads(raw)))
    return st


def time_profiles(apis: dict, path: str, opts, check=None, others=("browser", "identity")):
    """The request timed with the Go-like client (the headline figure: the returned dict is its
    summary, as `time_get` gives), then with each of `others` right after it under the same
    rules; their summaries go to `profiles`. Every profile must get the same answer."""
    st = time_get(apis["go"], path, opts, check)
    st["profiles"] = {}
    keys = [k for k in ("rows", "count", "digest", "seats") if k in st]
    for name in others:
        if name not in apis:
            continue
        sub = time_get(apis[name], path, opts, check)
        diff = [k for k in keys if sub.get(k) != st.get(k)]
        if diff:
            raise RuntimeError(f"GET {path}: the {name} client got another answer than the go client "
                               f"({', '.join(f'{k}: {sub.get(k)} vs {st.get(k)}' for k in diff)})")
        st["profiles"][name] = {k: sub[k] for k in ("n", "median_ms", "p95_ms", "min_ms", "max_ms",
                                                     "bytes", "wire_bytes", "encoding")}
    return st


def audit_check(body):
    logs = body.get("audit_logs") or []
    return dict(rows=len(logs), count=body.get("count"),
                digest=digest_ids([r["id"] for r in logs]),
                seats=sum(1 for r in logs if (r.get("user") or {}).get("has_ai_seat")))


def list_check(key):
    def check(body):
        items = body.get(key) or []
        return dict(rows=len(items), count=body.get("count"),
                    digest=digest_ids([u.get("id") or u.get("user_id") for u in items]),
                    seats=sum(1 for u in items if u.get("has_ai_seat")))
    return check


def cursor_id(db_path: str, depth: int) -> str:
    """The id of the row just before `depth` in page order (time DESC, id DESC)."""
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return db.execute("SELECT id FROM audit_logs ORDER BY time DESC, id DESC LIMIT 1 OFFSET ?",
                          (depth - 1,)).fetchone()[0]
    finally:
        db.close()


def user_cursor(db_path: str, depth: int, default_org_only: bool) -> str:
    """The id of the live user just before `depth` in username order (optionally among the
    default organization's members), for `after_id` pages."""
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        join = ("JOIN organization_members m ON m.user_id = u.id AND m.organization_id = "
                "(SELECT id FROM organizations WHERE is_default = 1)") if default_org_only else ""
        return db.execute(f"SELECT u.id FROM users u {join} WHERE u.deleted = 0 AND u.is_system = 0 "
                          "ORDER BY lower(u.username) LIMIT 1 OFFSET ?", (depth - 1,)).fetchone()[0]
    finally:
        db.close()


def write_path(api, opts):
    """One audited user change per request, and batches of 1,000 interceptions."""
    name = f"bench-writer-{uuid.uuid4().hex[:8]}"
    org = api.json("GET", "/api/v2/organizations/default")["id"]
    user = api.json("POST", "/api/v2/users", {
        "email": f"{name}@example.com", "username": name, "password": "Bench-password-1234",
        "login_type": "password", "organization_ids": [org]}, expect=201)
    n = [0]

    def profile():
        n[0] += 1
        api.json("PUT", f"/api/v2/users/{user['id']}/profile", {"username": name, "name": f"Bench {n[0]}"})
    samples, _ = run_timed(profile, opts.budget, opts.min_reps, opts.max_reps)
    out = {"user_profile": summarize(samples)}

    started = "2025-06-30T12:00:00Z"

    def batch():
        items = [{"id": str(uuid.uuid4()), "initiator": user["id"], "provider": "anthropic",
                  "model": "claude-sonnet-4", "started_at": started, "ended_at": started,
                  "client": "bench"} for _ in range(1000)]
        api.json("POST", "/api/v2/aibridge/interceptions", items, expect=201)
    reps = max(3, min(opts.min_reps, 15))
    samples, _ = run_timed(batch, opts.budget, reps, reps)
    out["interceptions_1000"] = summarize(samples)
    return out
