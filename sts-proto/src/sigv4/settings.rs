//! What to sign with, and the knobs that differ between services.

use std::time::SystemTime;

use crate::credentials::Credentials;

/// Everything a signature depends on besides the request itself.
///
/// Build it with [`SigningParams::new`] and adjust [`SigningParams::settings`]
/// when the service needs something other than the defaults.
#[derive(Debug, Clone, Copy)]
pub struct SigningParams<'a> {
    /// Who signs.
    pub credentials: &'a Credentials,
    /// The signing region (`us-east-1` for the global STS endpoint).
    pub region: &'a str,
    /// The signing name of the service (`sts`).
    pub service: &'a str,
    /// The signing time. The caller reads the clock (and applies any skew
    /// correction) so that signing stays deterministic and testable.
    pub time: SystemTime,
    /// How to build the canonical request.
    pub settings: SigningSettings,
}

impl<'a> SigningParams<'a> {
    /// Parameters with the default [`SigningSettings`], which are right for
    /// STS and every other non-S3 service.
    pub fn new(
        credentials: &'a Credentials,
        region: &'a str,
        service: &'a str,
        time: SystemTime,
    ) -> Self {
        Self {
            credentials,
            region,
            service,
            time,
            settings: SigningSettings::default(),
        }
    }

    /// The same parameters with other settings.
    pub fn with_settings(mut self, settings: SigningSettings) -> Self {
        self.settings = settings;
        self
    }
}

/// How the canonical request is built.
///
/// The defaults are those of every AWS service but S3. They exist as
/// settings because the test suite, S3-compatible servers and the
/// odd service (see [`SessionTokenMode`]) need the other choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SigningSettings {
    /// Remove `.` and `..` segments and collapse repeated slashes in the
    /// path before encoding it. AWS services do this when they check a
    /// signature; S3 does not, because `a//b` and `a/b` are different keys.
    pub normalize_path: bool,
    /// Percent-encode the (already encoded) path once more, as non-S3
    /// services expect: `%3A` in the URI becomes `%253A` in the canonical
    /// request. When off, the path is encoded once (existing `%XX` escapes
    /// are kept), as S3 expects.
    pub double_encode: bool,
    /// What stands for the body in the canonical request.
    pub payload: PayloadHash,
    /// Send (and sign) `x-amz-content-sha256` with the payload hash. S3
    /// requires it; other services ignore it. Header signing only: a
    /// presigned URL has no headers of its own to carry it.
    pub content_sha256_header: bool,
    /// Whether a session token is part of the signature.
    pub session_token: SessionTokenMode,
}

impl Default for SigningSettings {
    fn default() -> Self {
        Self {
            normalize_path: true,
            double_encode: true,
            payload: PayloadHash::Sha256,
            content_sha256_header: false,
            session_token: SessionTokenMode::Signed,
        }
    }
}

/// What stands for the body in the canonical request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PayloadHash {
    /// The hex SHA-256 of the body: the body cannot be changed in flight.
    #[default]
    Sha256,
    /// The literal `UNSIGNED-PAYLOAD`, for presigned URLs whose body is not
    /// known when the URL is made (S3 uploads). STS does not accept it for
    /// header-signed requests.
    Unsigned,
}

/// Where a session token goes relative to the signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SessionTokenMode {
    /// Add `X-Amz-Security-Token` before signing, so it is signed. What STS
    /// and nearly every service expect.
    #[default]
    Signed,
    /// Add `X-Amz-Security-Token` after signing, outside the signature. A
    /// few services (and the suite's `post-sts-header-after` case) check
    /// the signature without the token.
    AddedAfterSigning,
}
