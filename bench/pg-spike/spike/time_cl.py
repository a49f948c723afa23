"""Time coderlite-shaped statements on PostgreSQL 15 (anchor-pg data). psycopg 3,
prepare_threshold=0 (server-side named prepared statement from the first call, as the Rust
`postgres` crate's prepared statements), values loaded as text (as anchor-pg does)."""
import json, sys, time, statistics
import psycopg
from psycopg.types.string import TextLoader

SOCK = "/tmp/pgspike/sock"
M = json.load(open("/tmp/pgspike/data/manifest.json"))["bench"]

def connect(prepare_threshold):
    c = psycopg.connect(host=SOCK, port=54329, user="postgres", dbname="anchor",
                        autocommit=True, prepare_threshold=prepare_threshold)
    for oid in (2950, 3802, 114, 869, 1184, 1114, 1009, 16, 2951):
        c.adapters.register_loader(oid, TextLoader)
    return c

SEAT = """(EXISTS (SELECT 1 FROM aibridge_interceptions ai WHERE ai.initiator_id = {u})
 OR EXISTS (SELECT 1 FROM workspaces aw JOIN workspace_builds ab
            ON ab.workspace_id = aw.id AND ab.has_ai_task
            WHERE aw.owner_id = {u} AND NOT aw.deleted))"""

def audit_page(where):
    return f"""SELECT a.id, a.request_id, a."time", a.ip, a.user_agent, a.resource_type, a.resource_id,
 a.resource_target, a.resource_icon, a.action, a.diff, a.status_code, a.additional_fields,
 a.organization_id, COALESCE(o.name, ''), COALESCE(o.display_name, ''), COALESCE(o.icon, ''),
 a.user_id, u.username, u.name, u.avatar_url, u.email, u.created_at, u.updated_at,
 u.last_seen_at, u.status, u.login_type, u.rbac_roles, u.is_service_account,
 CASE WHEN u.id IS NULL THEN false ELSE {SEAT.format(u='u.id')} END AS has_ai_seat,
 CASE a.resource_type
   WHEN 'user' THEN COALESCE((SELECT ru.deleted FROM users ru WHERE ru.id = a.resource_id), true)
   WHEN 'workspace' THEN COALESCE((SELECT rw.deleted FROM workspaces rw WHERE rw.id = a.resource_id), true)
   WHEN 'workspace_build' THEN COALESCE((SELECT rw.deleted FROM workspace_builds rb
        JOIN workspaces rw ON rw.id = rb.workspace_id WHERE rb.id = a.resource_id), true)
   ELSE false END AS is_deleted,
 CASE a.resource_type
   WHEN 'workspace' THEN (SELECT ou.username FROM workspaces rw JOIN users ou ON ou.id = rw.owner_id
        WHERE rw.id = a.resource_id)
   WHEN 'workspace_build' THEN (SELECT ou.username FROM workspace_builds rb
        JOIN workspaces rw ON rw.id = rb.workspace_id JOIN users ou ON ou.id = rw.owner_id
        WHERE rb.id = a.resource_id)
   END AS link_owner
FROM (SELECT al.id, al."time" FROM audit_logs al{where}
      ORDER BY al."time" DESC, al.id DESC LIMIT %(lim)s) pg
JOIN audit_logs a ON a.id = pg.id
LEFT JOIN users u ON u.id = a.user_id
LEFT JOIN organizations o ON o.id = a.organization_id
ORDER BY pg."time" DESC, pg.id DESC"""

USER_BY_NAME = "al.user_id = (SELECT id FROM users WHERE lower(username) = %(username)s AND NOT deleted)"

USERS_PAGE = f"""WITH page AS (SELECT u.id AS id, lower(u.username) COLLATE "C" AS k FROM users u
  WHERE NOT u.deleted AND NOT u.is_system
  ORDER BY lower(u.username) COLLATE "C", u.id LIMIT %(lim)s OFFSET %(off)s)
SELECT u.id, u.username, u.name, u.avatar_url, u.email, u.created_at, u.updated_at,
 u.last_seen_at, u.status, u.login_type, u.is_service_account, u.rbac_roles,
 (SELECT array_agg(om.organization_id) FROM cl.organization_members om WHERE om.user_id = u.id),
 {SEAT.format(u='u.id')} AS has_ai_seat
FROM page JOIN users u ON u.id = page.id ORDER BY page.k, page.id"""

USERS_COUNT = """SELECT (SELECT count(*) FROM users) - (SELECT count(*) FROM users u WHERE u.deleted OR u.is_system)"""

MEMBERS_LIVE = """SELECT (SELECT count(*) FROM users) - (SELECT count(*) FROM users u WHERE u.deleted OR u.is_system),
 (SELECT count(*) FROM cl.organization_members WHERE organization_id = %(org)s) -
 (SELECT count(*) FROM users u JOIN cl.organization_members m
   ON m.organization_id = %(org)s AND m.user_id = u.id WHERE u.deleted OR u.is_system)"""

MEMBERS_PAGE = f"""WITH page AS (SELECT u.id AS id, lower(u.username) COLLATE "C" AS k FROM users u
  WHERE NOT u.deleted AND NOT u.is_system
  ORDER BY lower(u.username) COLLATE "C", u.id LIMIT %(lim)s OFFSET %(off)s)
SELECT m.user_id, m.organization_id, m.created_at, m.updated_at, m.roles, u.username, u.name,
 u.avatar_url, u.email, u.rbac_roles, {SEAT.format(u='u.id')} AS has_ai_seat, u.created_at,
 u.updated_at, u.last_seen_at, u.status, u.login_type, u.is_service_account
FROM page JOIN cl.organization_members m ON m.organization_id = %(org)s AND m.user_id = page.id
JOIN users u ON u.id = m.user_id ORDER BY page.k, page.id"""

COUNT_ALL = "SELECT COALESCE(sum(c.n), 0) FROM cl.audit_log_counts c"
COUNT_TA = ("SELECT COALESCE(sum(c.n), 0) FROM cl.audit_log_counts c "
            "WHERE c.resource_type = %(rt)s AND c.action = %(act)s")
COUNT_DAYS = ("SELECT COALESCE(sum(c.n), 0) FROM cl.audit_log_day_counts c "
              "WHERE c.day >= %(d0)s AND c.day < %(d1)s")
# rows fallback (what coderlite does when a date bound is not a UTC midnight)
COUNT_WEEK_ROWS = """SELECT count(*) FROM audit_logs al WHERE al."time" >= %(t0)s AND al."time" < %(t1)s"""

def main():
    setup = connect(None)
    cur = setup.cursor()
    def nth(off):
        cur.execute('SELECT "time"::text, id::text FROM audit_logs ORDER BY "time" DESC, id DESC '
                    'OFFSET %s LIMIT 1', (off,))
        return cur.fetchone()
    c10k, c500k = nth(9_999), nth(499_999)
    cur.execute("SELECT id FROM organizations WHERE is_default")
    org = cur.fetchone()[0]
    cur.execute("SELECT floor(extract(epoch FROM %s::timestamptz)/86400)::int, "
                "floor(extract(epoch FROM %s::timestamptz)/86400)::int",
                (M["week_from"], M["week_to"]))
    d0, d1 = cur.fetchone()
    KEYSET = ' WHERE (al."time", al.id) < (%(ct)s::timestamptz, %(cid)s::uuid)'
    WEEK = ' WHERE al."time" >= %(t0)s::timestamptz AND al."time" < %(t1)s::timestamptz'
    cases = [
        ("a25", "audit first page, 25 rows", audit_page(""), dict(lim=25)),
        ("a50", "audit first page, 50 rows", audit_page(""), dict(lim=50)),
        ("k10k", "audit keyset page after row 10,000 (50)", audit_page(KEYSET), dict(lim=50, ct=c10k[0], cid=c10k[1])),
        ("k500k", "audit keyset page after row 500,000 (50)", audit_page(KEYSET), dict(lim=50, ct=c500k[0], cid=c500k[1])),
        ("d", f"audit page, username = typical user ({M['username_typical_rows']} rows)",
         audit_page(" WHERE " + USER_BY_NAME), dict(lim=50, username=M["username_typical"])),
        ("d2", f"audit page, username = heavy user ({M['username_heavy_rows']} rows)",
         audit_page(" WHERE " + USER_BY_NAME), dict(lim=50, username=M["username_heavy"])),
        ("e", "audit page, action=create & resource_type=workspace (50)",
         audit_page(" WHERE al.resource_type = %(rt)s AND al.action = %(act)s"),
         dict(lim=50, rt="workspace", act="create")),
        ("f", "audit page, one-week range (50)", audit_page(WEEK),
         dict(lim=50, t0=M["week_from"], t1=M["week_to"])),
        ("g1", "count, unfiltered (counts table)", COUNT_ALL, {}),
        ("g3", "count, action=create & resource_type=workspace (counts table)", COUNT_TA,
         dict(rt="workspace", act="create")),
        ("g4", "count, one-week range (day counts table)", COUNT_DAYS, dict(d0=d0, d1=d1)),
        ("g4r", "count, one-week range (rows, fallback)", COUNT_WEEK_ROWS,
         dict(t0=M["week_from"], t1=M["week_to"])),
        ("u25", "users page 25, username order, has_ai_seat EXISTS", USERS_PAGE, dict(lim=25, off=0)),
        ("u50", "users page 50, username order, has_ai_seat EXISTS", USERS_PAGE, dict(lim=50, off=0)),
        ("u50o5k", "users page 50 at offset 5000", USERS_PAGE, dict(lim=50, off=5000)),
        ("uc", "users count (live humans)", USERS_COUNT, {}),
        ("mlive", "members: live users vs live members of default org", MEMBERS_LIVE, dict(org=org)),
        ("m25", "members page 25, default org, has_ai_seat EXISTS", MEMBERS_PAGE, dict(lim=25, off=0, org=org)),
        ("m50", "members page 50, default org", MEMBERS_PAGE, dict(lim=50, off=0, org=org)),
    ]
    only = set(sys.argv[2].split(",")) if len(sys.argv) > 2 else None
    mode = sys.argv[1] if len(sys.argv) > 1 else "prepared"
    conn = connect(0 if mode == "prepared" else None)
    c = conn.cursor()
    out = {}
    plans = []
    for key, what, sql, params in cases:
        if only and key not in only:
            continue
        for _ in range(10):  # warm-up (also past PostgreSQL's 5 custom plans)
            c.execute(sql, params); rows = c.fetchall()
        ts = []
        t_end = time.perf_counter() + 4.0
        while len(ts) < 300 and (len(ts) < 50 or time.perf_counter() < t_end):
            t = time.perf_counter(); c.execute(sql, params); rows = c.fetchall()
            ts.append((time.perf_counter() - t) * 1000)
        ts.sort()
        med = statistics.median(ts); p95 = ts[max(0, int(round(0.95 * len(ts))) - 1)]
        out[key] = dict(what=what, median=med, p95=p95, n=len(ts), rows=len(rows),
                        first=(rows[0][0] if rows else None))
        print(f"[{mode}] {key:7s} median {med:8.3f} ms  p95 {p95:8.3f} ms  n={len(ts):3d} rows={len(rows):3d}  {what}"
              + (f"  value={rows[0][0]}" if key.startswith(("g", "uc", "mlive")) else ""), flush=True)
        if mode == "prepared":
            for pcm in ("force_custom_plan", "force_generic_plan"):
                cur.execute(f"SET plan_cache_mode = {pcm}")
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                plans.append(f"===== {key} [{pcm}]: {what}\n" + "\n".join(r[0] for r in cur.fetchall()))
            cur.execute("RESET plan_cache_mode")
    if plans:
        open("/tmp/pgspike/spike/plans.txt", "w").write("\n\n".join(plans) + "\n")
    json.dump(dict(mode=mode, results=out, cursors=dict(c10k=c10k, c500k=c500k), org=str(org), days=[d0, d1]),
              open(f"/tmp/pgspike/spike/results_{mode}.json", "w"), indent=1, default=str)

main()
