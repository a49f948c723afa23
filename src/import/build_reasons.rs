//! The denormalised `audit_logs.build_reason`: for a `workspace_build` row the reason of that
//! build, for a workspace `create` row the reason of build #1 of that workspace. Collected
//! while the builds are loaded, looked up while the audit rows are.

use std::collections::HashMap;

#[derive(Default)]
pub struct BuildReasons {
    names: Vec<String>,
    by_build: HashMap<u128, u16>,
    first_by_workspace: HashMap<u128, u16>,
}

fn key(uuid: &str) -> Option<u128> {
    uuid::Uuid::parse_str(uuid).ok().map(|u| u.as_u128())
}

impl BuildReasons {
    fn intern(&mut self, reason: &str) -> u16 {
        match self.names.iter().position(|n| n == reason) {
            Some(i) => i as u16,
            None => {
                self.names.push(reason.to_string());
                (self.names.len() - 1) as u16
            }
        }
    }

    pub fn record(&mut self, build_id: &str, workspace_id: &str, build_number: i64, reason: &str) {
        let r = self.intern(reason);
        if let Some(b) = key(build_id) {
            self.by_build.insert(b, r);
        }
        if build_number == 1 {
            if let Some(w) = key(workspace_id) {
                self.first_by_workspace.insert(w, r);
            }
        }
    }

    /// The reason to store on an audit row, if any.
    pub fn for_audit(&self, resource_type: &str, action: &str, resource_id: &str) -> Option<&str> {
        let idx = match (resource_type, action) {
            ("workspace_build", _) => self.by_build.get(&key(resource_id)?),
            ("workspace", "create") => self.first_by_workspace.get(&key(resource_id)?),
            _ => None,
        }?;
        self.names.get(usize::from(*idx)).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn looks_up_build_and_first_build() {
        let mut r = BuildReasons::default();
        let ws = "eb47f4d6-ca69-4d14-92cd-9df4f1f9266f";
        let b1 = "062775a5-a3cf-4ee3-beab-cf0cfe143eb5";
        let b2 = "75c90faa-a92e-488e-af7e-7dc582f8b7eb";
        r.record(b1, ws, 1, "initiator");
        r.record(b2, ws, 2, "autostop");
        assert_eq!(
            r.for_audit("workspace_build", "start", b2),
            Some("autostop")
        );
        assert_eq!(r.for_audit("workspace", "create", ws), Some("initiator"));
        assert_eq!(r.for_audit("workspace", "write", ws), None);
        assert_eq!(r.for_audit("workspace_build", "start", ws), None);
        assert_eq!(r.for_audit("user", "create", b1), None);
    }
}
