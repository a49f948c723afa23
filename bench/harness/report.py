"""Markdown report from the results of one `bench/run`."""
from __future__ import annotations

import math

from . import connlog, gateway

TARGET_PAGE_MS = 5.0
TARGET_CURSOR_MS = 2.0
TARGET_LIST_MS = 3.0
TARGET_RSS_MIB = 100.0
TARGET_IMPORT_ROWS_S = 200_000


def cell(st):
    return f"{st['median_ms']:.2f} / {st['p95_ms']:.2f}" if st else "–"


def pcell(st, name):
    """The cell of a profile timed beside the go headline, '–' when not timed."""
    return cell((st or {}).get("profiles", {}).get(name))


PROFILE_HEAD = "go gzip ms | browser ms | identity ms"


def pcells(st):
    return f"{cell(st)} | {pcell(st, 'browser')} | {pcell(st, 'identity')}"


def med(st):
    return st["median_ms"] if st else None


def ok(flag):
    return "yes" if flag else "**NO**"


def geomean(xs):
    xs = [x for x in xs if x and x > 0]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def coder_reference(pg, seat, ref_page, ref_count):
    """The parts of Coder's answer to one case on PostgreSQL (page, count, seat look-up) and
    their sum, or None when the reference did not run."""
    wanted = [(ref_page, pg.get(ref_page)), (ref_count, pg.get(ref_count)), (ref_page, seat)]
    parts = [v for want, v in wanted if want]
    total = sum(med(p) for p in parts) if pg and all(p is not None for p in parts) else None
    return parts, total


def three_way(res, w):
    """coderlite on SQLite, coderlite on PostgreSQL, Coder's queries on PostgreSQL."""
    pres = res.get("pg_coderlite")
    if not pres:
        w(f"\n#### Three ways\n\ncoderlite on PostgreSQL: not run ({res.get('pg_coderlite_skipped', 'skipped')}).")
        return
    pg = (res.get("pg") or {}).get("results") or {}
    seat = pg.get("h")
    load = pres.get("load", {})
    w("\n#### Three ways: coderlite on SQLite, coderlite on PostgreSQL, Coder's queries on PostgreSQL\n")
    w(f"coderlite on PostgreSQL {pres.get('version', '?')} (a throwaway server with anchor-pg's settings, "
      f"unix socket, `coderlite server --db postgres://...`), loaded from the same file with "
      f"`coderlite migrate` ({load.get('migrate_s', 0):.0f} s; {' '.join(load.get('summary', []))}) "
      f"then `VACUUM ANALYZE` and `CHECKPOINT`. Go gzip client, median / p95 ms of the full HTTP response; Coder's "
      f"column is its page + count + seat queries in PostgreSQL alone (no HTTP, no JSON).\n")
    w("| case | what | coderlite SQLite | coderlite PostgreSQL | ≤ 5 ms | Coder's queries (PG) | "
      "coderlite PG faster | same answer as SQLite |")
    w("|---|---|---|---|---|---|---|---|")
    for c in res.get("audit_cases", []):
        cid, desc, _q, _off, ref_page, ref_count = c
        lite, post = res["cases"].get(cid), pres["cases"].get(cid)
        if not lite or not post:
            continue
        _, total = coder_reference(pg, seat, ref_page, ref_count)
        same = "=" if (lite.get("digest"), lite.get("count")) == (post.get("digest"), post.get("count")) else "≠"
        w(f"| {cid} | {desc} | {cell(lite)} | {cell(post)} | {ok(post['median_ms'] <= TARGET_PAGE_MS)} | "
          f"{f'{total:.2f}' if total else '–'} | "
          f"{ok(post['median_ms'] < total) if total else '–'} | {same} |")
    for key in ("after_10000", "after_deep"):
        lite, post = res["cursor"].get(key), pres["cursor"].get(key)
        if lite and post:
            w(f"| {key} | audit `after_id` keyset | {cell(lite)} | {cell(post)} | "
              f"{ok(post['median_ms'] <= TARGET_PAGE_MS)} | – | – | "
              f"{'=' if lite.get('digest') == post.get('digest') else '≠'} |")
    for key, lite in res["lists"].items():
        post = pres["lists"].get(key)
        if post:
            w(f"| {key} | `{lite['path']}` | {cell(lite)} | {cell(post)} | "
              f"{ok(post['median_ms'] <= TARGET_PAGE_MS)} | – | – | "
              f"{'=' if lite.get('digest') == post.get('digest') else '≠'} |")


def comparison(res):
    """Rows of the main table and the ratios: (lines, ratios of a–x, ratios of g1–g5)."""
    pg = (res.get("pg") or {}).get("results") or {}
    seat = pg.get("h")
    lines, page_ratios, count_ratios = [], [], []
    for c in res["audit_cases"]:
        cid, desc, _q, _off, ref_page, ref_count = c
        st = res["cases"].get(cid)
        if not st:
            continue
        parts, total = coder_reference(pg, seat, ref_page, ref_count)
        ratio = total / st["median_ms"] if total else None
        (count_ratios if cid.startswith("g") else page_ratios).append(ratio)
        same = []
        if pg.get(ref_count) is not None:
            same.append("count " + ("=" if str(st.get("count")) == str(pg[ref_count].get("value")) else "≠"))
        if ref_page and pg.get(ref_page) is not None:
            same.append("page " + ("=" if st.get("digest") == pg[ref_page].get("digest") else "≠"))
        ref_txt = " + ".join(
            f"{med(p):.2f}" for p in parts if p) if total else "–"
        lines.append(
            f"| {cid} | {desc} | {st.get('rows')} | {st.get('count')} | {pcells(st)} | "
            f"{ok(st['median_ms'] <= TARGET_PAGE_MS)} | {ref_txt} | "
            f"{f'{total:.2f}' if total else '–'} | {f'{ratio:.1f}×' if ratio else '–'} | "
            f"{', '.join(same) or '–'} |")
    return lines, page_ratios, count_ratios


def render(res) -> str:
    out = []
    meta = res["meta"]
    w = out.append
    w(f"Dataset: `{meta['dataset']}` ({meta['n_audit']:,} audit logs, {meta['n_users']:,} users); "
      f"{meta['cpus']} CPUs; coderlite {meta['binary']} with `--synchronous normal`; "
      f"client: Python http.client, one keep-alive connection per client profile, timed one after "
      f"the other on each request: **go gzip** (the headline: `User-Agent: Go-http-client/1.1`, "
      f"`Accept-Encoding: gzip`, `Coder-Session-Token`), **browser** (Chrome's User-Agent, axios' "
      f"`Accept`, `Accept-Encoding: gzip, deflate, br, zstd`, `Accept-Language`, the session as the "
      f"`coder_session_token` cookie) and **identity** (no compression); gzip bodies are inflated "
      f"inside the timed call; {meta['when']}. Cells: median / p95 in ms of the full HTTP response.\n")
    if meta.get("browser_subset"):
        w(f"The browser client was timed on {', '.join(meta['browser_subset'])} only (--browser-subset).\n")
    if meta.get("smoke"):
        w("**Smoke run** (debug build, few repetitions): checks that the harness works; the "
          "timings and target columns mean nothing here.\n")
    if res.get("pg"):
        pgv = res["pg"].get("version", "?")
        w(f"PostgreSQL reference: anchor-pg's `bench.sh pg` ({pgv}, psycopg, unix socket) on the same "
          f"CSV files in the same run: its page query + its count query + its AI-seat look-up "
          f"(`h`, Coder's UNION form), added up.\n")
    else:
        w(f"PostgreSQL reference: not run ({res.get('pg_skipped', 'skipped')}).\n")

    lines, page_r, count_r = comparison(res)
    w("#### Audit page: `GET /api/v2/audit?limit=50&q=...` (page + exact count + has_ai_seat + description/link/is_deleted)\n")
    w(f"| case | what | rows | count | {PROFILE_HEAD} | ≤ 5 ms (go) | PG page + count + seat | PG total | "
      f"PG / coderlite (go) | same answer |")
    w("|---|---|---|---|---|---|---|---|---|---|---|---|")
    out.extend(lines)
    gm_page, gm_all = geomean(page_r), geomean(page_r + count_r)
    if gm_page:
        w(f"\nGeometric mean of PG / coderlite: **{gm_all:.1f}×** over all 13 rows ({gm_page:.1f}× over "
          f"a–x). Smallest ratio: {min(r for r in page_r + count_r if r):.1f}×. The g rows repeat the "
          f"a/d/e/f/x requests (every response carries its exact count) against the same sum; "
          f"PostgreSQL's count query alone is the middle term of that sum.\n")
    w("")
    w("#### Keyset pages, users, members\n")
    w(f"| request | rows | {PROFILE_HEAD} | target | met (go) |")
    w("|---|---|---|---|---|---|---|")
    for key, label, target in [("after_10000", "audit `after_id` at depth 10,000", TARGET_CURSOR_MS),
                               ("after_deep", f"audit `after_id` at depth {res.get('deep', 0):,}", TARGET_CURSOR_MS)]:
        st = res["cursor"].get(key)
        if st:
            w(f"| {label} | {st.get('rows')} | {pcells(st)} | ≤ {target:g} ms | {ok(st['median_ms'] <= target)} |")
    for key, st in res["lists"].items():
        w(f"| `{st['path']}` | {st.get('rows')} | {pcells(st)} | ≤ {TARGET_LIST_MS:g} ms | "
          f"{ok(st['median_ms'] <= TARGET_LIST_MS)} |")
    a = res["cases"].get("a")
    if a and a.get("profiles", {}).get("identity"):
        w(f"\nCase a on the wire: {a.get('wire_bytes', 0):,} bytes {a.get('encoding')} (go), "
          f"{a['profiles']['identity'].get('wire_bytes', 0):,} bytes identity.")
    three_way(res, w)
    combos_section(res, w)
    browser_line(res, w)
    if res.get("write"):
        w("\n#### Write path (`--synchronous normal`)\n")
        w("| request | coderlite |")
        w("|---|---|")
        w(f"| `PUT /api/v2/users/{{user}}/profile` (change + its audit row, one transaction) | {cell(res['write']['user_profile'])} |")
        w(f"| `POST /api/v2/aibridge/interceptions`, batch of 1,000 | {cell(res['write']['interceptions_1000'])} |")
    if res.get("wrk"):
        w("\n#### Throughput: `wrk -t2 -cN -d10s -H 'Accept-Encoding: gzip'` on `GET /api/v2/audit?limit=50` "
          "(identity beside it: no Accept-Encoding)\n")
        w("| connections | Accept-Encoding | requests/s | p50 ms | p99 ms | MiB/s on the wire | non-2xx | "
          "peak RSS MiB (anon + file) | ≤ 100 MiB |")
        w("|---|---|---|---|---|---|---|---|---|")
        for r in res["wrk"]:
            rss = r.get("peak_rss_mib") or 0
            w(f"| {r['connections']} | {r.get('accept_encoding', 'identity')} | {r['requests_per_s']:,.0f} | {r['p50_ms']} | {r['p99_ms']} | "
              f"{r.get('transfer_mib_per_s', '–')} | {r['errors']} | {rss} ({r.get('peak_rss_anon_mib')} + {r.get('peak_rss_file_mib')}) | "
              f"{ok(rss <= TARGET_RSS_MIB)} |")
    w("\n#### Start-up and import\n")
    su = res.get("startup_ms") or []
    if su:
        w(f"- Start-up on this file (spawn → first `/healthz` 200): {', '.join(f'{x:.0f}' for x in su)} ms.")
    imp = res.get("import") or {}
    if imp:
        rate = imp.get('audit_rows_per_s') or 0
        overall = res["meta"]["n_audit"] / max(imp['seconds'], 1e-9)
        verdict = ("debug build, not judged" if res["meta"].get("smoke")
                   else f"target ≥ {TARGET_IMPORT_ROWS_S:,}: {ok(rate >= TARGET_IMPORT_ROWS_S)}")
        w(f"- `coderlite {imp.get('command', 'import')}`: {imp['seconds']:.1f} s in total; audit_logs loaded at "
          f"{rate:,.0f} rows/s ({verdict}), "
          f"then its indexes; {overall:,.0f} audit rows/s from the start of the import to the finished file. "
          f"{imp.get('summary', '')}")
    gateway.section(res, w)
    connlog.section(res, w)
    if res.get("scale"):
        w("\n#### First page as the log grows (`coderlite seed`, same users/workspaces; go gzip client)\n")
        w("| audit rows | seed s | start-up ms | a: first page | e: create+workspace | x: build_reason | count |")
        w("|---|---|---|---|---|---|---|")
        for s in res["scale"]:
            w(f"| {s['rows']:,} | {s['seed_s']:.0f} | {s['startup_ms']:.0f} | {cell(s['a'])} | "
              f"{cell(s.get('e'))} | {cell(s.get('x'))} | {s['a'].get('count')} |")
        base, top = res["scale"][0]["a"]["median_ms"], res["scale"][-1]["a"]["median_ms"]
        w(f"\nGrowth of the first page from {res['scale'][0]['rows']:,} to {res['scale'][-1]['rows']:,} "
          f"rows: {top / base:.2f}× (target ≤ 1.5×: {ok(top / base <= 1.5)}).")
    if res.get("client_floor"):
        cf = res["client_floor"]
        beside = "".join(f", {name} {cell(p)}" for name, p in (cf.get("profiles") or {}).items())
        w(f"\nClient floor: `GET /healthz` over the same connection takes {cell(cf)} ms (go{beside}).")
    return "\n".join(out) + "\n"


def combos_section(res, w):
    c = res.get("combos")
    if not c:
        return
    w("\n#### Random filter combinations\n")
    terms = ", ".join(f"{n} with {k}" for k, n in c["terms"].items())
    w(f"{c['n_queries']} queries on `GET /api/v2/audit?limit=50&q=...` drawn with seed {c['seed']} from the "
      f"database's own rows (one to three of username, email, organization, resource_target, resource_id, "
      f"request_id, action, resource_type, build_reason: {terms} filters; {c['with_dates']} with a "
      f"`date_from:`/`date_to:` range of 1–60 days); {c['matched']} of them match rows. Each query: "
      f"{c['warmups']} warm-ups, {c['reps']} timed calls with the {c['profile']} gzip client, its median.\n")
    w("| over the queries | median | p95 | worst |")
    w("|---|---|---|---|")
    w(f"| per-query median, ms | {c['median_ms']:.2f} | {c['p95_ms']:.2f} | {c['worst_ms']:.2f} |")
    w("\nSlowest five:\n")
    w("| `q` | median ms | rows | count |")
    w("|---|---|---|---|")
    for r in c["slowest"]:
        w(f"| `{r['q']}` | {r['median_ms']:.2f} | {r['rows']} | {r['count']} |")
    bf = c.get("by_field") or {}
    if bf:
        w("\nMedian (worst) of the queries using each filter, ms: " + "; ".join(
            f"{k} {v['median_ms']:.2f} ({v['worst_ms']:.2f}, n={v['n']})" for k, v in bf.items()) + ".")
    if c.get("not_accepted"):
        w(f"\nValues present in the data that the q language refuses (400; left out): {c['not_accepted']}.")


def browser_line(res, w):
    b = res.get("browser")
    if b is None:
        return
    w("")
    if b.get("skipped") or b.get("error"):
        w(f"Browser: navigation → 50 rendered audit rows: not measured ({b.get('skipped') or b.get('error')}).")
        return
    note = ""
    if b["rows"] < 50:
        note = (f" The audit page renders {b.get('page_size')} rows a page (`PAGE_SIZE` in "
                f"web/assets/js/query.js; no URL parameter changes it), so this is navigation → "
                f"{b['rows']} rows, the whole first page.")
    w(f"Browser: navigation → {b['rows']} rendered audit rows (`{b['url']}`, headless Chromium "
      f"{b.get('chromium') or ''}, signed in by cookie, warm cache, {b['reps']} navigations after one untimed): "
      f"**median {b['median_ms']:.1f} ms, p95 {b['p95_ms']:.1f} ms** (min {b['min_ms']:.1f}, max {b['max_ms']:.1f}) "
      f"from navigation start to the rows in the DOM (next frame: {b.get('frame_median_ms')} ms). "
      f"Of that, the page's `/api/v2/audit` fetch starts at {b.get('api_start_median_ms')} ms and takes "
      f"{b.get('api_median_ms')} ms (medians; DOMContentLoaded {b.get('dcl_median_ms')} ms).{note}")
