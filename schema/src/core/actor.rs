//! Who is asking. Every use-case function takes an [`Actor`].

use serde::{Deserialize, Serialize};

use crate::ids::CountryCode;

/// What an actor may do. Keys carry a role; a request without a key is [`Role::Public`].
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    /// No key: published records only.
    Public,
    /// A member state's focal point or an NGO: drafts and submissions for its own countries.
    Contributor,
    /// A partner system (a ministry's database, an NGO portal): reads what the public reads
    /// and registers webhooks for the changes it follows.
    Partner,
    /// Reviews submissions for every country: publishes, rejects, retracts.
    Moderator,
    /// Everything a moderator may do, and manages keys.
    Admin,
    /// tipx itself: the seed import, the indexer, maintenance commands.
    System,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Public => "PUBLIC",
            Role::Contributor => "CONTRIBUTOR",
            Role::Partner => "PARTNER",
            Role::Moderator => "MODERATOR",
            Role::Admin => "ADMIN",
            Role::System => "SYSTEM",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        [
            Role::Public,
            Role::Contributor,
            Role::Partner,
            Role::Moderator,
            Role::Admin,
            Role::System,
        ]
        .into_iter()
        .find(|r| r.code() == code)
    }
}

/// Who is asking: a role, the organisation it acts for (never a person's name) and, for a
/// contributor, the countries it speaks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub role: Role,
    /// Shown as who shared a record; `None` only for the public.
    pub organisation: Option<String>,
    /// The countries a contributor may write for (empty for other roles, which are not
    /// limited by country).
    pub countries: Vec<CountryCode>,
    /// The key's id, for logs and audit (never the secret).
    pub key_id: Option<String>,
}

impl Actor {
    /// Anyone, without a key.
    pub fn public() -> Actor {
        Actor {
            role: Role::Public,
            organisation: None,
            countries: Vec::new(),
            key_id: None,
        }
    }

    /// tipx itself, acting as `organisation` (e.g. "seed" for the seed import).
    pub fn system(organisation: &str) -> Actor {
        Actor {
            role: Role::System,
            organisation: Some(organisation.to_owned()),
            countries: Vec::new(),
            key_id: None,
        }
    }

    /// Whether the actor may see records that are not published (drafts, submissions,
    /// retracted records). Contributors see their own countries' only: see [`Actor::speaks_for`].
    pub fn sees_unpublished(&self) -> bool {
        matches!(self.role, Role::Moderator | Role::Admin | Role::System)
    }

    /// Whether the actor may write for a record about these countries: a contributor only when
    /// every country is one of its own (a global record has none, so no contributor speaks for
    /// it); moderators, admins and the system for any.
    pub fn speaks_for(&self, countries: &[CountryCode]) -> bool {
        match self.role {
            Role::Public | Role::Partner => false,
            Role::Contributor => {
                !countries.is_empty() && countries.iter().all(|c| self.countries.contains(c))
            }
            Role::Moderator | Role::Admin | Role::System => true,
        }
    }

    /// The organisation history records, "public" for no key.
    pub fn organisation_name(&self) -> &str {
        self.organisation.as_deref().unwrap_or("public")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ng() -> CountryCode {
        CountryCode::parse("NG").unwrap()
    }
    fn gh() -> CountryCode {
        CountryCode::parse("GH").unwrap()
    }

    #[test]
    fn a_contributor_speaks_only_for_its_own_countries() {
        let nigeria = Actor {
            role: Role::Contributor,
            organisation: Some("NAPTIP".into()),
            countries: vec![ng()],
            key_id: None,
        };
        assert!(nigeria.speaks_for(&[ng()]));
        assert!(!nigeria.speaks_for(&[gh()]));
        assert!(!nigeria.speaks_for(&[ng(), gh()]));
        assert!(
            !nigeria.speaks_for(&[]),
            "no contributor speaks for a global record"
        );
        assert!(!nigeria.sees_unpublished());
        assert!(!Actor::public().speaks_for(&[ng()]));
        assert!(Actor::system("seed").speaks_for(&[]));
    }

    #[test]
    fn role_codes_round_trip() {
        for role in [
            Role::Public,
            Role::Contributor,
            Role::Partner,
            Role::Moderator,
            Role::Admin,
            Role::System,
        ] {
            assert_eq!(Role::from_code(role.code()), Some(role));
        }
        assert_eq!(Role::from_code("ROOT"), None);
    }
}
