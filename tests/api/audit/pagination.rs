use super::*;

#[test]
fn pagination_by_offset_and_after_id() {
    let s = TestServer::start();
    let owner = s.owner();
    // 25 rows sharing one timestamp and 10 more: ties are ordered newest insert first (by the
    // row's insertion sequence), so pages are stable.
    let mut inserted = Vec::new();
    for i in 0..35 {
        let t = if i < 25 {
            1_600_000_000_000_000
        } else {
            1_600_000_000_000_000 + i
        };
        inserted.push(insert(
            &s,
            Row {
                time: t,
                target: "fixture",
                ..Row::default()
            },
        ));
    }
    let q = "resource_target:fixture";
    let all = ids(&audit(&owner, q, "&limit=0").expect(200));
    assert_eq!(all.len(), 35, "limit 0 means 100");
    let newest_first: Vec<String> = inserted.iter().rev().cloned().collect();
    assert_eq!(all, newest_first, "time DESC, ties newest insert first");
    let mut by_offset = Vec::new();
    for page in 0..5 {
        let r = audit(&owner, q, &format!("&limit=8&offset={}", page * 8)).expect(200);
        assert_eq!(r.body["count"], 35);
        by_offset.extend(ids(&r));
    }
    assert_eq!(by_offset, all, "offset pages = the full list, in order");
    let r = audit(&owner, q, "&offset=1000").expect(200);
    assert_eq!(logs(&r).len(), 0);
    assert_eq!(r.body["count"], 35);

    // after_id while rows keep arriving (newer rows and rows at the same time).
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let extra = match &after {
            Some(a) => format!("&limit=6&after_id={a}"),
            None => "&limit=6".to_string(),
        };
        let r = audit(&owner, q, &extra).expect(200);
        let page = ids(&r);
        // Writes between fetches: a newer row and one tied with the first 25.
        insert(
            &s,
            Row {
                time: 1_900_000_000_000_000 + seen.len() as i64,
                target: "fixture",
                ..Row::default()
            },
        );
        if page.is_empty() {
            break;
        }
        after = page.last().cloned();
        seen.extend(page);
    }
    assert_eq!(
        seen, all,
        "after_id pages: nothing skipped, nothing repeated"
    );
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len());
}
