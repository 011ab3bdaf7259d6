//! OpenSSL's `TRUSTED CERTIFICATE` PEM sections, as `openssl x509
//! -trustout` writes them and as Fedora and RHEL ship their bundle
//! (`/etc/pki/ca-trust/extracted/openssl/ca-bundle.trust.crt`): a DER
//! certificate followed by OpenSSL's own trust settings. OpenSSL, and so
//! botocore, read the certificate; the PEM reader of `rustls` does not know
//! the label and skipped the section, so a bundle of them had no
//! certificate, and a mixed one silently lost its trusted ones.
//!
//! The trust settings are dropped, as a certificate in a bundle is trusted
//! for TLS servers whatever they say (OpenSSL honours a rejection in them;
//! a bundle that holds one is no bundle to point a client at).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

const BEGIN: &[u8] = b"-----BEGIN TRUSTED CERTIFICATE-----";
const END: &[u8] = b"-----END TRUSTED CERTIFICATE-----";

/// The DER certificate of each `TRUSTED CERTIFICATE` section of `pem`, in
/// order, or why a section cannot be read.
pub(super) fn certificates(pem: &[u8]) -> Vec<Result<Vec<u8>, String>> {
    let mut found = Vec::new();
    let mut rest = pem;
    while let Some(start) = find(rest, BEGIN) {
        let body = &rest[start + BEGIN.len()..];
        let Some(end) = find(body, END) else {
            found.push(Err(
                "a TRUSTED CERTIFICATE section has no end line".to_owned()
            ));
            break;
        };
        found.push(certificate(&body[..end]));
        rest = &body[end + END.len()..];
    }
    found
}

/// The certificate at the start of a section's base64 body.
fn certificate(body: &[u8]) -> Result<Vec<u8>, String> {
    let text: Vec<u8> = body
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    let der = STANDARD
        .decode(&text)
        .map_err(|_| "a TRUSTED CERTIFICATE section is not base64".to_owned())?;
    let len = der_len(&der).ok_or_else(|| {
        "a TRUSTED CERTIFICATE section does not start with a certificate".to_owned()
    })?;
    Ok(der[..len].to_vec())
}

/// The length of the DER `SEQUENCE` at the start of `der`, header
/// included, if it is one that fits.
fn der_len(der: &[u8]) -> Option<usize> {
    let (&tag, rest) = der.split_first()?;
    if tag != 0x30 {
        return None;
    }
    let (&first, rest) = rest.split_first()?;
    let (len, header) = if first < 0x80 {
        (usize::from(first), 2)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let bytes = rest.get(..n)?;
        let len = bytes
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        (len, 2 + n)
    };
    let total = header.checked_add(len)?;
    (total <= der.len()).then_some(total)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_certificate_is_cut_from_its_trust_settings() {
        // A SEQUENCE of three bytes, then OpenSSL's trust settings.
        let der = [0x30, 0x03, 1, 2, 3, 0x30, 0x02, 0x06, 0x00];
        let pem = format!(
            "junk\n{}\n{}\n{}\n",
            String::from_utf8_lossy(BEGIN),
            STANDARD.encode(der),
            String::from_utf8_lossy(END)
        );
        assert_eq!(
            certificates(pem.as_bytes()),
            [Ok(vec![0x30, 0x03, 1, 2, 3])]
        );
        // Long-form lengths.
        let mut long = vec![0x30, 0x82, 0x01, 0x00];
        long.extend([7u8; 256]);
        assert_eq!(der_len(&long), Some(260));
        assert_eq!(der_len(&long[..259]), None);
        assert_eq!(der_len(&[0x31, 0x00]), None);
        assert_eq!(der_len(&[0x30, 0x80]), None);
    }

    #[test]
    fn broken_sections_say_so() {
        let unclosed = format!("{}\nMAM=\n", String::from_utf8_lossy(BEGIN));
        assert!(certificates(unclosed.as_bytes())[0].is_err());
        let garbage = format!(
            "{}\n!!!\n{}\n",
            String::from_utf8_lossy(BEGIN),
            String::from_utf8_lossy(END)
        );
        assert!(certificates(garbage.as_bytes())[0].is_err());
        assert!(certificates(b"-----BEGIN CERTIFICATE-----\n").is_empty());
    }
}
