//! `UreqSettings::ca_bundle` against a loopback TLS server whose
//! certificate comes from a CA made for the test: the bundle replaces the
//! built-in roots (as `AWS_CA_BUNDLE` does), so the server is trusted with
//! its CA's bundle, and not without it or with another CA's.

mod tls_support;

use std::time::Duration;

use sts_blocking::Error;
use sts_blocking::proxy::ProxyConfig;
use sts_blocking::tls::{CaBundle, CaBundleError};
use sts_blocking::transport::TransportFailure;
use sts_blocking::ureq_transport::{UreqSettings, UreqTransport};
use sts_tests::ScratchDir;
use tls_support::{ARN, TestPki, TlsServer, client};

/// Settings with `bundle` and no proxy, whatever the environment says.
fn settings(bundle: Option<CaBundle>) -> UreqSettings {
    UreqSettings::default()
        .with_ca_bundle(bundle)
        .with_proxy(ProxyConfig::new())
        .with_connect_timeout(Some(Duration::from_secs(5)))
}

fn connect_failure(result: Result<impl std::fmt::Debug, Error>) -> String {
    match result {
        Err(Error::Transport(e)) => {
            assert_eq!(e.kind(), TransportFailure::Connect, "{e}");
            e.to_string()
        }
        other => panic!("expected a TLS failure, got {other:?}"),
    }
}

#[test]
fn the_built_in_roots_do_not_trust_a_private_ca() {
    let pki = TestPki::new("sts test CA");
    let server = TlsServer::start(&pki);
    let client = client(&server.url(), UreqTransport::new(settings(None)));
    let message = connect_failure(client.get_caller_identity());
    assert!(message.to_lowercase().contains("certificate"), "{message}");
    assert_eq!(server.requests(), 0);
}

#[test]
fn a_bundle_with_the_servers_ca_is_trusted() {
    let pki = TestPki::new("sts test CA");
    let server = TlsServer::start(&pki);
    let dir = ScratchDir::new("ca-bundle-trusted");
    let path = pki.write_ca(&dir, "ca.pem");
    let bundle = CaBundle::from_pem_file(&path).unwrap();
    assert_eq!(bundle.len(), 1);
    assert_eq!(
        format!("{bundle:?}"),
        format!(
            "CaBundle {{ origin: {:?}, certificates: 1 }}",
            path.display().to_string()
        )
    );

    let transport = UreqTransport::new(settings(Some(bundle)));
    let client = client(&server.url(), transport);
    let identity = client.get_caller_identity().unwrap();
    assert_eq!(identity.arn.as_deref(), Some(ARN));
    // And again: the transport keeps working (a fresh connection, since the
    // server closes each one).
    client.get_caller_identity().unwrap();
    assert!(server.wait_for_requests(2, Duration::from_secs(5)));
}

/// `ca` as `openssl x509 -trustout` writes it: a `TRUSTED CERTIFICATE`
/// section, the certificate followed by OpenSSL's trust settings (here,
/// trusted for TLS servers: `SEQUENCE { SEQUENCE { serverAuth } }`).
fn trusted_pem(ca_der: &[u8]) -> String {
    use base64::Engine as _;
    let mut der = ca_der.to_vec();
    der.extend([
        0x30, 0x0c, 0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01,
    ]);
    let body = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN TRUSTED CERTIFICATE-----\n{}\n-----END TRUSTED CERTIFICATE-----\n",
        lines.join("\n")
    )
}

/// Found by comparing with botocore 1.44.8 (OpenSSL reads them): a bundle
/// of OpenSSL's `TRUSTED CERTIFICATE` sections, as Fedora and RHEL ship
/// theirs, had "no PEM certificate in it", and in a mixed bundle they were
/// skipped, so the server's CA was not trusted.
#[test]
fn trusted_certificate_sections_are_read() {
    let pki = TestPki::new("sts test CA");
    let other = TestPki::new("another CA");
    let server = TlsServer::start(&pki);
    for pem in [
        trusted_pem(&pki.ca_der),
        format!("{}{}", other.ca_pem, trusted_pem(&pki.ca_der)),
    ] {
        let bundle = CaBundle::from_pem(pem.as_bytes(), "trusted.crt").unwrap();
        let transport = UreqTransport::new(settings(Some(bundle)));
        let client = client(&server.url(), transport);
        let identity = client.get_caller_identity().unwrap();
        assert_eq!(identity.arn.as_deref(), Some(ARN));
    }
    // Only the other CA, as a trusted section: not trusted.
    let bundle = CaBundle::from_pem(trusted_pem(&other.ca_der).as_bytes(), "o.crt").unwrap();
    let client = client(&server.url(), UreqTransport::new(settings(Some(bundle))));
    connect_failure(client.get_caller_identity());
}

/// A self-signed server certificate marked `CA:TRUE` (what
/// `openssl req -x509` makes by default) is refused even from the bundle
/// (rustls refuses a CA certificate as a server's), and the error says
/// what the words `CaUsedAsEndEntity` do not: how to make one that works.
#[test]
fn a_ca_certificate_as_the_servers_is_refused_with_what_to_do() {
    let pki = TestPki::self_signed_ca("127.0.0.1");
    let server = TlsServer::start(&pki);
    let bundle = CaBundle::from_pem(pki.ca_pem.as_bytes(), "the test").unwrap();
    let trusting = client(&server.url(), UreqTransport::new(settings(Some(bundle))));
    let message = connect_failure(trusting.get_caller_identity());
    assert!(
        message.contains("CaUsedAsEndEntity")
            && message.contains("is a CA certificate")
            && message.contains("CA:FALSE"),
        "{message}"
    );
    assert_eq!(server.requests(), 0);
    // Other certificate errors get no such advice.
    let other = TestPki::new("sts test CA");
    let server = TlsServer::start(&other);
    let client = client(&server.url(), UreqTransport::new(settings(None)));
    let message = connect_failure(client.get_caller_identity());
    assert!(!message.contains("CA:FALSE"), "{message}");
}

#[test]
fn a_bundle_replaces_the_built_in_roots_rather_than_adding_to_them() {
    let pki = TestPki::new("sts test CA");
    let other = TestPki::new("another CA");
    let server = TlsServer::start(&pki);
    let bundle = CaBundle::from_pem(other.ca_pem.as_bytes(), "other.pem").unwrap();
    let client = client(&server.url(), UreqTransport::new(settings(Some(bundle))));
    let message = connect_failure(client.get_caller_identity());
    assert!(message.to_lowercase().contains("certificate"), "{message}");
    assert_eq!(server.requests(), 0);

    // A bundle of both CAs trusts the server.
    let both = format!("{}{}", other.ca_pem, pki.ca_pem);
    let bundle = CaBundle::from_pem(both.as_bytes(), "both.pem").unwrap();
    assert_eq!(bundle.len(), 2);
    let client = tls_support::client(&server.url(), UreqTransport::new(settings(Some(bundle))));
    client.get_caller_identity().unwrap();
}

#[test]
fn file_errors_name_the_file() {
    let dir = ScratchDir::new("ca-bundle-errors");

    let missing = dir.join("missing.pem");
    let e = CaBundle::from_pem_file(&missing).unwrap_err();
    assert!(matches!(e, CaBundleError::NotFound { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        format!("CA bundle {}: no such file", missing.display())
    );

    let not_pem = dir.join("not-pem.txt");
    std::fs::write(&not_pem, "this is not a certificate\n").unwrap();
    let e = CaBundle::from_pem_file(&not_pem).unwrap_err();
    assert!(matches!(e, CaBundleError::NoCertificate { .. }), "{e:?}");
    assert!(
        e.to_string().starts_with(&format!(
            "CA bundle {}: no PEM certificate",
            not_pem.display()
        )),
        "{e}"
    );

    // A DER certificate, as some tools write them.
    let pki = TestPki::new("sts test CA");
    let der_path = dir.join("ca.der");
    std::fs::write(&der_path, &pki.ca_der).unwrap();
    let e = CaBundle::from_pem_file(&der_path).unwrap_err();
    assert!(matches!(e, CaBundleError::NoCertificate { .. }), "{e:?}");
    assert!(e.to_string().contains("ca.der"), "{e}");

    // A directory is refused, not read.
    let e = CaBundle::from_pem_file(&dir).unwrap_err();
    assert!(matches!(e, CaBundleError::Unreadable { .. }), "{e:?}");
    assert!(e.to_string().contains(&dir.display().to_string()), "{e}");
}

/// A role assumer made from a builder that names a bundle file trusts that
/// bundle: it makes its transport without building a client, which used
/// to leave the file unread and the built-in roots in charge.
#[test]
fn a_role_assumer_trusts_the_bundle_file_of_its_builder() {
    use sts_blocking::Client;
    use sts_blocking::credentials::RoleAssumer;
    use sts_proto::Credentials;
    use sts_proto::ops::AssumeRole;

    let pki = TestPki::new("sts test CA");
    let server = TlsServer::start(&pki);
    let dir = ScratchDir::new("ca-bundle-role-assumer");
    let path = pki.write_ca(&dir, "ca.pem");
    let builder = || {
        Client::builder()
            .endpoint_url(server.url())
            .region("us-east-1")
            .proxy(ProxyConfig::new())
            .max_attempts(1)
    };
    let request = AssumeRole::new("arn:aws:iam::123456789012:role/r", "session");
    let source = || Credentials::new("AKIDEXAMPLE", "secret", None);
    // The server answers every request as GetCallerIdentity, so the role's
    // answer does not parse; what counts is that the TLS session was made.
    let e = RoleAssumer::new(builder().ca_bundle_file(&path))
        .assume_role_output(source(), &request)
        .unwrap_err();
    assert!(matches!(e, Error::Response(_)), "{e}");
    assert!(server.wait_for_requests(1, Duration::from_secs(5)));
    // A file that cannot be read fails every request, naming it.
    let missing = dir.join("missing.pem");
    let e = RoleAssumer::new(builder().ca_bundle_file(&missing))
        .assume_role_output(source(), &request)
        .unwrap_err();
    assert!(e.to_string().contains("missing.pem"), "{e}");
    assert_eq!(server.requests(), 1);
}
