//! Root certificates to trust instead of the built-in ones: a CA bundle, as
//! `AWS_CA_BUNDLE` and the `ca_bundle` profile setting name one.
//!
//! A company that inspects TLS traffic, or a private STS-compatible
//! endpoint, presents certificates that chain to a root of its own. The
//! AWS SDKs and the AWS CLI then take a PEM file of root certificates and
//! trust exactly those, in place of their default bundle; so does
//! [`UreqSettings::ca_bundle`](crate::ureq_transport::UreqSettings::ca_bundle).
//!
//! ```no_run
//! use sts_blocking::tls::CaBundle;
//! use sts_blocking::ureq_transport::{UreqSettings, UreqTransport};
//!
//! let bundle = CaBundle::from_pem_file("/etc/pki/corp-root.pem")?;
//! let transport = UreqTransport::new(UreqSettings::default().with_ca_bundle(Some(bundle)));
//! let client = sts_blocking::Client::builder()
//!     .region("eu-west-1")
//!     .transport(transport)
//!     .build()?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

use crate::credentials::{Fs, RealFs};

mod trusted_pem;

/// The largest CA bundle file read. Mozilla's whole root program is about
/// 220 KiB of PEM and a distribution's system bundle about as much; the cap
/// is many times that, and keeps a wrong path (a log, a disk image) from
/// being read into memory.
pub const MAX_CA_BUNDLE_BYTES: u64 = 4 * 1024 * 1024;

/// A set of trusted root certificates, read from PEM.
///
/// Cloning is cheap (the certificates are shared), and clones given to
/// transports let them share a TLS configuration. `Debug` shows where the
/// certificates came from and how many there are, not their bytes.
#[derive(Clone)]
pub struct CaBundle {
    origin: String,
    roots: Arc<Vec<ureq::tls::Certificate<'static>>>,
}

impl CaBundle {
    /// Where the certificates came from, and which shared set they are:
    /// equal for clones of one bundle, unequal for a bundle read again.
    pub(crate) fn identity(&self) -> (String, usize) {
        (
            self.origin.clone(),
            Arc::as_ptr(&self.roots).cast::<()>() as usize,
        )
    }

    /// The certificates in the PEM file at `path`.
    ///
    /// The file is read as the credential providers read theirs
    /// ([`RealFs`]): only a regular file, at most [`MAX_CA_BUNDLE_BYTES`],
    /// opened so that a FIFO in its place cannot block.
    pub fn from_pem_file(path: impl AsRef<Path>) -> Result<CaBundle, CaBundleError> {
        Self::from_pem_file_in(&RealFs, path.as_ref())
    }

    /// The certificates in the PEM file at `path` on `fs`; for callers that
    /// read files through an [`Fs`] of their own (and for tests).
    pub fn from_pem_file_in(fs: &dyn Fs, path: &Path) -> Result<CaBundle, CaBundleError> {
        let bytes = fs.read(path, MAX_CA_BUNDLE_BYTES).map_err(|source| {
            if source.kind() == io::ErrorKind::NotFound {
                CaBundleError::NotFound {
                    path: path.to_path_buf(),
                }
            } else {
                CaBundleError::Unreadable {
                    path: path.to_path_buf(),
                    source,
                }
            }
        })?;
        Self::from_pem(&bytes, path.display().to_string())
    }

    /// The certificates in `pem`, which came from `origin` (a file name, a
    /// variable's name: whatever tells the reader of an error where to
    /// look).
    ///
    /// Every `CERTIFICATE` section is taken, and the certificate of every
    /// `TRUSTED CERTIFICATE` section (OpenSSL's, with its trust settings
    /// dropped); other sections (keys, CRLs) and text between sections are
    /// skipped, as OpenSSL and the AWS CLI skip them. Each certificate must
    /// parse as a trust anchor: a bundle with a broken one is refused
    /// rather than quietly trusted in part.
    pub fn from_pem(pem: &[u8], origin: impl Into<String>) -> Result<CaBundle, CaBundleError> {
        let origin = origin.into();
        let mut roots = Vec::new();
        let plain =
            CertificateDer::pem_slice_iter(pem).map(|section| section.map_err(|e| e.to_string()));
        let trusted = trusted_pem::certificates(pem)
            .into_iter()
            .map(|section| section.map(CertificateDer::from));
        for (index, section) in plain.chain(trusted).enumerate() {
            let der = section.map_err(|reason| CaBundleError::MalformedPem {
                origin: origin.clone(),
                reason,
            })?;
            // The check rustls makes when it builds its root store, done
            // here because ureq skips (and only logs) a certificate that
            // fails it.
            rustls::RootCertStore::empty()
                .add(der.clone())
                .map_err(|e| CaBundleError::BadCertificate {
                    origin: origin.clone(),
                    number: index + 1,
                    reason: certificate_reason(&e),
                })?;
            roots.push(ureq::tls::Certificate::from_der(der.as_ref()).to_owned());
        }
        if roots.is_empty() {
            return Err(CaBundleError::NoCertificate { origin });
        }
        Ok(CaBundle {
            origin,
            roots: Arc::new(roots),
        })
    }

    /// Where the certificates came from, as given to [`CaBundle::from_pem`]
    /// (the path, for [`CaBundle::from_pem_file`]).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// How many certificates the bundle holds (at least one).
    pub fn len(&self) -> usize {
        self.roots.len()
    }

    /// Always `false`: a bundle without a certificate is an error.
    pub fn is_empty(&self) -> bool {
        self.roots.is_empty()
    }

    /// The certificates as ureq takes them. The `Arc` is shared, not
    /// copied: ureq pools connections across configurations whose root
    /// sets are the same `Arc`.
    pub(crate) fn root_certs(&self) -> ureq::tls::RootCerts {
        ureq::tls::RootCerts::Specific(Arc::clone(&self.roots))
    }
}

impl fmt::Debug for CaBundle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CaBundle")
            .field("origin", &self.origin)
            .field("certificates", &self.roots.len())
            .finish()
    }
}

/// What rustls found wrong with a certificate, in words that do not speak
/// of a "peer" (there is none yet).
fn certificate_reason(e: &rustls::Error) -> String {
    match e {
        rustls::Error::InvalidCertificate(why) => format!("{why:?}"),
        other => other.to_string(),
    }
}

/// Why a CA bundle could not be used. Every variant names the file (or
/// the origin given to [`CaBundle::from_pem`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CaBundleError {
    /// There is no file at the path.
    #[error("CA bundle {}: no such file", path.display())]
    NotFound {
        /// The path given.
        path: PathBuf,
    },
    /// The file exists but could not be read: permissions, a directory or
    /// another special file, or larger than [`MAX_CA_BUNDLE_BYTES`].
    #[error("CA bundle {}: cannot be read: {source}", path.display())]
    Unreadable {
        /// The path given.
        path: PathBuf,
        /// What the file system said.
        source: io::Error,
    },
    /// No `-----BEGIN CERTIFICATE-----` section: an empty file, a DER
    /// (binary) certificate, or something else entirely.
    #[error(
        "CA bundle {origin}: no PEM certificate in it (expected a \
         \"-----BEGIN CERTIFICATE-----\" section; a DER file must be converted to PEM first)"
    )]
    NoCertificate {
        /// Where the bytes came from.
        origin: String,
    },
    /// A PEM section is broken: no end line, or a body that is not base64.
    #[error("CA bundle {origin}: malformed PEM: {reason}")]
    MalformedPem {
        /// Where the bytes came from.
        origin: String,
        /// What is wrong, as the PEM reader put it.
        reason: String,
    },
    /// A section decodes, but not to a usable X.509 certificate.
    #[error("CA bundle {origin}: certificate {number} is not a valid X.509 certificate: {reason}")]
    BadCertificate {
        /// Where the bytes came from.
        origin: String,
        /// Which certificate, counting from 1: the file's `CERTIFICATE`
        /// sections in order, then its `TRUSTED CERTIFICATE` ones.
        number: usize,
        /// What is wrong with it.
        reason: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::MapFs;

    /// A self-signed certificate (CN=sts-test-root, P-256), made with
    /// `openssl req -x509`.
    const ROOT: &str = "-----BEGIN CERTIFICATE-----
MIIBhzCCAS2gAwIBAgIUe2F8AxjVMAr+FJ6R2EGXzsAWynswCgYIKoZIzj0EAwIw
GDEWMBQGA1UEAwwNc3RzLXRlc3Qtcm9vdDAgFw0yNjEyMDQxNzIwMjFaGA8yMTI2
MTExMDE3MjAyMVowGDEWMBQGA1UEAwwNc3RzLXRlc3Qtcm9vdDBZMBMGByqGSM49
AgEGCCqGSM49AwEHA0IABA14/ERNepAX+7qYpmVja1RcsObKXttNfu70isuf5oqg
p9WWtxXyiHEmT9eo4khmSM2f53bas/UzBK6WSwAX292jUzBRMB0GA1UdDgQWBBRG
SDkgnzVpXdEGD9zRkvmKvk8zvzAfBgNVHSMEGDAWgBRGSDkgnzVpXdEGD9zRkvmK
vk8zvzAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIQDN0Y+E9LNB
raOswDwjiYwZDXGXGRiPkghp6K1EhEuevQIgHyS8Z2TOn2NNhgJNYmsmr+3fkU7T
W7ajdqSGiA4qGAA=
-----END CERTIFICATE-----
";

    #[test]
    fn reads_every_certificate_and_skips_other_sections() {
        let pem = format!(
            "# a comment\n{ROOT}\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n{ROOT}"
        );
        let bundle = CaBundle::from_pem(pem.as_bytes(), "two.pem").unwrap();
        assert_eq!(bundle.len(), 2);
        assert_eq!(bundle.origin(), "two.pem");
        let shown = format!("{bundle:?}");
        assert_eq!(shown, r#"CaBundle { origin: "two.pem", certificates: 2 }"#);
    }

    #[test]
    fn refuses_what_is_not_a_bundle() {
        for text in ["", "hello\n", "\x30\u{82}\x01\x7c"] {
            let e = CaBundle::from_pem(text.as_bytes(), "x.pem").unwrap_err();
            assert!(matches!(e, CaBundleError::NoCertificate { .. }), "{e}");
            assert!(
                e.to_string()
                    .starts_with("CA bundle x.pem: no PEM certificate")
            );
        }
        let cut = &ROOT[..ROOT.len() - 30];
        let e = CaBundle::from_pem(cut.as_bytes(), "cut.pem").unwrap_err();
        assert!(matches!(e, CaBundleError::MalformedPem { .. }), "{e}");
        assert!(e.to_string().contains("cut.pem"), "{e}");

        let junk = "-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----\n";
        let e = CaBundle::from_pem(format!("{ROOT}{junk}").as_bytes(), "junk.pem").unwrap_err();
        match &e {
            CaBundleError::BadCertificate { origin, number, .. } => {
                assert_eq!((origin.as_str(), *number), ("junk.pem", 2));
            }
            other => panic!("{other:?}"),
        }
        assert!(!e.to_string().contains("peer"), "{e}");
    }

    #[test]
    fn file_errors_name_the_file() {
        let fs = MapFs::new().with_file("/ca/root.pem", ROOT);
        let bundle = CaBundle::from_pem_file_in(&fs, Path::new("/ca/root.pem")).unwrap();
        assert_eq!((bundle.origin(), bundle.len()), ("/ca/root.pem", 1));

        let e = CaBundle::from_pem_file_in(&fs, Path::new("/ca/missing.pem")).unwrap_err();
        assert!(matches!(e, CaBundleError::NotFound { .. }));
        assert_eq!(e.to_string(), "CA bundle /ca/missing.pem: no such file");

        let big = vec![b'a'; MAX_CA_BUNDLE_BYTES as usize + 1];
        let fs = MapFs::new().with_file("/ca/big.pem", big);
        let e = CaBundle::from_pem_file_in(&fs, Path::new("/ca/big.pem")).unwrap_err();
        assert!(matches!(e, CaBundleError::Unreadable { .. }));
        assert!(
            e.to_string()
                .starts_with("CA bundle /ca/big.pem: cannot be read"),
            "{e}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_directory_is_unreadable_not_blocking() {
        let e = CaBundle::from_pem_file(std::env::temp_dir()).unwrap_err();
        assert!(matches!(e, CaBundleError::Unreadable { .. }), "{e}");
    }
}
