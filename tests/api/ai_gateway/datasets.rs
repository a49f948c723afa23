//! `coderlite seed` and `coderlite import` with AI Gateway data, and the sessions pages on a
//! seeded file checked against a brute-force computation of Coder's rules from the raw rows.

use super::*;
use coderlite::import::ImportArgs;
use coderlite::seed::SeedArgs;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn seed(db: &Path, interceptions: usize) {
    coderlite::seed::run(&SeedArgs {
        db: db.to_path_buf(),
        force: false,
        users: 60,
        audit_logs: 200,
        interceptions,
        connection_logs: 0,
        initiators: Some(12),
        workspaces: None,
        builds: None,
        ai_build_fraction: 0.03,
        seed: 7,
    })
    .expect("seed");
}

fn serve(db: &Path) -> (TestServer, Client) {
    coderlite::cli::create_admin_user(db, "admin", OWNER_EMAIL, PASSWORD).expect("admin");
    let db = db.to_path_buf();
    let s = TestServer::start_with(move |cfg| cfg.db = db);
    let owner = s.login(OWNER_EMAIL, PASSWORD);
    (s, owner)
}

/// Which interceptions a `q` selects, as the brute force applies it.
type Filter<'a> = Box<dyn Fn(&Row) -> bool + 'a>;

/// One completed interception as the brute force needs it.
struct Row {
    id: String,
    session: String,
    initiator: String,
    provider: String,
    provider_name: String,
    model: String,
    client: Option<String>,
    started: i64,
    ended: i64,
    root: bool,
}

struct Raw {
    rows: Vec<Row>,
    /// interception id → (created_at, id, prompt)
    prompts: BTreeMap<String, Vec<(i64, String, String)>>,
    /// interception id → four sums
    tokens: BTreeMap<String, [i64; 4]>,
}

fn raw(db: &Path) -> Raw {
    let c = rusqlite::Connection::open(db).expect("open");
    let rows = c
        .prepare(
            "SELECT id, session_id, initiator_id, provider, model, client, started_at, ended_at, \
             thread_root_id IS NULL, provider_name FROM aibridge_interceptions \
             WHERE ended_at IS NOT NULL",
        )
        .expect("prepare")
        .query_map([], |r| {
            Ok(Row {
                id: r.get(0)?,
                session: r.get(1)?,
                initiator: r.get(2)?,
                provider: r.get(3)?,
                model: r.get(4)?,
                client: r.get(5)?,
                started: r.get(6)?,
                ended: r.get(7)?,
                root: r.get(8)?,
                provider_name: r.get(9)?,
            })
        })
        .expect("query")
        .collect::<Result<Vec<_>, _>>()
        .expect("rows");
    let mut prompts: BTreeMap<String, Vec<(i64, String, String)>> = BTreeMap::new();
    let mut stmt = c
        .prepare("SELECT interception_id, created_at, id, prompt FROM aibridge_user_prompts")
        .expect("prepare");
    let mut q = stmt.query([]).expect("query");
    while let Some(r) = q.next().expect("row") {
        prompts.entry(r.get(0).expect("id")).or_default().push((
            r.get(1).expect("at"),
            r.get(2).expect("id"),
            r.get(3).expect("prompt"),
        ));
    }
    let mut tokens: BTreeMap<String, [i64; 4]> = BTreeMap::new();
    let mut stmt = c
        .prepare(
            "SELECT interception_id, input_tokens, output_tokens, cache_read_input_tokens, \
             cache_write_input_tokens FROM aibridge_token_usages",
        )
        .expect("prepare");
    let mut q = stmt.query([]).expect("query");
    while let Some(r) = q.next().expect("row") {
        let e = tokens.entry(r.get(0).expect("id")).or_default();
        for (k, v) in e.iter_mut().enumerate() {
            *v += r.get::<_, i64>(k + 1).expect("n");
        }
    }
    Raw {
        rows,
        prompts,
        tokens,
    }
}

/// Coder's sessions list for a filter, computed row by row (§3 of the spec).
fn brute_force(raw: &Raw, matches: &dyn Fn(&Row) -> bool) -> Vec<Value> {
    let mut keys: BTreeSet<(String, String)> = BTreeSet::new();
    for r in raw.rows.iter().filter(|r| matches(r)) {
        keys.insert((r.session.clone(), r.initiator.clone()));
    }
    let fmt = coderlite::timefmt::format_micros;
    let mut out: Vec<(i64, String, String, Value)> = Vec::new();
    for (sid, who) in keys {
        let all: Vec<&Row> = raw
            .rows
            .iter()
            .filter(|r| r.session == sid && r.initiator == who)
            .collect();
        let hit: Vec<&&Row> = all.iter().filter(|r| matches(r)).collect();
        let prompts_of = |rows: &mut dyn Iterator<Item = &&Row>| -> Vec<(i64, String, String)> {
            rows.flat_map(|r| raw.prompts.get(&r.id).cloned().unwrap_or_default())
                .collect()
        };
        let hit_prompts = prompts_of(&mut hit.iter().copied());
        let started = hit.iter().map(|r| r.started).min().unwrap_or(0);
        let last_active = hit_prompts.iter().map(|p| p.0).max().unwrap_or(started);
        let mut all_prompts = prompts_of(&mut all.iter());
        all_prompts.sort_by(|a, b| (b.0, &b.1).cmp(&(a.0, &a.1)));
        let first = all
            .iter()
            .min_by_key(|r| (r.started, r.id.clone()))
            .expect("first");
        let mut sums = [0i64; 4];
        for r in &all {
            for (k, v) in raw
                .tokens
                .get(&r.id)
                .copied()
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                sums[k] += v;
            }
        }
        let set = |f: &dyn Fn(&Row) -> String| -> Vec<String> {
            all.iter()
                .map(|r| f(r))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect()
        };
        let mut v = json!({
            "id": sid, "initiator": who, "providers": set(&|r| r.provider.clone()),
            "models": set(&|r| r.model.clone()), "client": first.client,
            "started_at": fmt(started), "ended_at": fmt(hit.iter().map(|r| r.ended).max().unwrap_or(0)),
            "threads": hit.iter().filter(|r| r.root).count(),
            "token_usage_summary": {"input_tokens": sums[0], "output_tokens": sums[1],
                "cache_read_input_tokens": sums[2], "cache_write_input_tokens": sums[3]},
            "last_active_at": fmt(last_active),
        });
        if let Some(p) = all_prompts.first() {
            v["last_prompt"] = json!(p.2);
        }
        out.push((last_active, sid, who, v));
    }
    out.sort_by(|a, b| (b.0, &b.1, &b.2).cmp(&(a.0, &a.1, &a.2)));
    out.into_iter().map(|x| x.3).collect()
}

/// The API's page with the initiator as its id and without the metadata (not derived here).
fn comparable(page: &Value) -> Vec<Value> {
    page["sessions"]
        .as_array()
        .expect("sessions")
        .iter()
        .map(|s| {
            let mut s = s.clone();
            s["initiator"] = s["initiator"]["id"].clone();
            if let Some(o) = s.as_object_mut() {
                o.remove("metadata");
            }
            s
        })
        .collect()
}

#[test]
fn seeded_sessions_match_a_brute_force_computation() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("seed.db");
    seed(&db, 1_500);
    let raw = raw(&db);
    let (_s, owner) = serve(&db);
    let heavy = raw
        .rows
        .iter()
        .map(|r| r.initiator.clone())
        .max_by_key(|who| raw.rows.iter().filter(|r| &r.initiator == who).count())
        .expect("initiator");
    let mid = raw.rows[raw.rows.len() / 2].started;
    let mid_at = coderlite::timefmt::format_micros(mid);
    let early = raw.rows[raw.rows.len() / 4].started;
    let early_at = coderlite::timefmt::format_micros(early);
    let pname = raw.rows[0].provider_name.clone();
    let cases: Vec<(String, Filter)> = vec![
        (String::new(), Box::new(|_| true)),
        (
            format!("initiator:{heavy}"),
            Box::new(|r: &Row| r.initiator == heavy),
        ),
        ("model:gpt-5".into(), Box::new(|r: &Row| r.model == "gpt-5")),
        (
            "client:Unknown".into(),
            Box::new(|r: &Row| r.client.is_none()),
        ),
        (
            "provider:anthropic".into(),
            Box::new(|r: &Row| r.provider == "anthropic"),
        ),
        (
            format!("started_after:\"{mid_at}\""),
            Box::new(move |r: &Row| r.started >= mid),
        ),
        (
            format!("started_before:\"{mid_at}\" client:Codex"),
            Box::new(move |r: &Row| r.started <= mid && r.client.as_deref() == Some("Codex")),
        ),
        (
            format!("started_before:\"{mid_at}\""),
            Box::new(move |r: &Row| r.started <= mid),
        ),
        (
            format!("started_after:\"{early_at}\" started_before:\"{mid_at}\""),
            Box::new(move |r: &Row| r.started >= early && r.started <= mid),
        ),
        (
            format!("initiator:{heavy} started_after:\"{early_at}\""),
            Box::new(|r: &Row| r.initiator == heavy && r.started >= early),
        ),
        (
            format!("initiator:{heavy} model:gpt-5"),
            Box::new(|r: &Row| r.initiator == heavy && r.model == "gpt-5"),
        ),
        (
            "model:gpt-5 client:Codex".into(),
            Box::new(|r: &Row| r.model == "gpt-5" && r.client.as_deref() == Some("Codex")),
        ),
        (
            format!("provider_name:{pname}"),
            Box::new(|r: &Row| r.provider_name == pname),
        ),
        (
            format!("provider:anthropic client:Unknown started_after:\"{early_at}\""),
            Box::new(move |r: &Row| {
                r.provider == "anthropic" && r.client.is_none() && r.started >= early
            }),
        ),
        (
            format!("provider:openai provider_name:{pname} model:gpt-5 client:Codex"),
            Box::new(|r: &Row| {
                r.provider == "openai"
                    && r.provider_name == pname
                    && r.model == "gpt-5"
                    && r.client.as_deref() == Some("Codex")
            }),
        ),
    ];
    for (q, m) in &cases {
        let want = brute_force(&raw, m.as_ref());
        assert!(!want.is_empty(), "{q}: the case selects something");
        let page = ok(
            &owner,
            PREFIXES[0],
            &format!("/sessions?limit=1000&q={}", url_encode(q)),
        );
        assert_eq!(page["count"], want.len(), "{q}");
        assert_eq!(comparable(&page), want, "{q}");
        // Short pages at several offsets: each is its slice of the whole list (a time range
        // passes over the sessions crossing its edges that cannot rank on the page).
        for offset in [
            0,
            1,
            6,
            want.len() / 3,
            want.len() / 2,
            want.len().saturating_sub(3),
        ] {
            let page = ok(
                &owner,
                PREFIXES[1],
                &format!("/sessions?limit=7&offset={offset}&q={}", url_encode(q)),
            );
            let end = (offset + 7).min(want.len());
            assert_eq!(page["count"], want.len(), "{q} at {offset}");
            assert_eq!(comparable(&page), want[offset..end], "{q} at {offset}");
        }
        // Walking the cursor pages gives the same list. (Coder's cursor takes the session's
        // unfiltered activity, so only filters on the session's key walk cleanly.)
        if !(q.is_empty() || q.starts_with("initiator:")) {
            continue;
        }
        let mut walked = Vec::new();
        let mut after = String::new();
        loop {
            let path = format!(
                "/sessions?limit=37&q={}&after_session_id={}",
                url_encode(q),
                url_encode(&after)
            );
            let p = ok(&owner, PREFIXES[1], &path);
            let got = comparable(&p);
            if got.is_empty() {
                break;
            }
            after = got
                .last()
                .and_then(|s| s["id"].as_str())
                .unwrap_or("")
                .to_string();
            walked.extend(got);
        }
        assert_eq!(walked, want, "{q}: cursor pages");
    }
    // The biggest session's threads: every root once, in order, with the session's sums.
    let all = ok(&owner, PREFIXES[0], "/sessions?limit=1000");
    let big = all["sessions"]
        .as_array()
        .expect("sessions")
        .iter()
        .max_by_key(|s| s["threads"].as_i64())
        .expect("one");
    let id = big["id"].as_str().expect("id");
    let mut roots = Vec::new();
    let mut after = String::new();
    loop {
        let p = ok(
            &owner,
            PREFIXES[0],
            &format!("/sessions/{}?limit=3&after_id={after}", url_encode(id)),
        );
        let threads = p["threads"].as_array().expect("threads").clone();
        let Some(last) = threads.last() else { break };
        after = last["id"].as_str().expect("id").to_string();
        roots.extend(threads.iter().map(|t| t["id"].clone()));
        assert_eq!(
            p["token_usage_summary"]["input_tokens"],
            big["token_usage_summary"]["input_tokens"]
        );
    }
    let want: Vec<Value> = {
        let mut r: Vec<&Row> = raw
            .rows
            .iter()
            .filter(|r| r.session == id && r.root)
            .collect();
        r.sort_by_key(|r| (r.started, r.id.clone()));
        r.iter().map(|r| json!(r.id)).collect()
    };
    assert_eq!(roots, want);
}

#[test]
fn seed_is_deterministic_with_sessions_and_usages() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (a, b) = (tmp.path().join("a.db"), tmp.path().join("b.db"));
    seed(&a, 800);
    seed(&b, 800);
    let digest = |p: &Path| -> Vec<String> {
        let c = rusqlite::Connection::open(p).expect("open");
        [
            "SELECT group_concat(id || session_id || COALESCE(thread_root_id, '-') || started_at) FROM aibridge_interceptions",
            "SELECT group_concat(id || interception_id || input_tokens || metadata) FROM aibridge_token_usages",
            "SELECT group_concat(id || interception_id || prompt) FROM aibridge_user_prompts",
            "SELECT group_concat(id || interception_id || tool) FROM aibridge_tool_usages",
            "SELECT count(*) || '' FROM aibridge_model_thoughts",
            "SELECT group_concat(session_id || last_active_at) FROM aibridge_session_order",
        ]
        .iter()
        .map(|sql| c.query_row(sql, [], |r| r.get::<_, String>(0)).expect(sql))
        .collect()
    };
    let da = digest(&a);
    assert_eq!(da, digest(&b));
    let c = rusqlite::Connection::open(&a).expect("open");
    let n = |sql: &str| -> i64 { c.query_row(sql, [], |r| r.get(0)).expect(sql) };
    let sessions = n("SELECT count(*) FROM aibridge_session_order");
    assert!(sessions > 20 && sessions < 800, "{sessions} sessions");
    assert!(
        n("SELECT count(*) FROM aibridge_interceptions WHERE thread_root_id IS NOT NULL") > 100
    );
    assert!(n("SELECT max(c) FROM (SELECT count(*) c FROM aibridge_interceptions GROUP BY session_id)") > 10);
    assert!(n("SELECT count(*) FROM aibridge_token_usages") >= 800);
    assert!(n("SELECT count(*) FROM aibridge_tool_usages") > 100);
    assert!(n("SELECT count(*) FROM aibridge_model_thoughts") > 10);
    // The session triggers are back after the load.
    assert_eq!(
        n("SELECT count(*) FROM sqlite_master WHERE name = 'aibridge_session_prompt_insert'"),
        1
    );
    assert_eq!(
        n("SELECT count(*) FROM sqlite_master WHERE name = 'aibridge_session_refresh_run'"),
        1
    );
}

const ALICE: &str = "a8359d70-4b2c-4cfc-906c-ca248bc47ab1";
const ROOT: &str = "f4dda8ea-f504-4f80-8907-59f23586a7b1";
const NEXT: &str = "0c7d3a49-3a5d-4c43-9d2f-2f5f1c8f1d10";

/// A small Coder dump of the AI Gateway tables (newest columns, an unknown extra column,
/// a token usage file from before the cache columns).
fn gateway_dump(dir: &Path) {
    let write = |name: &str, text: String| std::fs::write(dir.join(name), text).expect("write");
    write("users.csv", format!(
        "id,email,username,hashed_password,created_at,updated_at,status,rbac_roles,login_type,deleted,is_system\n\
         {ALICE},alice@example.com,alice,\\x,2024-01-02 03:04:05+00,2024-01-03 00:00:00+00,active,{{}},password,f,f\n"));
    write("aibridge_interceptions.csv", format!(
        "id,initiator_id,provider,provider_name,model,started_at,ended_at,metadata,annotations,api_key_id,client,client_session_id,thread_parent_id,thread_root_id,credential_kind,credential_hint,agent_firewall_session_id,agent_firewall_sequence_number,error_type,error_message\n\
         {ROOT},{ALICE},anthropic,anthropic-prod,claude-sonnet-4,2025-02-07 08:08:58.333821+00,2025-02-07 08:09:10+00,{{}},{{}},\\N,Claude Code,sess-1,\\N,\\N,byok_api_key,sk-...wxyz,\\N,\\N,\\N,\\N\n\
         {NEXT},{ALICE},anthropic,anthropic-prod,claude-sonnet-4,2025-02-07 08:09:11+00,2025-02-07 08:09:30+00,{{}},{{}},\\N,Claude Code,sess-1,{ROOT},{ROOT},byok_api_key,sk-...wxyz,\\N,\\N,upstream_error,overloaded\n"));
    write("aibridge_token_usages.csv", format!(
        "id,interception_id,provider_response_id,input_tokens,output_tokens,metadata,created_at\n\
         11111111-1111-4111-8111-111111111111,{ROOT},msg_1,120,30,\"{{\"\"cache_read_input\"\": 5}}\",2025-02-07 08:09:00+00\n\
         22222222-2222-4222-8222-222222222222,{NEXT},msg_2,80,20,{{}},2025-02-07 08:09:20+00\n"));
    write("aibridge_user_prompts.csv", format!(
        "id,interception_id,provider_response_id,prompt,metadata,created_at\n\
         33333333-3333-4333-8333-333333333333,{ROOT},msg_1,\"fix it, please\",{{}},2025-02-07 08:08:59+00\n"));
    write("aibridge_tool_usages.csv", format!(
        "id,interception_id,provider_response_id,provider_tool_call_id,provider_item_id,tool,server_url,input,injected,invocation_error,metadata,created_at\n\
         44444444-4444-4444-8444-444444444444,{ROOT},msg_1,toolu_1,\\N,Bash,\\N,\"{{\"\"command\"\":\"\"ls\"\"}}\",f,\\N,{{}},2025-02-07 08:09:05+00\n"));
    write(
        "aibridge_model_thoughts.csv",
        format!(
            "interception_id,content,metadata,created_at\n\
         {ROOT},Check the directory.,{{}},2025-02-07 08:09:01+00\n"
        ),
    );
}

#[test]
fn import_reads_the_gateway_tables() {
    let tmp = tempfile::tempdir().expect("tempdir");
    gateway_dump(tmp.path());
    let db = tmp.path().join("imported.db");
    coderlite::import::run(&ImportArgs {
        dir: tmp.path().to_path_buf(),
        db: db.clone(),
        force: false,
    })
    .expect("import");
    let (_s, owner) = serve(&db);
    let page = ok(&owner, PREFIXES[0], "/sessions");
    assert_eq!(page["count"], 1);
    let s = &page["sessions"][0];
    assert_eq!(s["id"], "sess-1");
    assert_eq!(s["threads"], 1);
    assert_eq!(s["client"], "Claude Code");
    assert_eq!(s["last_prompt"], "fix it, please");
    assert_eq!(s["last_active_at"], "2025-02-07T08:08:59Z");
    assert_eq!(
        s["token_usage_summary"],
        json!({"input_tokens": 200, "output_tokens": 50,
        "cache_read_input_tokens": 0, "cache_write_input_tokens": 0})
    );
    let one = ok(&owner, PREFIXES[0], "/sessions/sess-1");
    let t = &one["threads"][0];
    assert_eq!(t["id"], ROOT);
    assert_eq!(t["credential_kind"], "byok_api_key");
    assert_eq!(t["credential_hint"], "sk-...wxyz");
    assert_eq!(
        t["agentic_actions"][0]["tool_calls"][0]["input"],
        "{\"command\":\"ls\"}"
    );
    assert_eq!(
        t["agentic_actions"][0]["thinking"],
        json!([{"text": "Check the directory."}])
    );
    assert_eq!(
        one["token_usage_summary"]["metadata"],
        json!({"cache_read_input": 5})
    );
    assert_eq!(
        ok(&owner, PREFIXES[0], "/providers")[0]["name"],
        "anthropic-prod"
    );
}

/// The kept session rows as the triggers leave them after ordinary writes equal what the
/// bulk loads' rebuild computes from the rows.
#[test]
fn session_triggers_keep_what_a_rebuild_computes() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("seed.db");
    seed(&db, 600);
    let c = rusqlite::Connection::open(&db).expect("open");
    let snapshot = |c: &rusqlite::Connection| -> Vec<String> {
        [
            "SELECT group_concat(session_id || initiator_id || min_started_at || max_started_at || \
             max_ended_at || threads || COALESCE(max_prompt_at, '-') || providers || models || \
             COALESCE(client, '-') || COALESCE(metadata, '-') || token_sums || \
             COALESCE(last_prompt, '-'), ',') FROM (SELECT * FROM aibridge_session_order ORDER BY 1, 2)",
            "SELECT group_concat(mask || value || session_id || initiator_id || min_started_at || \
             max_started_at || max_ended_at || threads || COALESCE(max_prompt_at, '-'), ',') \
             FROM (SELECT v.mask, v.value, f.* FROM aibridge_session_facets f \
                   JOIN aibridge_session_facet_values v ON v.id = f.value_id ORDER BY 1, 2, 4, 5)",
            "SELECT n || '' FROM aibridge_session_total",
        ]
        .iter()
        .map(|sql| c.query_row(sql, [], |r| r.get::<_, String>(0)).expect(sql))
        .collect()
    };
    let before = snapshot(&c);
    // Writes through the triggers: interceptions joining a session and starting new ones,
    // prompts and token usages, a session completed and moved, rows deleted and edited.
    c.execute_batch(
        "INSERT INTO aibridge_interceptions (id, initiator_id, provider, provider_name, model,
             started_at, ended_at, client, client_session_id, metadata)
         SELECT 'new-' || id, initiator_id, 'copilot', 'gh', 'o4', started_at + 5, ended_at + 5,
                'Zed', session_id, '{\"k\":1}'
         FROM aibridge_interceptions WHERE ended_at IS NOT NULL ORDER BY id LIMIT 40;
         INSERT INTO aibridge_interceptions (id, initiator_id, provider, provider_name, model,
             started_at, ended_at)
         SELECT 'solo-' || id, initiator_id, provider, provider_name, model, started_at, NULL
         FROM aibridge_interceptions ORDER BY id DESC LIMIT 10;
         INSERT INTO aibridge_user_prompts (id, interception_id, prompt, created_at)
         SELECT 'p-' || id, id, 'late prompt ' || id, started_at + 9e12
         FROM aibridge_interceptions WHERE id LIKE 'new-%' AND rowid % 3 = 0;
         INSERT INTO aibridge_token_usages (id, interception_id, input_tokens, output_tokens,
             created_at)
         SELECT 't-' || id, id, 100, 200, started_at FROM aibridge_interceptions
         WHERE id LIKE 'new-%' OR id LIKE 'solo-%';
         UPDATE aibridge_interceptions SET ended_at = started_at + 1 WHERE id LIKE 'solo-%';
         UPDATE aibridge_interceptions SET client_session_id = 'moved' WHERE id IN
             (SELECT id FROM aibridge_interceptions WHERE id LIKE 'solo-%' LIMIT 3);
         UPDATE aibridge_interceptions SET model = 'renamed', client = NULL
         WHERE id IN (SELECT id FROM aibridge_interceptions ORDER BY id LIMIT 25);
         UPDATE aibridge_user_prompts SET created_at = created_at - 1, prompt = 'edited'
         WHERE id IN (SELECT id FROM aibridge_user_prompts ORDER BY id LIMIT 20);
         UPDATE aibridge_token_usages SET input_tokens = input_tokens + 1
         WHERE id IN (SELECT id FROM aibridge_token_usages ORDER BY id LIMIT 20);
         DELETE FROM aibridge_user_prompts WHERE id IN
             (SELECT id FROM aibridge_user_prompts ORDER BY id DESC LIMIT 15);
         DELETE FROM aibridge_token_usages WHERE id IN
             (SELECT id FROM aibridge_token_usages ORDER BY id DESC LIMIT 15);
         DELETE FROM aibridge_interceptions WHERE id IN
             (SELECT id FROM aibridge_interceptions ORDER BY started_at LIMIT 30);
         -- Prompts as new as their session's newest (the id decides which is the last one:
         -- 'tie-' sorts after every hex id, '0-tie-' before most), and older ones.
         INSERT INTO aibridge_user_prompts (id, interception_id, prompt, created_at)
         SELECT p || ai.id, ai.id, p || 'prompt', so.max_prompt_at
         FROM aibridge_interceptions ai JOIN aibridge_session_order so
             ON so.session_id = ai.session_id AND so.initiator_id = ai.initiator_id
         CROSS JOIN (SELECT 'tie-' AS p UNION ALL SELECT '0-tie-')
         WHERE ai.ended_at IS NOT NULL AND so.max_prompt_at IS NOT NULL
           AND ai.id IN (SELECT id FROM aibridge_interceptions ORDER BY id LIMIT 60);
         INSERT INTO aibridge_user_prompts (id, interception_id, prompt, created_at)
         SELECT 'old-' || id, id, 'an old prompt', started_at - 1 FROM aibridge_interceptions
         WHERE ended_at IS NOT NULL ORDER BY id DESC LIMIT 20;",
    )
    .expect("writes");
    let kept = snapshot(&c);
    assert_ne!(kept, before, "the writes changed sessions");
    assert_eq!(
        c.query_row("SELECT count(*) FROM aibridge_session_refresh", [], |r| r
            .get::<_, i64>(
            0
        ))
        .expect("refresh"),
        0
    );
    coderlite::store::ai_sessions::rebuild_order(&coderlite::store::sql::Tx::sqlite(&c))
        .expect("rebuild");
    assert_eq!(snapshot(&c), kept);
}
