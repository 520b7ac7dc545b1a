//! `tipx keys`: create, list, revoke and rotate API keys on the server's store (also while the
//! server runs: SQLite in WAL mode takes the write). Secrets come from the operating system's
//! random generator and are printed once.

use std::io::Write;

use anyhow::Context;
use chrono::Utc;

use tipx_schema::core::keys::{self, ApiKey, NewKey, Secret};
use tipx_schema::core::{Actor, Role};
use tipx_schema::ids::CountryCode;
use tipx_schema::store::Store;

/// `n` random bytes from the operating system.
pub fn random<const N: usize>() -> anyhow::Result<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes)
        .map_err(|e| anyhow::anyhow!("the operating system gave no random bytes: {e}"))?;
    Ok(bytes)
}

/// Randomness for secrets made through the API (admins' `createApiKey`, `rotateApiKey`).
pub struct OsEntropy;

impl tipx_schema::graphql::Entropy for OsEntropy {
    fn bytes(&self) -> Option<[u8; 36]> {
        random().ok()
    }
}

/// Who the command line acts as.
fn operator() -> Actor {
    Actor::system("tipx keys")
}

fn print_secret(out: &mut impl Write, key: &ApiKey, secret: &Secret) -> anyhow::Result<()> {
    writeln!(out, "{}", describe(key))?;
    writeln!(
        out,
        "secret (shown once; give it to the key holder over a safe channel):\n  {}",
        secret.0
    )?;
    writeln!(
        out,
        "use it as: curl -H 'Authorization: Bearer {}' …/graphql",
        secret.0
    )?;
    Ok(())
}

/// One line per key: id, prefix, role, organisation, countries, dates.
pub fn describe(key: &ApiKey) -> String {
    let countries = if key.countries.is_empty() {
        "all countries".to_owned()
    } else {
        key.countries
            .iter()
            .map(CountryCode::as_str)
            .collect::<Vec<_>>()
            .join(",")
    };
    let state = match key.revoked_at {
        Some(at) => format!("revoked {}", at.format("%Y-%m-%d %H:%M UTC")),
        None => "active".to_owned(),
    };
    format!(
        "{}  {}…  {:<11}  {}  [{}]  created {}  {state}",
        key.id,
        key.prefix,
        key.role.code().to_lowercase(),
        key.organisation,
        countries,
        key.created_at.format("%Y-%m-%d"),
    )
}

pub async fn create(
    store: &dyn Store,
    role: Role,
    organisation: String,
    countries: Vec<CountryCode>,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let (key, secret) = keys::create_key(
        store,
        store,
        &operator(),
        NewKey {
            role,
            organisation,
            countries,
        },
        random()?,
        Utc::now(),
    )
    .await
    .context("creating the key")?;
    tracing::info!(key.id = %key.id, key.prefix = %key.prefix, role = key.role.code(), "key created");
    print_secret(out, &key, &secret)
}

pub async fn list(store: &dyn Store, out: &mut impl Write) -> anyhow::Result<()> {
    let all = keys::list_keys(store, &operator()).await?;
    if all.is_empty() {
        writeln!(
            out,
            "no keys yet: tipx keys create --role contributor --country NG --org \"…\""
        )?;
    }
    for key in &all {
        writeln!(out, "{}", describe(key))?;
    }
    Ok(())
}

pub async fn revoke(store: &dyn Store, id: &str, out: &mut impl Write) -> anyhow::Result<()> {
    let key = keys::revoke_key(store, &operator(), id, Utc::now()).await?;
    tracing::info!(key.id = %key.id, "key revoked");
    writeln!(out, "{}", describe(&key))?;
    Ok(())
}

pub async fn rotate(store: &dyn Store, id: &str, out: &mut impl Write) -> anyhow::Result<()> {
    let (key, secret) = keys::rotate_key(store, &operator(), id, random()?).await?;
    tracing::info!(key.id = %key.id, key.prefix = %key.prefix, "key rotated");
    print_secret(out, &key, &secret)
}
