//! Access control as its own layer. Roles are Coder's built-in site and organization roles;
//! handlers ask `Subject` questions and stores take the resulting scopes as SQL filters.

use std::collections::BTreeMap;

pub const OWNER: &str = "owner";
pub const MEMBER: &str = "member";
pub const AUDITOR: &str = "auditor";
pub const TEMPLATE_ADMIN: &str = "template-admin";
pub const USER_ADMIN: &str = "user-admin";

pub const ORG_ADMIN: &str = "organization-admin";
pub const ORG_MEMBER: &str = "organization-member";
pub const ORG_AUDITOR: &str = "organization-auditor";
pub const ORG_USER_ADMIN: &str = "organization-user-admin";
pub const ORG_TEMPLATE_ADMIN: &str = "organization-template-admin";
pub const ORG_WORKSPACE_CREATION_BAN: &str = "organization-workspace-creation-ban";

/// Built-in site roles. `GET /users/roles` leaves out the implicit `member`.
pub const SITE_ROLES: &[&str] = &[OWNER, AUDITOR, TEMPLATE_ADMIN, USER_ADMIN, MEMBER];
/// Assignable organization roles (the implicit `organization-member` is never saved).
pub const ORG_ROLES: &[&str] = &[
    ORG_ADMIN,
    ORG_AUDITOR,
    ORG_USER_ADMIN,
    ORG_TEMPLATE_ADMIN,
    ORG_WORKSPACE_CREATION_BAN,
];

/// Display name of a built-in role; unknown roles fall back to "" (Coder shows the name only).
pub fn display_name(role: &str) -> &'static str {
    match role {
        OWNER => "Owner",
        MEMBER => "Member",
        AUDITOR => "Auditor",
        TEMPLATE_ADMIN => "Template Admin",
        USER_ADMIN => "User Admin",
        ORG_ADMIN => "Organization Admin",
        ORG_MEMBER => "",
        ORG_AUDITOR => "Organization Auditor",
        ORG_USER_ADMIN => "Organization User Admin",
        ORG_TEMPLATE_ADMIN => "Organization Template Admin",
        ORG_WORKSPACE_CREATION_BAN => "Organization Workspace Creation Ban",
        _ => "",
    }
}

pub fn is_site_role(role: &str) -> bool {
    SITE_ROLES.contains(&role)
}

pub fn is_org_role(role: &str) -> bool {
    ORG_ROLES.contains(&role) || role == ORG_MEMBER
}

/// The authenticated caller as RBAC sees it: site roles and, per organization, its roles
/// (membership itself implies `organization-member`).
#[derive(Debug, Clone)]
pub struct Subject {
    pub user_id: String,
    pub site_roles: Vec<String>,
    /// organization id → saved organization roles (empty vec = plain member).
    pub org_roles: BTreeMap<String, Vec<String>>,
}

/// Which users a caller may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserScope {
    All,
    /// The caller and the members of these organizations.
    SelfAndOrgs(Vec<String>),
}

/// Which audit rows a caller may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditScope {
    All,
    Orgs(Vec<String>),
    None,
}

impl Subject {
    pub fn has_site(&self, role: &str) -> bool {
        self.site_roles.iter().any(|r| r == role)
    }

    pub fn is_owner(&self) -> bool {
        self.has_site(OWNER)
    }

    pub fn is_member_of(&self, org: &str) -> bool {
        self.org_roles.contains_key(org)
    }

    pub fn has_org(&self, org: &str, role: &str) -> bool {
        self.org_roles
            .get(org)
            .is_some_and(|roles| roles.iter().any(|r| r == role))
    }

    fn orgs_with(&self, roles: &[&str]) -> Vec<String> {
        self.org_roles
            .iter()
            .filter(|(_, rs)| rs.iter().any(|r| roles.contains(&r.as_str())))
            .map(|(org, _)| org.clone())
            .collect()
    }

    // ---- users ----

    /// Site-wide user read: owner, auditor, template-admin, user-admin.
    pub fn can_read_all_users(&self) -> bool {
        self.is_owner()
            || self.has_site(AUDITOR)
            || self.has_site(TEMPLATE_ADMIN)
            || self.has_site(USER_ADMIN)
    }

    pub fn user_scope(&self) -> UserScope {
        if self.can_read_all_users() {
            UserScope::All
        } else {
            UserScope::SelfAndOrgs(self.orgs_with(&[ORG_ADMIN, ORG_USER_ADMIN]))
        }
    }

    /// Create, suspend/activate, delete and edit other users: owner and user-admin.
    pub fn can_manage_users(&self) -> bool {
        self.is_owner() || self.has_site(USER_ADMIN)
    }

    /// Personal updates (own profile, own tokens) or user management.
    pub fn can_update_user(&self, target_user_id: &str) -> bool {
        self.user_id == target_user_id || self.can_manage_users()
    }

    /// API keys of a user: the user themself, or an owner.
    pub fn can_manage_keys_of(&self, target_user_id: &str) -> bool {
        self.user_id == target_user_id || self.is_owner()
    }

    /// Whether the caller may grant or revoke this site role (Coder's `CanAssignRole`).
    pub fn can_assign_site_role(&self, role: &str) -> bool {
        if self.is_owner() {
            return is_site_role(role);
        }
        if self.has_site(USER_ADMIN) {
            return role == MEMBER;
        }
        false
    }

    /// Whether the caller may grant or revoke this organization role in `org`.
    pub fn can_assign_org_role(&self, org: &str, role: &str) -> bool {
        if !is_org_role(role) {
            return false;
        }
        if self.is_owner() || self.has_org(org, ORG_ADMIN) {
            return true;
        }
        if self.has_site(USER_ADMIN) || self.has_org(org, ORG_USER_ADMIN) {
            return role == ORG_MEMBER;
        }
        false
    }

    // ---- organizations and members ----

    /// Read an organization: site-wide readers (owner, auditor, template-admin, user-admin)
    /// and its members (`organization-member` grants organization read).
    pub fn can_read_org(&self, org: &str) -> bool {
        self.can_read_all_users() || self.is_member_of(org)
    }

    /// `POST /organizations`: only the owner holds `create` on organizations.
    pub fn can_create_org(&self) -> bool {
        self.is_owner()
    }

    /// `PATCH /organizations/{org}`: owner, or that organization's admin (all org permissions).
    pub fn can_update_org(&self, org: &str) -> bool {
        self.is_owner() || self.has_org(org, ORG_ADMIN)
    }

    /// `DELETE /organizations/{org}`: same holders as update.
    pub fn can_delete_org(&self, org: &str) -> bool {
        self.can_update_org(org)
    }

    /// Read every membership of `org` (`organization_member:read` at organization level).
    /// A plain member reads only its own membership (see `can_read_member`).
    pub fn can_read_members(&self, org: &str) -> bool {
        self.can_read_all_users()
            || [ORG_ADMIN, ORG_AUDITOR, ORG_USER_ADMIN, ORG_TEMPLATE_ADMIN]
                .iter()
                .any(|r| self.has_org(org, r))
    }

    /// Read one membership: any membership readable org-wide, or one's own.
    pub fn can_read_member(&self, org: &str, member_user_id: &str) -> bool {
        self.can_read_members(org) || (member_user_id == self.user_id && self.is_member_of(org))
    }

    /// Add and remove members, and change their roles (`assign` on organization roles plus
    /// create/delete on memberships): owner, user-admin, and the organization's admin and
    /// user admin.
    pub fn can_manage_members(&self, org: &str) -> bool {
        self.is_owner()
            || self.has_site(USER_ADMIN)
            || self.has_org(org, ORG_ADMIN)
            || self.has_org(org, ORG_USER_ADMIN)
    }

    /// Resolving `{user}` when adding a member: Coder requires site-wide user read, which
    /// organization admins and organization user admins hold as well (their roles carry a
    /// site-level `user:read` so they can find users to add).
    pub fn can_look_up_user_for_membership(&self, target_user_id: &str) -> bool {
        self.can_read_all_users()
            || target_user_id == self.user_id
            || !self.orgs_with(&[ORG_ADMIN, ORG_USER_ADMIN]).is_empty()
    }

    /// `GET /organizations/{org}/members/roles` (`assign_org_role:read` in the org): every
    /// member (the implicit `organization-member` grants it) and the site-wide readers.
    pub fn can_read_org_roles(&self, org: &str) -> bool {
        self.can_read_org(org)
    }

    /// `GET /users/roles` (`assign_role:read`): the implicit `member` role grants it, so every
    /// authenticated (non-suspended) user may list site roles.
    pub fn can_read_site_roles(&self) -> bool {
        true
    }

    // ---- audit ----

    pub fn audit_scope(&self) -> AuditScope {
        if self.is_owner() || self.has_site(AUDITOR) {
            return AuditScope::All;
        }
        let orgs = self.orgs_with(&[ORG_ADMIN, ORG_AUDITOR]);
        if orgs.is_empty() {
            AuditScope::None
        } else {
            AuditScope::Orgs(orgs)
        }
    }

    /// Which connection-log rows a caller may read (Coder's `connection_log:read`): the same
    /// grants as the audit log — owner and auditor every row, organization admins and
    /// organization auditors their organizations' rows (Coder's `orgAdmin` holds every org
    /// permission, `orgAuditor` lists `connection_log: read`); everyone else none (an empty
    /// page, not 403, as Coder answers).
    pub fn connection_log_scope(&self) -> AuditScope {
        self.audit_scope()
    }

    /// Verify the audit log's hash chain (`GET /audit/verify`): owner and auditor.
    pub fn can_verify_audit_chain(&self) -> bool {
        self.is_owner() || self.has_site(AUDITOR)
    }

    // ---- workspaces and AI seat sources ----

    /// Read every workspace (site-wide): owner and template-admin. Coder's `auditor` holds
    /// no workspace permission (it reads audit logs, users, templates, organizations).
    pub fn can_read_all_workspaces(&self) -> bool {
        self.is_owner() || self.has_site(TEMPLATE_ADMIN)
    }

    /// Organizations whose workspaces the caller may read besides its own: organization
    /// admins and template admins (`organization-auditor` has no workspace read in Coder).
    pub fn workspace_read_orgs(&self) -> Vec<String> {
        self.orgs_with(&[ORG_ADMIN, ORG_TEMPLATE_ADMIN])
    }

    /// Read one workspace of `owner_id` in `org`.
    pub fn can_read_workspace(&self, org: &str, owner_id: &str) -> bool {
        self.can_read_all_workspaces()
            || owner_id == self.user_id
            || self.workspace_read_orgs().iter().any(|o| o == org)
    }

    /// Create a workspace in `org` for `owner_id`.
    pub fn can_create_workspace_for(&self, org: &str, owner_id: &str) -> bool {
        if self.is_owner() || self.has_org(org, ORG_ADMIN) {
            return true;
        }
        owner_id == self.user_id
            && self.is_member_of(org)
            && !self.has_org(org, ORG_WORKSPACE_CREATION_BAN)
    }

    /// Start/stop/delete builds of a workspace.
    pub fn can_update_workspace(&self, org: &str, owner_id: &str) -> bool {
        self.is_owner() || self.has_org(org, ORG_ADMIN) || owner_id == self.user_id
    }

    /// Read every AI Bridge interception (owner, auditor); others read their own.
    pub fn can_read_all_interceptions(&self) -> bool {
        self.is_owner() || self.has_site(AUDITOR)
    }

    /// The seat report (every user's email and AI use): owner, auditor.
    pub fn can_read_seat_report(&self) -> bool {
        self.is_owner() || self.has_site(AUDITOR)
    }

    /// Licenses, entitlement counts, deployment-wide operations.
    pub fn can_manage_deployment(&self) -> bool {
        self.is_owner()
    }
}

/// The object of one `POST /authcheck` check, with a resource id already resolved to the
/// resource's owner and organization.
#[derive(Debug, Clone, Default)]
pub struct AuthObject {
    pub resource_type: String,
    pub owner_id: Option<String>,
    pub org_id: Option<String>,
    /// Any organization will do (`any_org`): true if the action is allowed in one of them.
    pub any_org: bool,
}

impl Subject {
    /// Coder's `checkAuthorization` answer for one (object, action) pair, from the same rules
    /// the handlers enforce. Resource types and actions coderlite does not serve are false.
    pub fn authorize(&self, obj: &AuthObject, action: &str) -> bool {
        let owner = obj.owner_id.as_deref();
        let own = owner == Some(self.user_id.as_str());
        // The organizations to try: the named one, any the caller belongs to, or none (a
        // site-wide check).
        let orgs: Vec<String> = match (&obj.org_id, obj.any_org) {
            (Some(o), _) => vec![o.clone()],
            (None, true) => self.org_roles.keys().cloned().collect(),
            (None, false) => Vec::new(),
        };
        let in_org = |f: &dyn Fn(&str) -> bool| orgs.iter().any(|o| f(o));
        match (obj.resource_type.as_str(), action) {
            ("user", "read") => own || self.can_read_all_users(),
            ("user", "read_personal" | "update_personal") => own || self.is_owner(),
            ("user", "create" | "update" | "delete") => self.can_manage_users(),
            ("organization", "read") => {
                self.can_read_all_users() || in_org(&|o| self.can_read_org(o))
            }
            ("organization", "create") => self.can_create_org(),
            ("organization", "update" | "delete") => {
                self.is_owner() || in_org(&|o| self.can_update_org(o))
            }
            ("organization_member", "read") => {
                self.can_read_all_users() || in_org(&|o| self.can_read_members(o))
            }
            ("organization_member", "create" | "update" | "delete") => {
                self.is_owner()
                    || self.has_site(USER_ADMIN)
                    || in_org(&|o| self.can_manage_members(o))
            }
            ("api_key", "read" | "create" | "update" | "delete") => match owner {
                Some(o) => self.can_manage_keys_of(o),
                None => self.is_owner(),
            },
            ("audit_log" | "connection_log", "read") => match self.audit_scope() {
                AuditScope::All => true,
                AuditScope::Orgs(list) => in_org(&|o| list.iter().any(|l| l == o)),
                AuditScope::None => false,
            },
            ("audit_log", "create") | ("connection_log", "update") => self.is_owner(),
            ("assign_role", "read") => self.can_read_site_roles(),
            ("assign_role", "assign" | "unassign") => {
                self.can_assign_site_role(MEMBER) || self.can_assign_site_role(AUDITOR)
            }
            ("assign_org_role", "read") => {
                self.can_read_all_users() || in_org(&|o| self.can_read_org_roles(o))
            }
            ("assign_org_role", "assign" | "unassign") => {
                self.is_owner()
                    || self.has_site(USER_ADMIN)
                    || in_org(&|o| self.can_manage_members(o))
            }
            ("workspace", "read") => match owner {
                _ if self.can_read_all_workspaces() => true,
                Some(_) if own => true,
                _ => in_org(&|o| self.workspace_read_orgs().iter().any(|w| w == o)),
            },
            ("workspace", "create") => {
                let who = owner.unwrap_or(&self.user_id);
                self.is_owner() || in_org(&|o| self.can_create_workspace_for(o, who))
            }
            ("workspace", "update" | "delete" | "start" | "stop") => {
                let who = owner.unwrap_or("");
                self.is_owner() || own || in_org(&|o| self.can_update_workspace(o, who))
            }
            ("aibridge_interception", "read") => own || self.can_read_all_interceptions(),
            ("aibridge_interception", "create") => self.is_owner(),
            ("license" | "deployment_config" | "system", _) => self.can_manage_deployment(),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(site: &[&str], orgs: &[(&str, &[&str])]) -> Subject {
        Subject {
            user_id: "me".into(),
            site_roles: site.iter().map(|s| s.to_string()).collect(),
            org_roles: orgs
                .iter()
                .map(|(o, rs)| (o.to_string(), rs.iter().map(|s| s.to_string()).collect()))
                .collect(),
        }
    }

    #[test]
    fn audit_scopes() {
        assert_eq!(subject(&[OWNER], &[]).audit_scope(), AuditScope::All);
        assert_eq!(subject(&[AUDITOR], &[]).audit_scope(), AuditScope::All);
        assert_eq!(
            subject(&[USER_ADMIN], &[("o", &[])]).audit_scope(),
            AuditScope::None
        );
        assert_eq!(
            subject(&[], &[("o", &[ORG_AUDITOR]), ("p", &[])]).audit_scope(),
            AuditScope::Orgs(vec!["o".into()])
        );
        assert_eq!(
            subject(&[], &[("o", &[ORG_ADMIN]), ("p", &[])]).connection_log_scope(),
            AuditScope::Orgs(vec!["o".into()])
        );
        assert_eq!(
            subject(&[TEMPLATE_ADMIN], &[("o", &[])]).connection_log_scope(),
            AuditScope::None
        );
    }

    #[test]
    fn workspace_reads_follow_coder_roles() {
        assert!(subject(&[TEMPLATE_ADMIN], &[]).can_read_workspace("o", "x"));
        assert!(!subject(&[AUDITOR], &[]).can_read_workspace("o", "x"));
        assert!(!subject(&[USER_ADMIN], &[]).can_read_workspace("o", "x"));
        assert!(!subject(&[], &[("o", &[ORG_AUDITOR])]).can_read_workspace("o", "x"));
        assert!(subject(&[], &[("o", &[ORG_ADMIN])]).can_read_workspace("o", "x"));
        assert!(subject(&[], &[("o", &[ORG_TEMPLATE_ADMIN])]).can_read_workspace("o", "x"));
        assert!(subject(&[AUDITOR], &[]).can_read_workspace("o", "me"));
    }

    #[test]
    fn authcheck_follows_the_handlers() {
        let obj = |t: &str, owner: Option<&str>, org: Option<&str>, any: bool| AuthObject {
            resource_type: t.into(),
            owner_id: owner.map(str::to_string),
            org_id: org.map(str::to_string),
            any_org: any,
        };
        let owner = subject(&[OWNER], &[]);
        let member = subject(&[], &[("o", &[])]);
        let org_admin = subject(&[], &[("o", &[ORG_ADMIN])]);
        let auditor = subject(&[AUDITOR], &[]);
        assert!(owner.authorize(&obj("user", None, None, false), "delete"));
        assert!(!member.authorize(&obj("user", None, None, false), "read"));
        assert!(member.authorize(&obj("user", Some("me"), None, false), "read"));
        assert!(member.authorize(&obj("api_key", Some("me"), None, false), "create"));
        assert!(!member.authorize(&obj("api_key", Some("x"), None, false), "read"));
        assert!(auditor.authorize(&obj("audit_log", None, None, false), "read"));
        assert!(!member.authorize(&obj("audit_log", None, None, false), "read"));
        assert!(org_admin.authorize(&obj("audit_log", None, Some("o"), false), "read"));
        assert!(org_admin.authorize(&obj("audit_log", None, None, true), "read"));
        assert!(!org_admin.authorize(&obj("audit_log", None, Some("p"), false), "read"));
        assert!(auditor.authorize(&obj("connection_log", None, None, false), "read"));
        assert!(!member.authorize(&obj("connection_log", None, None, false), "read"));
        assert!(org_admin.authorize(&obj("connection_log", None, Some("o"), false), "read"));
        assert!(!org_admin.authorize(&obj("connection_log", None, Some("p"), false), "read"));
        assert!(!auditor.authorize(&obj("connection_log", None, None, false), "update"));
        assert!(!org_admin.authorize(&obj("audit_log", None, None, false), "read"));
        assert!(org_admin.authorize(&obj("organization", None, Some("o"), false), "update"));
        assert!(!member.authorize(&obj("organization", None, Some("o"), false), "update"));
        assert!(member.authorize(&obj("organization", None, Some("o"), false), "read"));
        assert!(!member.authorize(&obj("template", None, None, false), "read"));
        assert!(!owner.authorize(&obj("user", None, None, false), "fly"));
        assert!(owner.authorize(&obj("deployment_config", None, None, false), "read"));
        assert!(!auditor.authorize(&obj("workspace", Some("x"), Some("o"), false), "read"));
    }

    #[test]
    fn role_assignment() {
        assert!(subject(&[OWNER], &[]).can_assign_site_role(AUDITOR));
        assert!(!subject(&[USER_ADMIN], &[]).can_assign_site_role(OWNER));
        assert!(subject(&[], &[("o", &[ORG_ADMIN])]).can_assign_org_role("o", ORG_AUDITOR));
        assert!(!subject(&[], &[("o", &[ORG_ADMIN])]).can_assign_org_role("p", ORG_AUDITOR));
        assert!(!subject(&[], &[("o", &[ORG_USER_ADMIN])]).can_assign_org_role("o", ORG_ADMIN));
    }
}
