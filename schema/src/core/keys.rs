//! API keys: who may write. A key carries a role, an organisation and, for a contributor, the
//! countries it speaks for.
//!
//! The secret (`tipx_` then 43 characters: 256 random bits, so secret scanners can spot it) is
//! shown once, when the key is created or rotated, and stored only as its SHA-256 hash. Logs
//! and listings show the key's id and the secret's first characters (its prefix), never the
//! secret. A request sends it as `Authorization: Bearer tipx_…`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::actor::{Actor, Role};
use super::error::{CoreError, CoreResult};
use super::rules::contact_detail;
use crate::ids::CountryCode;
use crate::store::{Keys, ReferenceData};

/// What every secret starts with.
pub const SECRET_PREFIX: &str = "tipx_";
/// How many characters of the secret listings and logs show.
pub const SHOWN_PREFIX_CHARS: usize = 12;
/// The longest organisation name.
pub const MAX_ORGANISATION_CHARS: usize = 200;
/// The most countries one key may speak for.
pub const MAX_KEY_COUNTRIES: usize = 50;

/// A key as stored and listed: everything but the secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKey {
    /// `key_` and eight hex digits.
    pub id: String,
    /// The secret's first characters, e.g. `tipx_3fA9c1x`.
    pub prefix: String,
    pub role: Role,
    pub organisation: String,
    pub countries: Vec<CountryCode>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ApiKey {
    /// The actor a request with this key acts as.
    pub fn actor(&self) -> Actor {
        Actor {
            role: self.role,
            organisation: Some(self.organisation.clone()),
            countries: self.countries.clone(),
            key_id: Some(self.id.clone()),
        }
    }
}

/// A secret, shown once.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// The stored form of a secret.
pub fn hash_secret(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn secret_from(random: &[u8; 32]) -> Secret {
    Secret(format!("{SECRET_PREFIX}{}", URL_SAFE_NO_PAD.encode(random)))
}

fn shown_prefix(secret: &Secret) -> String {
    secret.0.chars().take(SHOWN_PREFIX_CHARS).collect()
}

/// What a new key is for.
#[derive(Clone, Debug)]
pub struct NewKey {
    pub role: Role,
    pub organisation: String,
    pub countries: Vec<CountryCode>,
}

/// Creates a key. `random` is 36 bytes from the operating system's generator (the core does
/// no IO): 32 for the secret, 4 for the id. Only admins and the system (the `tipx keys`
/// command) create keys.
pub async fn create_key(
    store: &(dyn Keys + Sync),
    reference: &dyn ReferenceData,
    actor: &Actor,
    new: NewKey,
    random: [u8; 36],
    now: DateTime<Utc>,
) -> CoreResult<(ApiKey, Secret)> {
    require_key_admin(actor)?;
    let organisation = new.organisation.trim().to_owned();
    let mut problems = Vec::new();
    let count = organisation.chars().count();
    if count == 0 || count > MAX_ORGANISATION_CHARS {
        problems.push(format!(
            "the organisation needs 1 to {MAX_ORGANISATION_CHARS} characters (has {count})"
        ));
    }
    if contact_detail(&organisation).is_some() {
        problems.push("the organisation is a name, not contact details".to_owned());
    }
    let mut countries = new.countries.clone();
    countries.sort();
    countries.dedup();
    match new.role {
        Role::Contributor if countries.is_empty() => {
            problems.push("a contributor key needs at least one country".to_owned())
        }
        Role::Contributor | Role::Partner | Role::Moderator | Role::Admin => {}
        Role::Public | Role::System => problems.push(format!(
            "keys are for contributors, partners, moderators and admins, not {}",
            new.role.code().to_lowercase()
        )),
    }
    if new.role != Role::Contributor && !countries.is_empty() {
        problems.push(format!(
            "a {} key covers every country: give no --country",
            new.role.code().to_lowercase()
        ));
    }
    if countries.len() > MAX_KEY_COUNTRIES {
        problems.push(format!(
            "a key covers at most {MAX_KEY_COUNTRIES} countries"
        ));
    }
    if !countries.is_empty() {
        let known = reference.countries(&countries).await?;
        for code in &countries {
            if !known.iter().any(|c| c.code == *code) {
                problems.push(format!("unknown country code '{code}'"));
            }
        }
    }
    if !problems.is_empty() {
        return Err(CoreError::BadInput(problems.join("; ")));
    }
    let (secret_bytes, id_bytes) = random.split_at(32);
    let secret = secret_from(secret_bytes.try_into().expect("32 bytes"));
    let key = ApiKey {
        id: format!(
            "key_{}",
            id_bytes
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        ),
        prefix: shown_prefix(&secret),
        role: new.role,
        organisation,
        countries,
        created_at: now,
        revoked_at: None,
    };
    store.insert_key(&key, &hash_secret(&secret.0)).await?;
    Ok((key, secret))
}

/// Every key, newest first.
pub async fn list_keys(store: &(dyn Keys + Sync), actor: &Actor) -> CoreResult<Vec<ApiKey>> {
    require_key_admin(actor)?;
    Ok(store.list_keys().await?)
}

/// Revokes a key: from now on it is refused with `UNAUTHENTICATED`.
pub async fn revoke_key(
    store: &(dyn Keys + Sync),
    actor: &Actor,
    id: &str,
    now: DateTime<Utc>,
) -> CoreResult<ApiKey> {
    require_key_admin(actor)?;
    let key = find(store, id).await?;
    if key.revoked_at.is_some() {
        return Ok(key);
    }
    store.revoke_key(id, now).await?;
    find(store, id).await
}

/// Gives a key a new secret (same id, role, organisation and countries); the old secret stops
/// working at once. A revoked key cannot be rotated.
pub async fn rotate_key(
    store: &(dyn Keys + Sync),
    actor: &Actor,
    id: &str,
    random: [u8; 32],
) -> CoreResult<(ApiKey, Secret)> {
    require_key_admin(actor)?;
    let key = find(store, id).await?;
    if key.revoked_at.is_some() {
        return Err(CoreError::BadInput(format!(
            "key {id} is revoked; create a new one"
        )));
    }
    let secret = secret_from(&random);
    store
        .replace_key_secret(id, &hash_secret(&secret.0), &shown_prefix(&secret))
        .await?;
    Ok((find(store, id).await?, secret))
}

async fn find(store: &(dyn Keys + Sync), id: &str) -> CoreResult<ApiKey> {
    store
        .list_keys()
        .await?
        .into_iter()
        .find(|k| k.id == id)
        .ok_or_else(|| CoreError::NotFound(format!("no key with id '{id}' (see tipx keys list)")))
}

fn require_key_admin(actor: &Actor) -> CoreResult<()> {
    match actor.role {
        Role::Admin | Role::System => Ok(()),
        Role::Public => Err(CoreError::Unauthenticated(
            "managing keys needs an admin key: Authorization: Bearer tipx_…".into(),
        )),
        _ => Err(CoreError::Forbidden(
            "only admins manage keys (or tipx keys on the server)".into(),
        )),
    }
}

/// Who a request acts as: the public without an `Authorization` header, the key's actor with a
/// valid `Bearer` key, and `UNAUTHENTICATED` for anything else (a malformed header, an unknown
/// or revoked key), never silently the public.
pub async fn authenticate(
    store: &(dyn Keys + Sync),
    authorization: Option<&str>,
) -> CoreResult<Actor> {
    let Some(header) = authorization else {
        return Ok(Actor::public());
    };
    let unauthenticated = || {
        CoreError::Unauthenticated(
            "the key is not valid: send Authorization: Bearer tipx_… with a key that is not \
             revoked"
                .into(),
        )
    };
    let secret = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|s| s.starts_with(SECRET_PREFIX) && s.len() <= 100)
        .ok_or_else(unauthenticated)?;
    // The lookup is by hash, so comparing secrets never happens character by character.
    match store.key_by_hash(&hash_secret(secret)).await? {
        Some(key) if key.revoked_at.is_none() => Ok(key.actor()),
        _ => Err(unauthenticated()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_have_256_bits_a_recognisable_prefix_and_a_redacted_debug() {
        let s = secret_from(&[7u8; 32]);
        assert!(s.0.starts_with("tipx_"));
        assert_eq!(s.0.len(), 5 + 43);
        assert_eq!(format!("{s:?}"), "Secret(<redacted>)");
        assert_eq!(shown_prefix(&s).len(), SHOWN_PREFIX_CHARS);
        assert_ne!(hash_secret(&s.0), s.0);
        assert_eq!(hash_secret(&s.0).len(), 64);
    }
}
