//! Audit diffs as Coder builds them: only changed tracked fields, `{old, new, secret}`, with
//! secret fields reduced to `{"secret": true}` (their zero values are omitted) and ignored
//! fields never present.

use serde_json::{json, Map, Value};

/// Which fields of a resource appear in its diff.
pub struct Fields {
    pub track: &'static [&'static str],
    pub secret: &'static [&'static str],
}

fn is_zero(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::String(s) => s.is_empty(),
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
    }
}

/// Diff between two JSON objects (use `Value::Null` for "did not exist").
pub fn compute(old: &Value, new: &Value, fields: &Fields) -> Map<String, Value> {
    let mut out = Map::new();
    let get = |v: &Value, k: &str| v.get(k).cloned().unwrap_or(Value::Null);
    for &k in fields.track {
        let (o, n) = (get(old, k), get(new, k));
        // Go compares typed values: "did not exist" (null) and an empty value are the same
        // zero value, so a created or deleted resource lists only its non-empty fields.
        if o != n && !(is_zero(&o) && is_zero(&n)) {
            let mut entry = Map::new();
            if !is_zero(&o) {
                entry.insert("old".into(), o);
            }
            if !is_zero(&n) {
                entry.insert("new".into(), n);
            }
            entry.insert("secret".into(), Value::Bool(false));
            out.insert(k.to_string(), Value::Object(entry));
        }
    }
    for &k in fields.secret {
        let (o, n) = (get(old, k), get(new, k));
        if o != n && !(is_zero(&o) && is_zero(&n)) {
            out.insert(k.to_string(), json!({"secret": true}));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: Fields = Fields {
        track: &["name", "status"],
        secret: &["hashed_password"],
    };

    #[test]
    fn only_changes() {
        let old =
            json!({"name": "a", "status": "active", "hashed_password": "x", "avatar_url": "1"});
        let new =
            json!({"name": "b", "status": "active", "hashed_password": "y", "avatar_url": "2"});
        let d = compute(&old, &new, &F);
        assert_eq!(
            Value::Object(d),
            json!({"name": {"old": "a", "new": "b", "secret": false}, "hashed_password": {"secret": true}})
        );
    }

    #[test]
    fn creation_lists_only_non_empty_fields() {
        let new = json!({"name": "", "status": "active", "hashed_password": "x"});
        let d = compute(&Value::Null, &new, &F);
        assert_eq!(
            Value::Object(d),
            json!({"status": {"new": "active", "secret": false}, "hashed_password": {"secret": true}})
        );
        let d = compute(&json!({"name": null}), &json!({"name": ""}), &F);
        assert!(d.is_empty(), "{d:?}");
    }
}
