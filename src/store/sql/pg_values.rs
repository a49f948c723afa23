//! Values across PostgreSQL's wire: store values bound as the types a statement asks for,
//! and columns of the types the store uses read back as store values.

use super::error::{DbError, DbResult};
use super::value::Value;
use bytes::BytesMut;
use postgres::types::{to_sql_checked, IsNull, ToSql, Type};

/// The PostgreSQL type a value binds as when the statement leaves it open.
pub(super) fn value_type(v: &Value) -> Type {
    match v {
        Value::Integer(_) => Type::INT8,
        Value::Real(_) => Type::FLOAT8,
        Value::Blob(_) => Type::BYTEA,
        Value::Null | Value::Text(_) => Type::TEXT,
    }
}

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Integer(i) => match *ty {
                Type::BOOL => (*i != 0).to_sql(ty, out),
                Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
                Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
                Type::INT8 => i.to_sql(ty, out),
                Type::FLOAT8 => (*i as f64).to_sql(ty, out),
                Type::TEXT | Type::VARCHAR => i.to_string().to_sql(ty, out),
                _ => Err(format!("an integer cannot be bound to a {ty} parameter").into()),
            },
            Value::Real(r) => match *ty {
                Type::FLOAT8 => r.to_sql(ty, out),
                Type::FLOAT4 => (*r as f32).to_sql(ty, out),
                _ => Err(format!("a real cannot be bound to a {ty} parameter").into()),
            },
            // PostgreSQL's text cannot hold U+0000 (SQLite's can): a read looks for it as
            // U+FFFD (a write never gets here with one: `PgConn::execute` refuses it).
            Value::Text(s) if s.contains('\0') => s.replace('\0', "\u{FFFD}").to_sql(ty, out),
            Value::Text(s) => s.as_str().to_sql(ty, out),
            Value::Blob(b) => b.as_slice().to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// Column `idx` of a PostgreSQL row as a store value. Booleans read as integers 0/1, as they
/// are stored on SQLite; a type the store does not use is an error naming it.
pub fn column(row: &postgres::Row, idx: usize) -> DbResult<Value> {
    let decode = |e: postgres::Error| DbError::Decode {
        idx,
        msg: e.to_string(),
    };
    let ty = row
        .columns()
        .get(idx)
        .ok_or_else(|| DbError::Decode {
            idx,
            msg: "no such column".into(),
        })?
        .type_()
        .clone();
    let v = match ty {
        Type::BOOL => row
            .try_get::<_, Option<bool>>(idx)
            .map_err(decode)?
            .map(|b| Value::Integer(i64::from(b))),
        Type::INT2 => row
            .try_get::<_, Option<i16>>(idx)
            .map_err(decode)?
            .map(|i| Value::Integer(i.into())),
        Type::INT4 => row
            .try_get::<_, Option<i32>>(idx)
            .map_err(decode)?
            .map(|i| Value::Integer(i.into())),
        Type::INT8 => row
            .try_get::<_, Option<i64>>(idx)
            .map_err(decode)?
            .map(Value::Integer),
        Type::FLOAT4 => row
            .try_get::<_, Option<f32>>(idx)
            .map_err(decode)?
            .map(|f| Value::Real(f.into())),
        Type::FLOAT8 => row
            .try_get::<_, Option<f64>>(idx)
            .map_err(decode)?
            .map(Value::Real),
        Type::BYTEA => row
            .try_get::<_, Option<Vec<u8>>>(idx)
            .map_err(decode)?
            .map(Value::Blob),
        // `sum()` of integers is NUMERIC on PostgreSQL: read back as SQLite gives it.
        Type::NUMERIC => row
            .try_get::<_, Option<Numeric>>(idx)
            .map_err(decode)?
            .map(|n| n.0),
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => row
            .try_get::<_, Option<String>>(idx)
            .map_err(decode)?
            .map(Value::Text),
        ty => {
            return Err(DbError::Decode {
                idx,
                msg: format!("type {ty} is not read by the store (cast it in SQL)"),
            })
        }
    };
    Ok(v.unwrap_or(Value::Null))
}

/// A NUMERIC column: an integer when it has no fraction (and fits), else a real.
struct Numeric(Value);

impl<'a> postgres::types::FromSql<'a> for Numeric {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        // Binary NUMERIC: ndigits, weight, sign, dscale (i16 each), then base-10000 digits.
        let word = |i: usize| -> Result<i16, String> {
            raw.get(i * 2..i * 2 + 2)
                .map(|b| i16::from_be_bytes([b[0], b[1]]))
                .ok_or_else(|| "truncated numeric".to_string())
        };
        let (ndigits, weight, sign) = (word(0)?, word(1)?, word(2)? as u16);
        if sign == 0xC000 {
            return Ok(Numeric(Value::Real(f64::NAN)));
        }
        let mut int: i128 = 0;
        let mut real: f64 = 0.0;
        let mut integral = true;
        for k in 0..ndigits.max(0) as usize {
            let d = word(4 + k)?;
            let power = i32::from(weight) - k as i32;
            real += f64::from(d) * 10000f64.powi(power);
            if power >= 0 {
                int = int
                    .checked_mul(10000)
                    .and_then(|v| v.checked_add(i128::from(d)))
                    .unwrap_or(i128::MAX);
            } else if d != 0 {
                integral = false;
            }
        }
        if integral && i32::from(weight) >= i32::from(ndigits) {
            for _ in 0..(i32::from(weight) - i32::from(ndigits) + 1) {
                int = int.checked_mul(10000).unwrap_or(i128::MAX);
            }
        }
        let negative = sign == 0x4000;
        Ok(Numeric(
            match i64::try_from(if negative { -int } else { int }) {
                Ok(i) if integral => Value::Integer(i),
                _ => Value::Real(if negative { -real } else { real }),
            },
        ))
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::NUMERIC
    }
}
