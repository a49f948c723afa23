use super::*;

#[test]
fn login_logout_and_first_user_are_recorded() {
    let s = TestServer::start();
    let owner = s.owner();
    let r = audit(&owner, "", "").expect(200);
    assert_eq!(r.body["count"], 2, "first user + login: {}", r.text);
    assert_eq!(r.body["count_cap"], 0);
    let rows = logs(&r);
    // Newest first: the login, then the first user's creation.
    assert_eq!(rows[0]["action"], "login");
    assert_eq!(rows[0]["resource_type"], "api_key");
    assert_eq!(rows[0]["description"], "{user} logged in");
    assert_eq!(rows[0]["status_code"], 200);
    assert_eq!(rows[0]["diff"], json!({}));
    assert_eq!(rows[0]["user"]["username"], OWNER_USERNAME);
    assert_eq!(rows[0]["user"]["organization_ids"], json!([]));
    assert_eq!(rows[0]["user"]["roles"][0]["name"], "owner");
    assert_eq!(rows[0]["user"]["has_ai_seat"], false);
    assert_eq!(rows[0]["ip"], "127.0.0.1");
    assert!(rows[0].get("organization").is_none());
    assert_eq!(rows[0]["organization_id"], NIL);
    assert_eq!(rows[1]["action"], "create");
    assert_eq!(rows[1]["resource_type"], "user");
    assert_eq!(rows[1]["resource_target"], OWNER_USERNAME);
    assert_eq!(rows[1]["description"], "{user} created user {target}");
    assert_eq!(
        rows[1]["resource_link"],
        format!("/users?filter={OWNER_USERNAME}")
    );
    assert_eq!(rows[1]["is_deleted"], false);
    assert_eq!(rows[1]["diff"]["username"]["new"], OWNER_USERNAME);
    assert_eq!(rows[1]["diff"]["hashed_password"]["secret"], true);
    assert!(rows[1]["diff"]["hashed_password"].get("new").is_none());
    assert!(!r.text.contains("argon2"), "no secret in the log");

    // Failed login of an existing user: recorded with its status and no diff.
    s.client()
        .post(
            "/api/v2/users/login",
            json!({"email": OWNER_EMAIL, "password": "wrong-password-1"}),
        )
        .expect(401);
    let r = audit(&owner, "action:login", "").expect(200);
    assert_eq!(r.body["count"], 2);
    let failed = &logs(&r)[0];
    assert_eq!(failed["status_code"], 401);
    assert_eq!(
        failed["description"],
        "{user} unsuccessfully attempted to login"
    );
    assert_eq!(failed["diff"], json!({}));

    // Logout: exactly one more row, and the key is gone.
    let second = s.login(OWNER_EMAIL, PASSWORD);
    second.post("/api/v2/users/logout", json!({})).expect(200);
    let r = audit(&owner, "action:logout", "").expect(200);
    assert_eq!(r.body["count"], 1);
    assert_eq!(logs(&r)[0]["description"], "{user} logged out");
    assert_eq!(count_rows(&s, "1=1"), 5);
}

#[test]
fn failed_mutation_rolls_back_and_records_the_attempt() {
    let s = TestServer::start();
    let owner = s.owner();
    let (uid, _c) = seed_user(&s, "sally", &[], &[]);
    s.db()
        .execute(
            "UPDATE users SET status = 'suspended' WHERE id = ?1",
            params![uid],
        )
        .expect("suspend");
    let keys_before: i64 = s
        .db()
        .query_row(
            "SELECT count(*) FROM api_keys WHERE user_id = ?1",
            params![uid],
            |r| r.get(0),
        )
        .expect("keys");
    s.client()
        .post(
            "/api/v2/users/login",
            json!({"email": "sally@example.com", "password": PASSWORD}),
        )
        .expect(401);
    let keys_after: i64 = s
        .db()
        .query_row(
            "SELECT count(*) FROM api_keys WHERE user_id = ?1",
            params![uid],
            |r| r.get(0),
        )
        .expect("keys");
    assert_eq!(keys_before, keys_after, "the key insert was rolled back");
    let r = audit(&owner, "username:sally action:login", "").expect(200);
    let rows = logs(&r);
    // One successful login (make_user) and the failed attempt.
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["status_code"], 401);
    assert_eq!(rows[0]["user"]["status"], "suspended");
    assert_eq!(rows[1]["status_code"], 200);
}
