use super::*;

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    rdr.records()
        .map(|r| r.expect("csv record").iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn export_matches_the_api() {
    let s = TestServer::start();
    let owner = s.owner();
    let org = default_org_id(&s);
    // More than one export chunk (1000 rows), with awkward characters.
    let tx_db = s.db();
    tx_db.execute_batch("BEGIN").expect("begin");
    for i in 0..1203 {
        let id = uuid::Uuid::new_v4().to_string();
        tx_db
            .execute(
                "INSERT INTO audit_logs (id, time, user_id, organization_id, resource_type, resource_id, \
                 resource_target, action, diff, status_code, additional_fields, request_id) \
                 VALUES (?1, ?2, ?3, ?4, 'workspace', ?5, ?6, 'write', '{\"name\":{\"old\":\"a\",\"new\":\"b\",\"secret\":false}}', 200, '{}', ?3)",
                params![id, 1_000_000 + i / 3, NIL, org, NIL, format!("ws \"{i}\", <x>\nline")],
            )
            .expect("row");
    }
    tx_db.execute_batch("COMMIT").expect("commit");
    let api = audit(&owner, "organization:coder", "&limit=5000").expect(200);
    let api_rows = logs(&api);
    assert_eq!(api_rows.len(), 1203);
    assert_eq!(api.body["count"], 1203);
    // Pages above one chunk are streamed: same rows as small pages, offset and cursor kept.
    let all_ids = ids(&api);
    let mut small = Vec::new();
    for off in (0..1203).step_by(400) {
        small.extend(ids(&audit(
            &owner,
            "organization:coder",
            &format!("&limit=400&offset={off}"),
        )
        .expect(200)));
    }
    assert_eq!(small, all_ids);
    let r = audit(&owner, "organization:coder", "&limit=1500&offset=100").expect(200);
    assert_eq!(ids(&r), all_ids[100..].to_vec());
    assert_eq!(r.body["count_cap"], 0);
    let r = audit(
        &owner,
        "organization:coder",
        &format!("&limit=1001&after_id={}", all_ids[10]),
    )
    .expect(200);
    assert_eq!(ids(&r), all_ids[11..1012].to_vec());
    let r = audit(&owner, "action:stop", "&limit=2000").expect(200);
    assert_eq!(r.text, "{\"audit_logs\":[],\"count\":0,\"count_cap\":0}\n");

    let r = owner
        .get("/api/v2/audit/export?q=organization:coder&format=ndjson")
        .expect(200);
    assert_eq!(r.header("content-type"), Some("application/x-ndjson"));
    let cd = r.header("content-disposition").unwrap_or("");
    assert!(
        cd.starts_with("attachment; filename=\"audit-logs-") && cd.ends_with(".ndjson\""),
        "{cd}"
    );
    let nd: Vec<Value> = r
        .text
        .lines()
        .map(|l| serde_json::from_str(l).expect("ndjson line"))
        .collect();
    assert_eq!(nd, api_rows);

    let r = owner
        .get("/api/v2/audit/export?q=organization:coder")
        .expect(200);
    assert!(r
        .header("content-disposition")
        .unwrap_or("")
        .ends_with(".csv\""));
    let mut rdr = csv::Reader::from_reader(r.text.as_bytes());
    let header: Vec<String> = rdr
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(header[0], "id");
    assert_eq!(header.last().map(String::as_str), Some("user"));
    let rows = csv_rows(&r.text);
    assert_eq!(rows.len(), api_rows.len());
    for (row, api_row) in rows.iter().zip(&api_rows) {
        for (i, col) in header.iter().enumerate() {
            let v = &api_row[col.as_str()];
            let want = match v {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                Value::Bool(b) => b.to_string(),
                Value::Number(n) => n.to_string(),
                other => other.to_string(),
            };
            let got = &row[i];
            if matches!(v, Value::Object(_)) {
                let parsed: Value = serde_json::from_str(got).expect("json cell");
                assert_eq!(&parsed, v, "column {col}");
            } else {
                assert_eq!(got, &want, "column {col}");
            }
        }
    }
    // Empty result: header only.
    let r = owner.get("/api/v2/audit/export?q=action:stop").expect(200);
    assert_eq!(csv_rows(&r.text).len(), 0);
    assert!(r.text.starts_with("id,request_id,time"));
    let r = owner.get("/api/v2/audit/export?format=xml").expect(400);
    assert_eq!(r.body["validations"][0]["field"], "format");
    let r = owner.get("/api/v2/audit/export?q=action:bogus").expect(400);
    assert_eq!(r.message(), "Invalid audit search query.");
}
