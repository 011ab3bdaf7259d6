//! AWS credentials as the signer consumes them.

use std::fmt;
use std::hash::{DefaultHasher, Hasher};
use std::sync::OnceLock;
use std::time::SystemTime;

use crate::secret::SecretString;

/// An access key pair, with the session token that temporary credentials carry.
///
/// `Debug` shows the access key id (it is an identifier, not a secret, and
/// is what you need to tell two credentials apart in a log) and hides the
/// secret key and the token.
#[derive(Clone)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: SecretString,
    session_token: Option<SecretString>,
    expiration: Option<SystemTime>,
    account_id: Option<String>,
    /// A fingerprint of the secret key, worked out on first use and kept:
    /// see [`secret_fingerprint`](Self::secret_fingerprint).
    secret_fingerprint: OnceLock<u64>,
}

/// Equal when every part is; the kept fingerprint is not a part.
impl PartialEq for Credentials {
    fn eq(&self, other: &Self) -> bool {
        self.access_key_id == other.access_key_id
            && self.secret_access_key == other.secret_access_key
            && self.session_token == other.session_token
            && self.expiration == other.expiration
            && self.account_id == other.account_id
    }
}

impl Eq for Credentials {}

impl Credentials {
    /// Long-term or temporary credentials. An empty `session_token` is
    /// treated as none, as the AWS SDKs do.
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<SecretString>,
        session_token: Option<SecretString>,
    ) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token: session_token.filter(|t| !t.is_empty()),
            expiration: None,
            account_id: None,
            secret_fingerprint: OnceLock::new(),
        }
    }

    /// A 64-bit fingerprint of the secret key, so that a kept signing key
    /// can tell when the secret behind its access key id changed: AWS never
    /// reuses an id, but a corrected credentials file or an emulator (moto,
    /// LocalStack) may. Worked out once per credentials, so a client that
    /// checks its kept key before every signature pays for it once. Not a
    /// way to learn the secret: 64 bits of a keyless hash of a 240-bit
    /// random secret.
    pub(crate) fn secret_fingerprint(&self) -> u64 {
        *self.secret_fingerprint.get_or_init(|| {
            let mut hasher = DefaultHasher::new();
            hasher.write(self.secret_access_key.expose().as_bytes());
            hasher.finish()
        })
    }

    /// The same credentials, known to belong to the account `account_id`
    /// (from `AWS_ACCOUNT_ID`, a profile's `aws_account_id`, a
    /// `credential_process`'s `AccountId`, or the ARN of an assumed role),
    /// for the account-based endpoints of other services. An empty id is
    /// treated as none.
    pub fn with_account_id(mut self, account_id: impl Into<String>) -> Self {
        let account_id = account_id.into();
        self.account_id = (!account_id.is_empty()).then_some(account_id);
        self
    }

    /// The account the credentials belong to, if known.
    pub fn account_id(&self) -> Option<&str> {
        self.account_id.as_deref()
    }

    /// The same credentials, valid until `expiration`.
    pub fn with_expiration(mut self, expiration: SystemTime) -> Self {
        self.expiration = Some(expiration);
        self
    }

    /// The access key id (`AKIA…` or `ASIA…`).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The secret access key.
    pub fn secret_access_key(&self) -> &SecretString {
        &self.secret_access_key
    }

    /// The session token of temporary credentials.
    pub fn session_token(&self) -> Option<&SecretString> {
        self.session_token.as_ref()
    }

    /// When temporary credentials stop working, if known.
    pub fn expiration(&self) -> Option<SystemTime> {
        self.expiration
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &self.secret_access_key)
            .field("session_token", &self.session_token)
            .field("expiration", &self.expiration)
            .field("account_id", &self.account_id)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_when_every_part_is_whatever_the_kept_fingerprint() {
        let time = SystemTime::UNIX_EPOCH;
        let full = |id: &str, secret: &str, token: &str, expiry: u64, account: &str| {
            Credentials::new(id, secret, Some(token.into()))
                .with_expiration(time + std::time::Duration::from_secs(expiry))
                .with_account_id(account)
        };
        let base = full("AKID", "secret", "token", 1, "123456789012");
        let same = full("AKID", "secret", "token", 1, "123456789012");
        // A fingerprint worked out on one side only is not a difference.
        base.secret_fingerprint();
        assert_eq!(base, same);
        for other in [
            full("AKID2", "secret", "token", 1, "123456789012"),
            full("AKID", "secret2", "token", 1, "123456789012"),
            full("AKID", "secret", "token2", 1, "123456789012"),
            full("AKID", "secret", "token", 2, "123456789012"),
            full("AKID", "secret", "token", 1, "210987654321"),
            Credentials::new("AKID", "secret", Some("token".into())),
        ] {
            assert_ne!(base, other, "{other:?}");
        }
    }

    #[test]
    fn debug_hides_secrets() {
        let c = Credentials::new("AKID", "SECRETKEY", Some("TOKENVALUE".into()));
        let dbg = format!("{c:?}");
        assert!(dbg.contains("AKID"));
        assert!(!dbg.contains("SECRETKEY"));
        assert!(!dbg.contains("TOKENVALUE"));
    }

    #[test]
    fn account_id_is_optional_and_never_empty() {
        let c = Credentials::new("AKID", "S", None);
        assert_eq!(c.account_id(), None);
        assert_eq!(
            c.clone().with_account_id("123456789012").account_id(),
            Some("123456789012")
        );
        assert_eq!(c.with_account_id("").account_id(), None);
    }

    #[test]
    fn empty_session_token_is_none() {
        let c = Credentials::new("AKID", "S", Some("".into()));
        assert!(c.session_token().is_none());
    }
}
