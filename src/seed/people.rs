//! Organizations and users for `coderlite seed`: five organizations, one system user, 1 in
//! 500 service accounts, and people with Coder's status/role/login-type mix.

use super::pick::{uuid, Weighted};
use super::shape::{DAY, END};
use super::Sizes;
use crate::model::{LoginType, UserStatus};
use crate::store::bulk::{Target, V::*};
use rand::rngs::StdRng;
use rand::Rng;

const FIRST: &[&str] = &[
    "alex", "ana", "ben", "carla", "chen", "dana", "eli", "fatima", "george", "hana", "ivan",
    "jade", "kai", "lena", "maria", "noah", "olga", "pablo", "quinn", "rosa", "sam", "tara",
    "umar", "vera", "will", "xin", "yara", "zoe",
];
const LAST: &[&str] = &[
    "smith", "jones", "garcia", "chen", "kim", "patel", "nguyen", "muller", "rossi", "silva",
    "khan", "novak", "ito", "larsen", "dubois", "weber", "cohen", "okafor", "santos", "brown",
];
pub(super) struct User {
    pub(super) id: String,
    pub(super) username: String,
    pub(super) active: bool,
    pub(super) deleted: bool,
    pub(super) human: bool,
    pub(super) admin: bool,
    pub(super) created: i64,
}

pub(super) fn days(rng: &mut StdRng, lo: f64, hi: f64) -> i64 {
    (rng.gen_range(lo..hi) * DAY as f64) as i64
}

/// Loads the organizations and users; returns the organization ids (default first) and the
/// users as later generators need them.
pub(super) fn orgs_and_users(
    target: &Target,
    rng: &mut StdRng,
    s: &Sizes,
) -> Result<(Vec<String>, Vec<User>), String> {
    let orgs: Vec<String> = (0..5).map(|_| uuid(rng)).collect();
    let org_names = ["coder", "platform", "data-science", "mobile", "infra"];
    let org_cols = [
        "id",
        "name",
        "display_name",
        "is_default",
        "created_at",
        "updated_at",
    ];
    target.load(
        "organizations",
        "organizations",
        &org_cols,
        5,
        false,
        |sink| {
            for (i, name) in org_names.iter().enumerate() {
                let created = END - (720 - 40 * i as i64) * DAY;
                let display = name.to_uppercase();
                sink.push_row(
                    i as u64 + 1,
                    &[
                        T(&orgs[i]),
                        T(name),
                        T(&display),
                        I(i64::from(i == 0)),
                        I(created),
                        I(created),
                    ],
                )?;
            }
            Ok(())
        },
    )?;

    let mut users: Vec<User> = Vec::with_capacity(s.users);
    let n_service = (s.users / 500).max(1);
    let status_w = Weighted::new([80.0, 15.0, 5.0]);
    let login_w = Weighted::new([70.0, 20.0, 10.0]);
    target.load(
        "users",
        "users",
        &[
            "id",
            "email",
            "username",
            "name",
            "status",
            "login_type",
            "rbac_roles",
            "deleted",
            "is_system",
            "is_service_account",
            "created_at",
            "updated_at",
            "last_seen_at",
        ],
        s.users as u64,
        false,
        |sink| {
            for i in 0..s.users {
                let id = uuid(rng);
                let (first, last) = (
                    FIRST[rng.gen_range(0..FIRST.len())],
                    LAST[rng.gen_range(0..LAST.len())],
                );
                let system = i == 0;
                let service = !system && i <= n_service;
                let status = if system || service {
                    0
                } else {
                    status_w.pick(rng)
                };
                let r: f64 = rng.gen();
                let roles = if system || service {
                    "[]"
                } else if r < 0.004 {
                    r#"["owner"]"#
                } else if r < 0.012 {
                    r#"["template-admin"]"#
                } else if r < 0.017 {
                    r#"["user-admin"]"#
                } else if r < 0.02 {
                    r#"["auditor"]"#
                } else {
                    "[]"
                };
                let (username, name, email, login) = if system {
                    (
                        "prebuilds".to_string(),
                        "Prebuilds Owner".to_string(),
                        String::new(),
                        LoginType::None,
                    )
                } else if service {
                    (
                        format!("svc-{last}-{i}"),
                        format!("Service {i}"),
                        String::new(),
                        LoginType::None,
                    )
                } else {
                    (
                        format!("{first}.{last}{i}"),
                        format!("{first} {last}"),
                        format!("{first}.{last}.{i}@example.com"),
                        [LoginType::Oidc, LoginType::Password, LoginType::Github]
                            [login_w.pick(rng)],
                    )
                };
                let deleted = !system && !service && rng.gen::<f64>() < 0.02;
                let created = END - days(rng, 1.0, 730.0);
                let last_seen = match status {
                    0 => END - days(rng, 0.0, 20.0),
                    1 => END - days(rng, 91.0, 300.0),
                    _ => END - days(rng, 10.0, 400.0),
                }
                .max(created);
                sink.push_row(
                    i as u64 + 1,
                    &[
                        T(&id),
                        T(&email),
                        T(&username),
                        T(&name),
                        T(UserStatus::ALL[status].as_str()),
                        T(login.as_str()),
                        T(roles),
                        I(i64::from(deleted)),
                        I(i64::from(system)),
                        I(i64::from(service)),
                        I(created),
                        I(created.max(last_seen - DAY)),
                        I(last_seen),
                    ],
                )?;
                users.push(User {
                    id,
                    username,
                    active: status == 0,
                    deleted,
                    human: !system && !service,
                    admin: roles != "[]" && roles != r#"["auditor"]"#,
                    created,
                });
            }
            Ok(())
        },
    )?;
    Ok((orgs, users))
}
