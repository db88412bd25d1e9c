//! Officer tokens (`anbei officer add`): shown once, stored as SHA-256 only.

use crate::auth::Scope;
use crate::lifecycle::Role;
use crate::store::{Officer, Store};

/// Creates an officer and returns the token to hand over (it is not stored).
pub async fn add(
    store: &dyn Store,
    engine: &anbei_core::Engine,
    name: &str,
    street: &str,
    role: &str,
    now: String,
) -> Result<String, String> {
    let role: Role = role.parse().map_err(|_| {
        let roles: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
        format!("role must be one of {}, not {role:?}", roles.join(", "))
    })?;
    if Scope::parse(street) == Scope::Every {
        if role != Role::Admin {
            return Err("only an admin may cover every street (--street '*')".into());
        }
    } else if engine.street_index(street).is_none() {
        let known: Vec<&str> = engine.streets().iter().map(|s| s.code.as_str()).collect();
        return Err(format!(
            "unknown street {street:?}; one of: {}",
            known.join(", ")
        ));
    }
    let name = crate::validate::text(name, 50).map_err(|e| format!("name: {}", e.en))?;
    let (token, token_hash) = crate::signing::new_officer_token()?;
    store
        .add_officer(Officer {
            token_hash,
            name,
            street: street.to_owned(),
            role: role.as_str().to_owned(),
            created_at: now,
        })
        .await
        .map_err(|e| e.to_string())?;
    Ok(token)
}
