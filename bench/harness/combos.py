"""Seeded random filter combinations on the audit page (coderlite issue 13).

Each query combines one to three of FIELDS, half of them with a date range as well. The values
come from the benchmark database itself (opened read-only): a random audit row that has the
first field is picked and the other fields are taken from the same row, so combinations such
as `resource_target:<a workspace> organization:<its org>` match rows; now and then an enum
field (action, resource_type, build_reason) is drawn from the distinct values present instead,
which gives some empty answers as well. Every query is timed with the Go-like client."""
from __future__ import annotations

import datetime
import json
import random
import sqlite3
import statistics
import time

from .cases import audit_path
from .timing import summarize

FIELDS = ("username", "email", "organization", "resource_target", "resource_id", "request_id",
          "action", "resource_type", "build_reason")
ENUMS = ("action", "resource_type", "build_reason")
NIL = "00000000-0000-0000-0000-000000000000"
DAY_US = 86_400_000_000

# What a row needs for the field to be drawn from it (a.* audit row, u.* its user, o.* its org).
HAS = {
    "username": "u.id IS NOT NULL AND u.deleted = 0 AND u.username <> ''",
    "email": "u.id IS NOT NULL AND u.email <> ''",
    "organization": "o.id IS NOT NULL AND o.deleted = 0",
    "resource_target": "a.resource_target <> '' AND instr(a.resource_target, '\"') = 0",
    "resource_id": f"a.resource_id <> '{NIL}'",
    "request_id": f"a.request_id <> '{NIL}'",
    "action": "1",
    "resource_type": "1",
    "build_reason": "a.build_reason IS NOT NULL",
}
ROW_SQL = ("SELECT a.seq, a.time, u.username, u.email, o.name, a.resource_target, a.resource_id, "
           "a.request_id, a.action, a.resource_type, a.build_reason, u.deleted, o.deleted "
           "FROM audit_logs a LEFT JOIN users u ON u.id = a.user_id "
           "LEFT JOIN organizations o ON o.id = a.organization_id "
           "WHERE a.seq >= ? AND {cond} ORDER BY a.seq LIMIT 1")


def quote(v: str) -> str:
    """Coder's q language: values with spaces (or a ':') go in double quotes."""
    return f'"{v}"' if any(c.isspace() for c in v) or ":" in v else v


def _day(us: int) -> datetime.date:
    return datetime.datetime.fromtimestamp(us / 1e6, datetime.timezone.utc).date()


def distinct_values(db_path: str) -> dict:
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return {k: [r[0] for r in db.execute(
            f"SELECT DISTINCT {k} FROM audit_logs WHERE {k} IS NOT NULL AND {k} <> '' ORDER BY 1")]
            for k in ENUMS}
    finally:
        db.close()


def accepted_values(api, values: dict) -> tuple[dict, dict]:
    """Keeps the enum values the server's q language accepts (200); a 400 drops the value
    (reported); anything else fails the run."""
    ok, dropped = {}, {}
    for key, vals in values.items():
        ok[key] = []
        for v in vals:
            status, raw = api.request("GET", audit_path(f"{key}:{quote(v)}", limit=1))
            if status == 200:
                ok[key].append(v)
            elif status == 400:
                dropped.setdefault(key, []).append(v)
            else:
                raise RuntimeError(f"probe {key}:{v}: HTTP {status}: {raw[:300]!r}")
    return ok, dropped


def draw_queries(db_path: str, n: int, seed: int, enums: dict) -> list[dict]:
    """`n` distinct queries: {"q", "fields", "dated"}."""
    rng = random.Random(seed)
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        lo, hi, tmin, tmax = db.execute("SELECT min(seq), max(seq), min(time), max(time) FROM audit_logs").fetchone()
        if lo is None:
            raise RuntimeError(f"{db_path}: no audit rows to draw filter values from")
        dmin, dmax = _day(tmin), _day(tmax)
        dated = [i < n // 2 for i in range(n)]
        rng.shuffle(dated)
        out, seen, tries = [], set(), 0
        while len(out) < n:
            tries += 1
            if tries > 50 * n:
                raise RuntimeError(f"could only draw {len(out)} distinct filter combinations")
            first = rng.choice([f for f in FIELDS if f not in ENUMS or enums.get(f)])
            cond = HAS[first]
            row = (db.execute(ROW_SQL.format(cond=cond), (rng.randint(lo, hi),)).fetchone()
                   or db.execute(ROW_SQL.format(cond=cond), (lo,)).fetchone())
            if row is None:
                continue
            (_seq, t, username, email, org, target, rid, reqid, action, rtype, reason,
             udel, odel) = row
            vals = {
                "username": username if username and not udel else None,
                "email": email or None,
                "organization": org if org and not odel else None,
                "resource_target": target if target and '"' not in target else None,
                "resource_id": rid if rid != NIL else None,
                "request_id": reqid if reqid != NIL else None,
                "action": action, "resource_type": rtype, "build_reason": reason,
            }
            for k in ENUMS:
                if vals[k] is not None and vals[k] not in enums.get(k, []):
                    vals[k] = None  # not accepted by the q language (reported separately)
            if vals[first] is None:
                continue
            rest = [f for f in FIELDS if f != first and vals[f] is not None]
            fields = [first] + rng.sample(rest, min(len(rest), rng.randint(1, 3) - 1))
            terms = []
            for f in fields:
                v = vals[f]
                if f in ENUMS and rng.random() < 0.2:
                    v = rng.choice(enums[f])  # a value from elsewhere: may match nothing
                terms.append(f"{f}:{quote(v)}")
            is_dated = dated[len(out)]
            if is_dated:
                span = rng.randint(1, 60)
                start = _day(t) - datetime.timedelta(days=rng.randint(0, span - 1))
                latest = dmax - datetime.timedelta(days=span - 1)
                start = max(dmin, min(start, latest)) if latest >= dmin else dmin
                end = min(dmax, start + datetime.timedelta(days=span - 1))
                terms += [f"date_from:{start.isoformat()}", f"date_to:{end.isoformat()}"]
            q = " ".join(terms)
            if q in seen:
                continue
            seen.add(q)
            out.append({"q": q, "fields": fields, "dated": is_dated})
        return out
    finally:
        db.close()


def check_answer(q: str, status: int, raw: bytes) -> tuple[int, int]:
    if status != 200:
        raise RuntimeError(f"audit q={q!r}: HTTP {status}: {raw[:300]!r}")
    body = json.loads(raw)
    logs, count = body.get("audit_logs"), body.get("count")
    if not isinstance(logs, list) or not isinstance(count, int):
        raise RuntimeError(f"audit q={q!r}: answer without audit_logs/count: {raw[:300]!r}")
    if len(logs) > 50 or (len(logs) == 0) != (count == 0):
        raise RuntimeError(f"audit q={q!r}: {len(logs)} rows but count {count}")
    return len(logs), count


def time_query(api, q: str, reps: int, warm: int) -> dict:
    """`warm` untimed calls (just the first one when it takes over 0.2 s), then `reps` timed."""
    path = audit_path(q)

    def call():
        t0 = time.perf_counter_ns()
        status, raw = api.request("GET", path)
        ms = (time.perf_counter_ns() - t0) / 1e6
        return (ms, *check_answer(q, status, raw))
    first_ms, rows, count = call()
    for _ in range(0 if first_ms > 200 else warm - 1):
        call()
    samples = []
    for _ in range(reps):
        ms, rows, count = call()
        samples.append(ms)
    st = summarize(samples)
    return {"q": q, "median_ms": st["median_ms"], "min_ms": st["min_ms"], "max_ms": st["max_ms"],
            "n": st["n"], "rows": rows, "count": count}


def run(api, db_path: str, n: int, seed: int, reps: int = 7, warm: int = 3, log=print) -> dict:
    """Draws `n` queries with `seed`, times each with `api` (`warm` warm-ups, then `reps`
    timed calls; the median per query) and sums up over the queries."""
    t_start = time.perf_counter()
    enums, dropped = accepted_values(api, distinct_values(db_path))
    if dropped:
        log(f"    not accepted by the q language (left out): {dropped}")
    queries = draw_queries(db_path, n, seed, enums)
    timed = []
    for qd in queries:
        r = time_query(api, qd["q"], reps, warm)
        r.update(fields=qd["fields"], dated=qd["dated"])
        timed.append(r)
    meds = [r["median_ms"] for r in timed]
    over = summarize(meds)
    by_field = {}
    for f in FIELDS + ("date range",):
        xs = [r["median_ms"] for r in timed if (f in r["fields"] if f != "date range" else r["dated"])]
        if xs:
            by_field[f] = {"n": len(xs), "median_ms": round(statistics.median(xs), 3),
                           "worst_ms": round(max(xs), 3)}
    slowest = sorted(timed, key=lambda r: -r["median_ms"])[:5]
    return {
        "seed": seed, "n_queries": len(timed), "reps": reps, "warmups": warm, "profile": api.profile,
        "with_dates": sum(r["dated"] for r in timed),
        "matched": sum(1 for r in timed if r["count"]),
        "terms": {str(k): sum(1 for r in timed if len(r["fields"]) == k) for k in (1, 2, 3)},
        "median_ms": over["median_ms"], "p95_ms": over["p95_ms"], "worst_ms": over["max_ms"],
        "best_ms": over["min_ms"],
        "slowest": [{k: r[k] for k in ("q", "median_ms", "max_ms", "rows", "count")} for r in slowest],
        "by_field": by_field, "not_accepted": dropped, "seconds": round(time.perf_counter() - t_start, 1),
        "queries": timed,
    }
