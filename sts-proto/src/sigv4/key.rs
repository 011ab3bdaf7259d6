//! The derived signing key, which callers keep between signatures.

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use zeroize::Zeroize;

use super::date::AmzDate;
use super::error::excerpt;
use super::{SigningError, SigningParams};
use crate::Credentials;
use crate::short_eq::short_eq;

type HmacSha256 = Hmac<Sha256>;

/// HMAC-SHA256's block size: keys are padded to it, longer ones hashed.
const BLOCK: usize = 64;

/// The key that signs every request of one access key, UTC day, region and
/// service.
///
/// Deriving it costs four HMACs, more than the rest of a signature, and
/// the inputs change at most daily, so it is meant to be kept (see
/// [`SigningKey::get_or_derive`]). It remembers what it was derived for and
/// refuses to sign anything else, so a kept key cannot silently produce a
/// signature the service rejects after midnight UTC.
///
/// The key is kept as an HMAC already keyed with it: the two blocks of
/// the padded key are compressed once here, not at every signature, which
/// then costs four SHA-256 blocks instead of six. Those two compressed
/// states stand for the key, so they are overwritten on drop (sha2's
/// `zeroize` feature) and never shown by `Debug`. It is
/// kept for one access key id and one secret (by a fingerprint of it, see
/// [`Credentials`](crate::Credentials)): AWS never reuses an id for a new
/// secret, but a corrected credentials file or an emulator may, and a key
/// kept for the old secret would sign every request wrongly until the day
/// ends.
#[derive(Clone)]
pub struct SigningKey {
    mac: HmacSha256,
    access_key_id: String,
    /// `date/region/service/aws4_request`, as the signature needs it.
    scope: String,
    /// Where region and service end in `scope`.
    region_end: usize,
    service_end: usize,
    /// The UTC day of the date in `scope`, counted from 1970-01-01.
    day: i64,
    /// The fingerprint of the secret the key was derived from.
    secret_fingerprint: u64,
}

impl SigningKey {
    /// Derives the key for the credentials, UTC date, region and service of
    /// `params`.
    pub fn derive(params: &SigningParams<'_>) -> Result<Self, SigningError> {
        check_scope_part("region", params.region)?;
        check_scope_part("service", params.service)?;
        check_credentials(params.credentials)?;
        let date = AmzDate::new(params.time)?;

        let mut scope = String::with_capacity(
            8 + params.region.len() + params.service.len() + "///aws4_request".len(),
        );
        scope.push_str(date.date());
        scope.push('/');
        scope.push_str(params.region);
        let region_end = scope.len();
        scope.push('/');
        scope.push_str(params.service);
        let service_end = scope.len();
        scope.push_str("/aws4_request");

        #[cfg(test)]
        tests::DERIVATIONS.with(|n| n.set(n.get() + 1));
        let secret = params.credentials.secret_access_key().expose().as_bytes();
        let mut k = hmac_with_prefixed_key(b"AWS4", secret, date.date().as_bytes());
        for part in [params.region, params.service, "aws4_request"] {
            let next = hmac(&k, part.as_bytes());
            k.zeroize();
            k = next;
        }
        let mac = keyed(b"", &k);
        k.zeroize();
        Ok(Self {
            mac,
            access_key_id: params.credentials.access_key_id().to_owned(),
            scope,
            region_end,
            service_end,
            day: day_of(params.time),
            secret_fingerprint: params.credentials.secret_fingerprint(),
        })
    }

    /// The key kept in `slot` if it still [`matches`](Self::matches)
    /// `params`, else a newly derived one, which replaces it.
    ///
    /// ```
    /// # use std::time::{Duration, UNIX_EPOCH};
    /// # use sts_proto::{Credentials, sigv4::{SigningKey, SigningParams}};
    /// let credentials = Credentials::new("AKIDEXAMPLE", "secret", None);
    /// let day1 = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    /// let mut slot = None;
    /// let key = SigningKey::get_or_derive(&mut slot, &SigningParams::new(&credentials, "us-east-1", "sts", day1))?;
    /// assert_eq!(key.date(), "20150830");
    /// let day2 = day1 + Duration::from_secs(86_400);
    /// let key = SigningKey::get_or_derive(&mut slot, &SigningParams::new(&credentials, "us-east-1", "sts", day2))?;
    /// assert_eq!(key.date(), "20150831");
    /// # Ok::<(), sts_proto::sigv4::SigningError>(())
    /// ```
    pub fn get_or_derive<'s>(
        slot: &'s mut Option<SigningKey>,
        params: &SigningParams<'_>,
    ) -> Result<&'s SigningKey, SigningError> {
        let key = match slot.take() {
            Some(key) if key.matches(params) => key,
            _ => Self::derive(params)?,
        };
        Ok(slot.insert(key))
    }

    /// Whether this key signs for the access key (id and secret), UTC date,
    /// region and service of `params`.
    pub fn matches(&self, params: &SigningParams<'_>) -> bool {
        // The day number stands for the date: two times on the same UTC day
        // have the same `YYYYMMDD`, and this key's was in range when it was
        // derived. Comparing it skips writing the date out, which a client
        // checking its cached key before every signature would pay twice.
        day_of(params.time) == self.day
            && short_eq(self.region().as_bytes(), params.region.as_bytes())
            && short_eq(self.service().as_bytes(), params.service.as_bytes())
            && short_eq(
                self.access_key_id.as_bytes(),
                params.credentials.access_key_id().as_bytes(),
            )
            && self.secret_fingerprint == params.credentials.secret_fingerprint()
    }

    /// Fails with [`SigningError::KeyMismatch`] unless the key
    /// [`matches`](Self::matches) `params`; `date` is their time written
    /// out, for the error.
    pub(super) fn check(
        &self,
        params: &SigningParams<'_>,
        date: &AmzDate,
    ) -> Result<(), SigningError> {
        if self.matches(params) {
            return Ok(());
        }
        Err(SigningError::KeyMismatch {
            key_scope: format!(
                "{}/{}/{}/{}",
                excerpt(&self.access_key_id),
                self.date(),
                self.region(),
                self.service()
            ),
            wanted_scope: format!(
                "{}/{}/{}/{}",
                excerpt(params.credentials.access_key_id()),
                date.date(),
                excerpt(params.region),
                excerpt(params.service)
            ),
        })
    }

    /// The UTC date (`YYYYMMDD`) the key signs for.
    pub fn date(&self) -> &str {
        self.scope.get(..8).unwrap_or_default()
    }

    /// The region the key signs for.
    pub fn region(&self) -> &str {
        self.scope.get(9..self.region_end).unwrap_or_default()
    }

    /// The service the key signs for.
    pub fn service(&self) -> &str {
        self.scope
            .get(self.region_end + 1..self.service_end)
            .unwrap_or_default()
    }

    /// The access key id the key belongs to.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The credential scope, `date/region/service/aws4_request`.
    pub fn scope(&self) -> &str {
        &self.scope
    }

    /// The hex HMAC-SHA256 of `string_to_sign` under this key.
    pub(super) fn sign(&self, string_to_sign: &str) -> Signature {
        let mut mac = self.mac.clone();
        mac.update(string_to_sign.as_bytes());
        Signature(super::digest_hex::digest_hex(&mac.finalize().into_bytes()))
    }
}

/// A signature as 64 lower-case hex digits, kept inline rather than on the
/// heap.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) struct Signature([u8; 64]);

impl Signature {
    #[cfg(test)]
    pub(super) fn from_hex(hex: [u8; 64]) -> Self {
        Self(hex)
    }

    pub(super) fn as_str(&self) -> &str {
        // Hex digits are ASCII, so this never falls back.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("access_key_id", &self.access_key_id)
            .field("scope", &self.scope)
            .field("key", &"** redacted **")
            .finish()
    }
}

/// HMAC-SHA256 of `message` under `key`.
pub(super) fn hmac(key: &[u8], message: &[u8]) -> [u8; 32] {
    hmac_with_prefixed_key(b"", key, message)
}

/// HMAC-SHA256 of `message` under the key `prefix || key`.
fn hmac_with_prefixed_key(prefix: &[u8], key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac = keyed(prefix, key);
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// HMAC-SHA256 keyed with `prefix || key`, before any message, built
/// without a heap copy of the secret.
///
/// The key block is padded (or, past 64 bytes, hashed) here as RFC 2104
/// says, so that the infallible `KeyInit::new` can be used instead of
/// `new_from_slice`, whose `Result` would need an unwrap this crate does
/// not allow.
fn keyed(prefix: &[u8], key: &[u8]) -> HmacSha256 {
    let mut block = [0u8; BLOCK];
    if prefix.len() + key.len() <= BLOCK {
        block[..prefix.len()].copy_from_slice(prefix);
        block[prefix.len()..prefix.len() + key.len()].copy_from_slice(key);
    } else {
        let digest = Sha256::new()
            .chain_update(prefix)
            .chain_update(key)
            .finalize();
        block[..32].copy_from_slice(&digest);
    }
    let mac = HmacSha256::new(&block.into());
    block.zeroize();
    mac
}

fn check_scope_part(field: &'static str, value: &str) -> Result<(), SigningError> {
    if value.is_empty() {
        return Err(match field {
            "region" => SigningError::EmptyRegion,
            _ => SigningError::EmptyService,
        });
    }
    if value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        Ok(())
    } else {
        Err(SigningError::InvalidScope {
            field,
            value: excerpt(value),
        })
    }
}

/// Refuses an access key id that no request can be signed with: empty, or
/// holding a character that would break the `Credential=` field (`/`, `,`,
/// whitespace, control or non-ASCII).
///
/// [`SigningKey::derive`] makes this check at every signature; it is
/// public so that a client given fixed credentials can refuse such an id
/// when it is configured, with the same error, rather than at its first
/// signed call. The error quotes only the id's first four characters (see
/// [`SigningError::InvalidAccessKeyId`]).
pub fn check_access_key_id(id: &str) -> Result<(), SigningError> {
    let fits = |c: char| c.is_ascii_graphic() && c != '/' && c != ',';
    let bad = match id.chars().position(|c| !fits(c)) {
        None if !id.is_empty() => return Ok(()),
        None => None,
        Some(i) => id.chars().nth(i).map(|c| (i + 1, c)),
    };
    Err(SigningError::InvalidAccessKeyId {
        start: id.chars().take(4).collect(),
        length: id.chars().count(),
        bad,
    })
}

/// Refuses credentials no request can be signed with: an access key id
/// [`check_access_key_id`] refuses, or an empty secret access key, with
/// which every signature is wrong (STS would answer only
/// `SignatureDoesNotMatch`).
///
/// [`SigningKey::derive`] makes this check at every signature; it is
/// public so that a client given fixed credentials can refuse them when
/// it is configured, with the same error, rather than at its first
/// signed call.
pub fn check_credentials(credentials: &Credentials) -> Result<(), SigningError> {
    check_access_key_id(credentials.access_key_id())?;
    if credentials.secret_access_key().expose().is_empty() {
        return Err(SigningError::EmptySecretAccessKey);
    }
    Ok(())
}

/// The UTC day `time` falls on, counted from 1970-01-01 (negative before).
fn day_of(time: std::time::SystemTime) -> i64 {
    crate::time::unix_seconds(time).div_euclid(86_400)
}

#[cfg(test)]
pub(super) mod tests {
    use std::cell::Cell;
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;
    use crate::Credentials;

    thread_local! {
        /// How many keys this thread derived, to prove a cached key is reused.
        pub(in crate::sigv4) static DERIVATIONS: Cell<usize> = const { Cell::new(0) };
    }

    /// The signing key of the AWS General Reference's worked example.
    const EXAMPLE_KEY: &str = "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9";

    /// What a key of these hex bytes signs `message` to.
    fn sign_with_key(key_hex: &str, message: &str) -> String {
        let key = hex::decode(key_hex).unwrap();
        hex::encode(hmac(&key, message.as_bytes()))
    }

    #[test]
    fn derives_the_documented_example_key() {
        // The worked example of the AWS General Reference (IAM, 2015-08-30).
        let credentials = Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
        );
        let time = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
        let key = SigningKey::derive(&SigningParams::new(&credentials, "us-east-1", "iam", time))
            .unwrap();
        assert_eq!(key.sign("m").as_str(), sign_with_key(EXAMPLE_KEY, "m"));
        assert_eq!(key.scope(), "20150830/us-east-1/iam/aws4_request");
        assert_eq!(
            (key.date(), key.region(), key.service()),
            ("20150830", "us-east-1", "iam")
        );
        assert_eq!(key.access_key_id(), "AKIDEXAMPLE");
    }

    #[test]
    fn debug_shows_the_scope_but_no_key_bytes() {
        let credentials = Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
        );
        let time = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
        let key = SigningKey::derive(&SigningParams::new(&credentials, "us-east-1", "iam", time))
            .unwrap();
        let shown = format!("{key:?} {key:#?}");
        assert!(
            shown.contains("20150830/us-east-1/iam/aws4_request"),
            "{shown}"
        );
        assert!(shown.contains("redacted"), "{shown}");
        assert!(!shown.contains("c4afb1cc"), "{shown}");
        assert!(!shown.contains("C4AFB1CC"), "{shown}");
        // Neither as decimal bytes (what a derived Debug would print).
        assert!(!shown.contains("196, 175"), "{shown}");
        assert!(!shown.contains("wJalr"), "{shown}");
    }

    #[test]
    fn a_kept_key_is_not_used_for_another_secret_of_the_same_id() {
        let time = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
        let old = Credentials::new("AKIDEXAMPLE", "typo-secret", None);
        let new = Credentials::new("AKIDEXAMPLE", "fixed-secret", None);
        let mut slot = None;
        let params = |c| SigningParams::new(c, "us-east-1", "sts", time);
        let before = SigningKey::get_or_derive(&mut slot, &params(&old))
            .unwrap()
            .sign("m")
            .as_str()
            .to_owned();
        assert!(!slot.as_ref().unwrap().matches(&params(&new)));
        let after = SigningKey::get_or_derive(&mut slot, &params(&new))
            .unwrap()
            .sign("m")
            .as_str()
            .to_owned();
        assert_ne!(before, after);
        assert_eq!(
            after,
            SigningKey::derive(&params(&new))
                .unwrap()
                .sign("m")
                .as_str()
        );
        // The same secret in other credentials (a refreshed copy) matches.
        let again = Credentials::new("AKIDEXAMPLE", "fixed-secret", None);
        assert!(slot.as_ref().unwrap().matches(&params(&again)));
    }

    #[test]
    fn hmac_matches_rfc_4231() {
        // Test case 2 (short key) and 6 (key longer than a block).
        assert_eq!(
            hex::encode(hmac(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(
            hex::encode(hmac(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
        // The prefix is part of the key, whichever side of 64 bytes it lands.
        let long = [b'x'; 70];
        let mut joined = b"AWS4".to_vec();
        joined.extend_from_slice(&long);
        assert_eq!(
            hmac_with_prefixed_key(b"AWS4", &long, b"m"),
            hmac(&joined, b"m")
        );
    }
}
