//! `coderlite import` (Coder CSV dumps) and `coderlite seed`, then the server on the result.

use crate::common::*;
use coderlite::import::ImportArgs;
use coderlite::seed::SeedArgs;
use std::path::Path;

const ORG: &str = "2292c333-ef12-4ed7-b1d0-ddaf7a59ac31";
const OTHER_ORG: &str = "2da32585-2429-40c5-abd7-e85e17f2cccd";
const ALICE: &str = "a8359d70-4b2c-4cfc-906c-ca248bc47ab1";
const BOB: &str = "b25103d6-902f-40d0-a9ad-e42700570719";
const GONE: &str = "c625848c-f0fd-49ae-a3db-185639d60448";
const WS: &str = "eb47f4d6-ca69-4d14-92cd-9df4f1f9266f";
const B1: &str = "062775a5-a3cf-4ee3-beab-cf0cfe143eb5";
const B2: &str = "75c90faa-a92e-488e-af7e-7dc582f8b7eb";

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("write csv");
}

/// A tiny dump in the shape of `COPY ... (FORMAT csv, HEADER, NULL '\N')`, with an unknown
/// extra column and some optional columns left out.
fn coder_dump(dir: &Path) {
    write(dir, "organizations.csv", &format!(
        "id,name,description,created_at,updated_at,is_default,display_name,icon,deleted,shareable_workspace_owners\n\
         {ORG},coder,The Coder organization,2023-07-12 00:00:00.000000+00,2023-07-15 00:00:00.000000+00,t,Coder,,f,everyone\n\
         {OTHER_ORG},platform,Platform,2023-08-21 00:00:00+00,\\N,f,Platform,/emojis/1f301.png,f,everyone\n"));
    write(dir, "users.csv", &format!(
        "id,email,username,hashed_password,created_at,updated_at,status,rbac_roles,login_type,avatar_url,deleted,last_seen_at,name,is_system,is_service_account,github_com_user_id\n\
         {ALICE},alice@example.com,alice,\\x,2024-01-02 03:04:05.5+00,2024-01-03 00:00:00+00,active,\"{{owner,auditor}}\",oidc,,f,2025-06-16 00:30:29.009324,Alice A,f,f,\\N\n\
         {BOB},bob@example.com,bob,\\x,2024-02-01 00:00:00+00,2024-02-01 00:00:00+00,dormant,{{}},github,https://a.example/b,f,2025-01-01 00:00:00,\"Bob, B\",f,f,12345\n\
         {GONE},gone@example.com,gone,\\x,2024-02-01 00:00:00+00,2024-02-01 00:00:00+00,suspended,{{}},password,,t,2025-01-01 00:00:00,,f,f,\\N\n"));
    write(dir, "workspaces.csv", &format!(
        "id,created_at,updated_at,owner_id,organization_id,template_id,deleted,name,last_used_at\n\
         {WS},2024-11-03 01:42:08.629624+00,2025-02-25 18:29:22.983691+00,{BOB},{OTHER_ORG},7dcc8bb0-a376-4046-b024-4480c29e3922,f,ws-bob-1,2025-02-25 18:29:22.983691+00\n"));
    write(dir, "workspace_builds.csv", &format!(
        "id,created_at,updated_at,workspace_id,template_version_id,build_number,transition,initiator_id,provisioner_state,job_id,deadline,reason,has_ai_task\n\
         {B1},2024-11-03 01:42:08.629624+00,2024-11-03 01:44:26.773140+00,{WS},0e5782e9-44c7-422e-b8d2-934d24444081,1,start,{BOB},\\N,1ae02cac-d7ac-4913-97f5-09ca71178291,0001-01-01 00:00:00+00,initiator,\\N\n\
         {B2},2024-11-03 14:09:09.595968+00,2024-11-03 14:12:44.503394+00,{WS},0e5782e9-44c7-422e-b8d2-934d24444081,2,stop,{BOB},\\N,8567fd2b-2ffa-4a44-8c58-193e2cdd12b8,0001-01-01 00:00:00+00,autostop,f\n"));
    write(dir, "aibridge_interceptions.csv", &format!(
        "id,initiator_id,provider,model,started_at,metadata,ended_at,api_key_id,client,thread_parent_id\n\
         f4dda8ea-f504-4f80-8907-59f23586a7b1,{ALICE},anthropic,claude-3-5-haiku-20241022,2025-02-07 08:08:58.333821+00,\"{{\"\"stream\"\": true}}\",\\N,3b3fe7d159,cursor,\\N\n"));
    write(dir, "audit_logs.csv", &format!(
        "id,time,user_id,organization_id,ip,user_agent,resource_type,resource_id,resource_target,action,diff,status_code,additional_fields,request_id,resource_icon,extra_column\n\
         8693d52b-c906-4009-91a8-b93759e2aac4,2024-11-03 01:42:08.7+00,{BOB},{OTHER_ORG},10.1.2.3,curl,workspace,{WS},ws-bob-1,create,{{}},201,{{}},7babb944-d55c-4087-b7fd-65e039b91d39,,x\n\
         155f1fbb-f9d1-4877-87f5-e3f231d35b7e,2024-11-03 14:09:10+00,00000000-0000-0000-0000-000000000000,{OTHER_ORG},\\N,\\N,workspace_build,{B2},ws-bob-1,stop,{{}},200,{{}},bb1edf47-93db-475d-a860-cc7816ee5217,,x\n\
         255f1fbb-f9d1-4877-87f5-e3f231d35b7e,2024-11-04 00:00:00+00,{ALICE},\\N,192.168.0.1/32,curl,user,{BOB},bob,write,\"{{\"\"name\"\": {{\"\"old\"\": \"\"a\"\", \"\"new\"\": \"\"b\"\", \"\"secret\"\": false}}}}\",200,{{}},cb1edf47-93db-475d-a860-cc7816ee5217,,x\n"));
}

fn import(dir: &Path, db: &Path) -> Result<(), String> {
    coderlite::import::run(&ImportArgs {
        dir: dir.to_path_buf(),
        db: db.to_path_buf(),
        force: false,
    })
}

#[test]
fn import_loads_a_coder_dump_and_the_server_serves_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    coder_dump(tmp.path());
    let db = tmp.path().join("imported.db");
    import(tmp.path(), &db).expect("import");
    assert!(!tmp.path().join("imported.db.tmp").exists());

    let c = rusqlite::Connection::open(&db).expect("open");
    let q = |sql: &str| -> String {
        c.query_row(sql, [], |r| r.get::<_, rusqlite::types::Value>(0))
            .map(|v| format!("{v:?}"))
            .expect(sql)
    };
    assert_eq!(
        q("SELECT rbac_roles FROM users WHERE username = 'alice'"),
        "Text(\"[\\\"owner\\\",\\\"auditor\\\"]\")"
    );
    assert_eq!(
        q("SELECT created_at FROM users WHERE username = 'alice'"),
        "Integer(1704164645500000)"
    );
    assert_eq!(
        q("SELECT github_com_user_id FROM users WHERE username = 'bob'"),
        "Integer(12345)"
    );
    assert_eq!(
        q("SELECT deleted FROM users WHERE username = 'gone'"),
        "Integer(1)"
    );
    assert_eq!(
        q("SELECT updated_at = created_at FROM organizations WHERE name = 'platform'"),
        "Integer(1)"
    );
    // build_reason: build #1's reason on the create row, the build's own on the build row.
    assert_eq!(
        q("SELECT build_reason FROM audit_logs WHERE action = 'create'"),
        "Text(\"initiator\")"
    );
    assert_eq!(
        q("SELECT build_reason FROM audit_logs WHERE action = 'stop'"),
        "Text(\"autostop\")"
    );
    assert_eq!(
        q("SELECT build_reason FROM audit_logs WHERE action = 'write'"),
        "Null"
    );
    assert_eq!(
        q("SELECT organization_id FROM audit_logs WHERE action = 'write'"),
        "Text(\"00000000-0000-0000-0000-000000000000\")"
    );
    assert_eq!(
        q("SELECT ip FROM audit_logs WHERE action = 'write'"),
        "Text(\"192.168.0.1\")"
    );
    assert_eq!(
        q("SELECT group_concat(action) FROM (SELECT action FROM audit_logs ORDER BY seq)"),
        "Text(\"create,stop,write\")"
    );
    // Memberships derived: everyone live in the default org, Bob also where his workspace is.
    assert_eq!(q("SELECT count(*) FROM organization_members"), "Integer(3)");
    assert_eq!(
        q(&format!(
            "SELECT count(*) FROM organization_members WHERE user_id = '{BOB}'"
        )),
        "Integer(2)"
    );
    // Indexes are back and statistics exist.
    assert_eq!(
        q("SELECT count(*) FROM sqlite_master WHERE name = 'audit_logs_time'"),
        "Integer(1)"
    );
    assert_eq!(q("SELECT count(*) > 0 FROM sqlite_stat1"), "Integer(1)");
    let chain = coderlite::store::audit_chain::verify(&coderlite::store::sql::Tx::sqlite(&c))
        .expect("verify");
    assert!(chain.ok && chain.rows_checked == 3, "{chain:?}");
    drop(c);

    coderlite::cli::create_admin_user(&db, "admin", OWNER_EMAIL, PASSWORD).expect("admin");
    let s = TestServer::start_with(|cfg| cfg.db = db.clone());
    let owner = s.login(OWNER_EMAIL, PASSWORD);
    let alice = owner.get("/api/v2/users/alice").expect(200);
    assert_eq!(alice.body["has_ai_seat"], true);
    assert_eq!(alice.body["created_at"], "2024-01-02T03:04:05.5Z");
    assert_eq!(alice.body["roles"].as_array().map(Vec::len), Some(2));
    let bob = owner.get("/api/v2/users/bob").expect(200);
    assert_eq!(bob.body["has_ai_seat"], false);
    assert_eq!(bob.body["name"], "Bob, B");
    assert_eq!(bob.body["status"], "dormant");
}

#[test]
fn a_bad_row_names_file_and_line_and_leaves_nothing_behind() {
    let tmp = tempfile::tempdir().expect("tempdir");
    coder_dump(tmp.path());
    let mut text = String::from("id,time,user_id,resource_type,resource_id,action,status_code\n");
    for i in 0..100 {
        let time = if i == 70 {
            "not-a-time".to_string()
        } else {
            format!("2024-11-04 00:00:{:02}+00", i % 60)
        };
        text.push_str(&format!(
            "{:08x}-0000-4000-8000-000000000000,{time},{ALICE},user,{ALICE},write,200\n",
            i
        ));
    }
    write(tmp.path(), "audit_logs.csv", &text);
    let db = tmp.path().join("bad.db");
    let err = import(tmp.path(), &db).expect_err("must fail");
    assert!(err.contains("audit_logs.csv line 72"), "{err}");
    assert!(err.contains("time"), "{err}");
    assert!(!db.exists() && !tmp.path().join("bad.db.tmp").exists());

    // A duplicate key inside a multi-row insert is traced to its own line too.
    let dup = text
        .replace("not-a-time", "2024-11-04 00:00:10+00")
        .replace(
            "00000046-0000-4000-8000-000000000000",
            "00000003-0000-4000-8000-000000000000",
        );
    write(tmp.path(), "audit_logs.csv", &dup);
    let err = import(tmp.path(), &db).expect_err("must fail");
    assert!(
        err.contains("audit_logs.csv line 72") && err.contains("UNIQUE"),
        "{err}"
    );
    assert!(!db.exists());

    // An existing database is never overwritten without --force.
    std::fs::write(&db, b"precious").expect("write");
    write(
        tmp.path(),
        "audit_logs.csv",
        "id,time,resource_type,action,status_code\n",
    );
    let err = import(tmp.path(), &db).expect_err("must refuse");
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(std::fs::read(&db).expect("read"), b"precious");
}

fn seed(db: &Path) {
    coderlite::seed::run(&SeedArgs {
        db: db.to_path_buf(),
        force: false,
        users: 120,
        audit_logs: 3_000,
        interceptions: 500,
        connection_logs: 0,
        initiators: None,
        workspaces: None,
        builds: None,
        ai_build_fraction: 0.03,
        seed: 42,
    })
    .expect("seed");
}

#[test]
fn seed_is_deterministic_and_realistic() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (a, b) = (tmp.path().join("a.db"), tmp.path().join("b.db"));
    seed(&a);
    seed(&b);
    let digest = |p: &Path| -> String {
        let c = rusqlite::Connection::open(p).expect("open");
        c.query_row(
            "SELECT (SELECT group_concat(id || time || user_id || action || coalesce(build_reason, '-')) FROM audit_logs) \
             || (SELECT group_concat(id || username || status || rbac_roles) FROM users)",
            [],
            |r| r.get(0),
        )
        .expect("digest")
    };
    assert_eq!(digest(&a), digest(&b));
    let c = rusqlite::Connection::open(&a).expect("open");
    let n = |sql: &str| -> i64 { c.query_row(sql, [], |r| r.get(0)).expect(sql) };
    assert_eq!(n("SELECT count(*) FROM audit_logs"), 3_000);
    assert_eq!(n("SELECT count(*) FROM users"), 120);
    assert_eq!(n("SELECT count(*) FROM aibridge_interceptions"), 500);
    assert!(n("SELECT count(DISTINCT status) FROM users") == 3);
    assert!(n("SELECT count(*) FROM audit_logs WHERE build_reason = 'autostart'") > 0);
    assert!(n("SELECT count(*) FROM audit_logs WHERE resource_type = 'workspace' AND action = 'create' AND build_reason IS NULL") == 0);
    assert!(n("SELECT count(*) FROM workspace_builds WHERE has_ai_task = 1") > 0);
    assert!(n("SELECT min(time) < max(time) - 300 * 86400000000 FROM audit_logs") == 1);
    // Zipf-skewed activity: the busiest user has far more rows than the median one.
    let top = n("SELECT max(c) FROM (SELECT count(*) c FROM audit_logs WHERE user_id <> '00000000-0000-0000-0000-000000000000' GROUP BY user_id)");
    assert!(top > 50, "busiest user has {top} rows");
    assert!(n("SELECT count(*) FROM organization_members") >= 100);
    let chain = coderlite::store::audit_chain::verify(&coderlite::store::sql::Tx::sqlite(&c))
        .expect("verify");
    assert!(chain.ok && chain.rows_checked == 3_000, "{chain:?}");
    // Counters written by the loader equal a rebuild from the rows; their trigger is back.
    let snapshot = || -> String {
        c.query_row(
            "SELECT (SELECT group_concat(x, ';') FROM (SELECT organization_id || resource_type || action || build_reason || n AS x FROM audit_log_counts ORDER BY 1)) \
             || (SELECT group_concat(x, ';') FROM (SELECT day || organization_id || resource_type || action || build_reason || n AS x FROM audit_log_day_counts ORDER BY 1)) \
             || (SELECT group_concat(x, ';') FROM (SELECT day || organization_id || n AS x FROM audit_log_day_totals ORDER BY 1))",
            [],
            |r| r.get(0),
        )
        .expect("snapshot")
    };
    let loaded = snapshot();
    coderlite::store::audit_counts::rebuild(&coderlite::store::sql::Tx::sqlite(&c))
        .expect("rebuild");
    assert_eq!(loaded, snapshot());
    assert_eq!(n("SELECT sum(n) FROM audit_log_counts"), 3_000);
    assert_eq!(n("SELECT sum(n) FROM audit_log_day_totals"), 3_000);
    assert_eq!(
        n("SELECT count(*) FROM sqlite_master WHERE name = 'audit_logs_counts_insert'"),
        1
    );
}

#[test]
fn import_takes_organization_members_when_present() {
    let tmp = tempfile::tempdir().expect("tempdir");
    coder_dump(tmp.path());
    write(
        tmp.path(),
        "organization_members.csv",
        &format!(
            "user_id,organization_id,created_at,updated_at,roles\n\
             {ALICE},{ORG},2024-01-02 03:04:05+00,2024-01-02 03:04:05+00,\"{{organization-admin,organization-auditor}}\"\n\
             {BOB},{OTHER_ORG},2024-02-01 00:00:00+00,2024-02-01 00:00:00+00,{{}}\n"
        ),
    );
    let db = tmp.path().join("members.db");
    import(tmp.path(), &db).expect("import");
    let c = rusqlite::Connection::open(&db).expect("open");
    let rows: Vec<(String, String)> = c
        .prepare("SELECT user_id, roles FROM organization_members ORDER BY user_id")
        .expect("prepare")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(
        rows,
        [
            (
                ALICE.to_string(),
                r#"["organization-admin","organization-auditor"]"#.to_string()
            ),
            (BOB.to_string(), "[]".to_string()),
        ]
    );
}
