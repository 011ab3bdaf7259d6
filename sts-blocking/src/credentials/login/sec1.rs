//! The two halves of a P-256 key in a SEC 1 `ECPrivateKey` (RFC 5915), the
//! form `aws login` writes: a DER walk over the four fields, bounded by the
//! input, that reads nothing else.
//!
//! ```text
//! ECPrivateKey ::= SEQUENCE {
//!   version        INTEGER (1),
//!   privateKey     OCTET STRING,
//!   parameters [0] ECParameters OPTIONAL,   -- the curve's OID
//!   publicKey  [1] BIT STRING OPTIONAL }
//! ```

/// The P-256 curve's object identifier, 1.2.840.10045.3.1.7.
const P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];

const INTEGER: u8 = 0x02;
const BIT_STRING: u8 = 0x03;
const OCTET_STRING: u8 = 0x04;
const OID: u8 = 0x06;
const SEQUENCE: u8 = 0x30;
const PARAMETERS: u8 = 0xa0;
const PUBLIC_KEY: u8 = 0xa1;

/// The length of a P-256 private scalar.
const SCALAR: usize = 32;

/// Why a key could not be read; the words never include the key's bytes.
const MALFORMED: &str = "its DER is malformed";

/// The key's halves, borrowed from its DER.
pub(super) struct KeyParts<'a> {
    /// The private scalar, 32 bytes big-endian.
    pub(super) private: &'a [u8],
    /// The public point as the key stores it (uncompressed: `04 || x || y`).
    pub(super) public: &'a [u8],
}

/// The halves of the P-256 key in the SEC 1 `der`. A key of another curve
/// (named, or of another size) is refused, and so is one without its
/// public key, which the signer needs and cannot derive.
pub(super) fn key_parts(der: &[u8]) -> Result<KeyParts<'_>, &'static str> {
    let (fields, rest) = take(der, SEQUENCE)?;
    if !rest.is_empty() {
        return Err(MALFORMED);
    }
    let (version, fields) = take(fields, INTEGER)?;
    if version != [1] {
        return Err("it is not a version 1 EC private key");
    }
    let (private, mut fields) = take(fields, OCTET_STRING)?;
    if private.len() != SCALAR {
        return Err("its private key is not 32 bytes long, as P-256 keys are");
    }
    if fields.first() == Some(&PARAMETERS) {
        let (parameters, rest) = take(fields, PARAMETERS)?;
        fields = rest;
        let (curve, rest) = take(parameters, OID)?;
        if curve != P256 || !rest.is_empty() {
            return Err("it names another curve than P-256");
        }
    }
    if fields.first() != Some(&PUBLIC_KEY) {
        return Err("it does not include its public key");
    }
    let (wrapped, fields) = take(fields, PUBLIC_KEY)?;
    let (bits, rest) = take(wrapped, BIT_STRING)?;
    // The first byte of a bit string counts its unused bits: none in a point.
    let public = match bits.split_first() {
        Some((0, public)) if rest.is_empty() && fields.is_empty() => public,
        _ => return Err(MALFORMED),
    };
    Ok(KeyParts { private, public })
}

/// The value of the element at the start of `input`, which must have
/// `tag`, and what follows it. Lengths up to 65,535 bytes: a key is far
/// smaller.
fn take(input: &[u8], tag: u8) -> Result<(&[u8], &[u8]), &'static str> {
    let [found, first, rest @ ..] = input else {
        return Err(MALFORMED);
    };
    if *found != tag {
        return Err(MALFORMED);
    }
    let (len, rest) = match (*first, rest) {
        (0..=0x7f, rest) => (usize::from(*first), rest),
        (0x81, [len, rest @ ..]) if *len >= 0x80 => (usize::from(*len), rest),
        (0x82, [high, low, rest @ ..]) if *high > 0 => {
            (usize::from(*high) << 8 | usize::from(*low), rest)
        }
        _ => return Err(MALFORMED),
    };
    if len > rest.len() {
        return Err(MALFORMED);
    }
    Ok(rest.split_at(len))
}

#[cfg(test)]
mod tests {
    use super::*;

    use rustls::pki_types::PrivateSec1KeyDer;
    use rustls::pki_types::pem::PemObject as _;

    /// The key of smithy-rs's login cases.
    const PEM: &str = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIPt/u8InPLpQeQLJTvVX+sNDzni8vMDMt3Liu+nMBigfoAoGCCqGSM49\nAwEHoUQDQgAEILkGG7rNOnxiIJlMgimY1UPP8eDMFP0DAY6WGjngP4bvTAiUCQ/I\nffut2379uP+OBCm2ovGpBOJRgrl1RspUOQ==\n-----END EC PRIVATE KEY-----\n";

    /// Its DER: the version at 2, the scalar at 5, the curve at 39, the
    /// public key at 51 (its point from 56).
    fn key() -> [u8; 121] {
        let der = PrivateSec1KeyDer::from_pem_slice(PEM.as_bytes()).unwrap();
        der.secret_sec1_der().try_into().unwrap()
    }

    #[test]
    fn the_halves_are_read() {
        let key = key();
        let parts = key_parts(&key).unwrap();
        assert_eq!(parts.private, &key[7..39]);
        assert_eq!(parts.public.len(), 65);
        assert_eq!(parts.public[0], 4);
        assert_eq!(parts.public, &key[56..]);
    }

    #[test]
    fn the_curve_parameters_are_optional() {
        let key = key();
        // The same key without `[0] parameters`, the lengths adjusted.
        let mut der = vec![0x30, 0x77 - 12];
        der.extend_from_slice(&key[2..39]);
        der.extend_from_slice(&key[51..]);
        let parts = key_parts(&der).unwrap();
        assert_eq!(parts.public, &key[56..]);
    }

    #[test]
    fn every_cut_or_change_of_shape_is_an_error() {
        let key = key();
        for len in 0..key.len() {
            assert!(key_parts(&key[..len]).is_err(), "cut at {len}");
        }
        let mut longer = key.to_vec();
        longer.push(0);
        assert!(key_parts(&longer).is_err());
        let mut other_curve = key;
        other_curve[48] = 0x08;
        assert_eq!(
            key_parts(&other_curve).err(),
            Some("it names another curve than P-256")
        );
        let mut version = key;
        version[4] = 0;
        assert!(key_parts(&version).is_err());
        let mut unused_bits = key;
        unused_bits[55] = 1;
        assert!(key_parts(&unused_bits).is_err());
        // Without the public key: cut before `[1]`, the length adjusted.
        let mut private_only = vec![0x30, 0x77 - 70];
        private_only.extend_from_slice(&key[2..51]);
        assert_eq!(
            key_parts(&private_only).err(),
            Some("it does not include its public key")
        );
    }

    #[test]
    fn long_form_lengths_are_read_and_bounded() {
        assert_eq!(take(&[4, 0x81, 0x80], 4), Err(MALFORMED));
        let mut long = vec![4, 0x81, 0x80];
        long.extend([7; 0x80]);
        assert_eq!(take(&long, 4).unwrap().0.len(), 0x80);
        // A short length written long is not DER.
        assert_eq!(take(&[4, 0x81, 0x01, 7], 4), Err(MALFORMED));
        assert_eq!(take(&[4, 0x83, 0, 0, 1, 7], 4), Err(MALFORMED));
    }
}
