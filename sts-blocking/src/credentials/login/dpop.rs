//! The DPoP proof (RFC 9449) that binds a token refresh to the login
//! session's key: a JWT signed with ES256 (ECDSA on P-256 with SHA-256)
//! that names the request it goes with and carries the public key.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _};
use rustls::pki_types::PrivateKeyDer;
use rustls::pki_types::pem::{self, PemObject as _};
use zeroize::Zeroizing;

use super::sec1;
use crate::timing::Random;

/// The session's private key, as `aws login` left it in the cache.
pub(super) struct DpopKey {
    key: EcdsaKeyPair,
    /// The signature's nonces; ES256 draws one per signature.
    random: SystemRandom,
}

impl fmt::Debug for DpopKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DpopKey(..)")
    }
}

impl DpopKey {
    /// The key in `pem`: a P-256 private key, SEC 1 (`EC PRIVATE KEY`, as
    /// the AWS CLI writes it) or PKCS#8 (`PRIVATE KEY`), which must include
    /// its public key (as both the AWS CLI and OpenSSL write them). A line
    /// break written as the two characters `\n` (a doubly escaped file) is
    /// read as one. The error names what is wrong, never the key.
    pub(super) fn from_pem(pem: &str) -> Result<Self, String> {
        let pem = Zeroizing::new(pem.trim().replace("\\n", "\n"));
        let refused = |why: &str| {
            format!(
                "it is not a P-256 private key in PEM (SEC 1 `EC PRIVATE KEY` or PKCS#8 \
                 `PRIVATE KEY`): {why}"
            )
        };
        let der = PrivateKeyDer::from_pem_slice(pem.as_bytes())
            .map(Zeroizing::new)
            .map_err(|e| refused(pem_problem(&e)))?;
        let random = SystemRandom::new();
        let alg = &ECDSA_P256_SHA256_FIXED_SIGNING;
        let key = match &*der {
            PrivateKeyDer::Sec1(sec1) => {
                let parts = sec1::key_parts(sec1.secret_sec1_der()).map_err(refused)?;
                EcdsaKeyPair::from_private_key_and_public_key(
                    alg,
                    parts.private,
                    parts.public,
                    &random,
                )
            }
            PrivateKeyDer::Pkcs8(pkcs8) => {
                EcdsaKeyPair::from_pkcs8(alg, pkcs8.secret_pkcs8_der(), &random)
            }
            _ => return Err(refused("it is an RSA key")),
        }
        // ring's reasons are fixed words (`InconsistentComponents`,
        // `WrongAlgorithm`), never the key's bytes.
        .map_err(|e| refused(&format!("the signer refuses it ({e})")))?;
        Ok(Self { key, random })
    }

    /// The public key as a JWK (RFC 7518 §6.2.1): base64url `x` and `y`.
    fn jwk(&self) -> serde_json::Value {
        // The uncompressed point: 4, then x and y of 32 bytes each.
        let point = self.key.public_key().as_ref();
        let coordinate = |range: std::ops::Range<usize>| {
            URL_SAFE_NO_PAD.encode(point.get(range).unwrap_or_default())
        };
        serde_json::json!({
            "kty": "EC",
            "crv": "P-256",
            "x": coordinate(1..33),
            "y": coordinate(33..65),
        })
    }

    /// The proof for a `POST` to `url` at `issued_at` (Unix seconds), with
    /// the unique identifier `jti`: `header.claims.signature`, each part
    /// base64url without padding. The signature's nonce comes from the
    /// system's random source, whose failure is the error.
    pub(super) fn proof(&self, url: &str, issued_at: i64, jti: &str) -> Result<String, String> {
        let header = serde_json::json!({
            "typ": "dpop+jwt",
            "alg": "ES256",
            "jwk": self.jwk(),
        });
        let claims = serde_json::json!({
            "jti": jti,
            "htm": "POST",
            "htu": url,
            "iat": issued_at,
        });
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature = self
            .key
            .sign(&self.random, signing_input.as_bytes())
            .map_err(|_| "the system's random source failed to give the signature's nonce")?;
        Ok(format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature.as_ref())
        ))
    }
}

/// What is wrong with a PEM text, in fixed words: the decoder's own
/// messages can quote a line of it.
fn pem_problem(e: &pem::Error) -> &'static str {
    match e {
        pem::Error::NoItemsFound => "no `EC PRIVATE KEY` or `PRIVATE KEY` block",
        pem::Error::MissingSectionEnd { .. } => "the block has no END line",
        pem::Error::IllegalSectionStart { .. } => "a BEGIN line is malformed",
        pem::Error::Base64Decode(_) => "the block is not base64",
        _ => "the PEM text is unreadable",
    }
}

/// A fresh proof identifier, in the form of a random (version 4) UUID.
///
/// It only has to differ between proofs (the service refuses a replayed
/// one), not to be secret, so the configuration's random source serves.
pub(super) fn jti(random: &dyn Random) -> String {
    let mut bytes = [0u8; 16];
    for chunk in bytes.chunks_mut(4) {
        // 32 of the 53 random bits of each draw.
        let draw = (random.next_f64().clamp(0.0, 1.0) * f64::from(u32::MAX)) as u32;
        chunk.copy_from_slice(&draw.to_be_bytes());
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::signature::{ECDSA_P256_SHA256_FIXED, UnparsedPublicKey};

    /// The key of smithy-rs's login cases.
    const KEY: &str = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIPt/u8InPLpQeQLJTvVX+sNDzni8vMDMt3Liu+nMBigfoAoGCCqGSM49\nAwEHoUQDQgAEILkGG7rNOnxiIJlMgimY1UPP8eDMFP0DAY6WGjngP4bvTAiUCQ/I\nffut2379uP+OBCm2ovGpBOJRgrl1RspUOQ==\n-----END EC PRIVATE KEY-----\n";

    fn decode(part: &str) -> serde_json::Value {
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
    }

    #[test]
    fn a_proof_verifies_with_the_key_it_carries() {
        let key = DpopKey::from_pem(KEY).unwrap();
        let url = "https://us-east-2.signin.aws.amazon.com/v1/token";
        let proof = key.proof(url, 1_763_510_400, "jti-1").unwrap();
        let parts: Vec<&str> = proof.split('.').collect();
        assert_eq!(parts.len(), 3);
        let header = decode(parts[0]);
        assert_eq!(header["typ"], "dpop+jwt");
        assert_eq!(header["alg"], "ES256");
        assert_eq!(header["jwk"]["kty"], "EC");
        assert_eq!(header["jwk"]["crv"], "P-256");
        let claims = decode(parts[1]);
        assert_eq!(claims["htm"], "POST");
        assert_eq!(claims["htu"], url);
        assert_eq!(claims["iat"], 1_763_510_400);
        assert_eq!(claims["jti"], "jti-1");

        let coordinate = |c: &str| {
            URL_SAFE_NO_PAD
                .decode(header["jwk"][c].as_str().unwrap())
                .unwrap()
        };
        let mut point = vec![4u8];
        point.extend(coordinate("x"));
        point.extend(coordinate("y"));
        let public = UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, &point);
        let signature = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
        assert_eq!(signature.len(), 64, "r and s, 32 bytes each");
        let input = format!("{}.{}", parts[0], parts[1]);
        public.verify(input.as_bytes(), &signature).unwrap();
        let forged = format!("{}.{}x", parts[0], parts[1]);
        assert!(public.verify(forged.as_bytes(), &signature).is_err());
        // The nonce is random: the same input signs differently, and both verify.
        let again = key.proof(url, 1_763_510_400, "jti-1").unwrap();
        let (input_again, signature_again) = again.rsplit_once('.').unwrap();
        assert_eq!(input_again, input);
        assert_ne!(signature_again, parts[2]);
        let signature_again = URL_SAFE_NO_PAD.decode(signature_again).unwrap();
        public.verify(input.as_bytes(), &signature_again).unwrap();
    }

    #[test]
    fn bad_keys_are_refused_without_quoting_them() {
        for pem in [
            "",
            "not a key",
            "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n",
            // The wrong curves: P-384, and secp256k1 (of the same size).
            "-----BEGIN EC PRIVATE KEY-----\nMIGkAgEBBDBHg0Qwu99be0LMIOvenZq56HJSaU6kKKNtcx+kQiT3Wx05+zMD/9IV\nxI01xyuXxHegBwYFK4EEACKhZANiAATyBHOiHtSZnDwr3H+194p5tXZ/x+GVKYVF\nHU3VZ8Wv9I7RT/8119LmjodKLzIUFiQ3Up2hoBfG3XUNlidTR484E3tpemhAfwJZ\nCavkHT7f1cuy2HdeSsAVhM5kOYm6GEA=\n-----END EC PRIVATE KEY-----\n",
            "-----BEGIN EC PRIVATE KEY-----\nMHQCAQEEIPzwuWpdutr2yoauuRFomfQmdM45wQi567EcuZxW8R9AoAcGBSuBBAAK\noUQDQgAE/WbViCE/cNjPWVGhXMRC2Ds1uJzlJNoLBQlyZ08yvkXvQnLLBizsfd4p\nkeWomksoaLBEkX5BdGpYz7AAZzfO6g==\n-----END EC PRIVATE KEY-----\n",
        ] {
            let err = DpopKey::from_pem(pem).unwrap_err();
            assert!(err.contains("P-256"), "{err}");
            assert!(!err.contains("MI") && !err.contains("AAAA"), "{err}");
        }
    }

    #[test]
    fn a_pkcs8_key_is_the_same_key() {
        let pkcs8 = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg+3+7wic8ulB5AslO\n9Vf6w0POeLy8wMy3cuK76cwGKB+hRANCAAQguQYbus06fGIgmUyCKZjVQ8/x4MwU\n/QMBjpYaOeA/hu9MCJQJD8h9+63bfv24/44EKbai8akE4lGCuXVGylQ5\n-----END PRIVATE KEY-----\n";
        let a = DpopKey::from_pem(KEY).unwrap().jwk();
        let b = DpopKey::from_pem(pkcs8).unwrap().jwk();
        assert_eq!(a, b);
        assert_eq!(a["x"], "ILkGG7rNOnxiIJlMgimY1UPP8eDMFP0DAY6WGjngP4Y");
    }

    #[test]
    fn escaped_line_breaks_are_read() {
        let escaped = KEY.replace('\n', "\\n");
        assert!(DpopKey::from_pem(&escaped).is_ok());
    }

    #[test]
    fn jti_is_a_version_4_uuid() {
        let j = jti(&crate::timing::Jitter::with_seed(3));
        assert_eq!(j.len(), 36);
        assert_eq!(&j[14..15], "4");
        assert!(matches!(&j[19..20], "8" | "9" | "a" | "b"), "{j}");
        let random = crate::timing::Jitter::with_seed(3);
        assert_ne!(jti(&random), jti(&random));
    }
}
