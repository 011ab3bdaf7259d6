//! A private CA trusted through each of the five ways to name a CA bundle
//! (`AWS_CA_BUNDLE`, a profile's `ca_bundle`, `REQUESTS_CA_BUNDLE`,
//! `ClientBuilder::ca_bundle_file` and the `sts` tool's `--ca-bundle`), all
//! through the one resolver, and a
//! missing or non-PEM bundle refused with an error that names the file and
//! where the setting came from.

mod tls_support;

use std::path::Path;
use std::process::Command;

use sts_blocking::credentials::ProviderConfig;
use sts_blocking::env::MapEnv;
use sts_blocking::{Client, ClientBuilder};
use sts_proto::Credentials;
use sts_tests::ScratchDir;
use tls_support::{ARN, TestPki, TlsServer};

/// A builder for `server` with fixed keys, before any configuration.
fn builder(server: &TlsServer) -> ClientBuilder {
    Client::builder()
        .endpoint_url(server.url())
        .region("us-east-1")
        .credentials(Credentials::new("AKIDEXAMPLE", "secret", None))
        .max_attempts(1)
}

/// An environment whose profile files are in `dir` (with `config` as the
/// config file), plus `vars`.
fn config(dir: &Path, config: &str, vars: &[(&str, String)]) -> ProviderConfig {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("config"), config).unwrap();
    let mut env: Vec<(String, String)> = vec![
        ("HOME".into(), dir.display().to_string()),
        (
            "AWS_CONFIG_FILE".into(),
            dir.join("config").display().to_string(),
        ),
        (
            "AWS_SHARED_CREDENTIALS_FILE".into(),
            dir.join("none").display().to_string(),
        ),
    ];
    env.extend(vars.iter().map(|(k, v)| (k.to_string(), v.clone())));
    ProviderConfig::new().with_env(MapEnv::new(env))
}

fn works(client: Client) {
    let me = client.get_caller_identity().unwrap();
    assert_eq!(me.arn.as_deref(), Some(ARN));
}

fn fails_to_connect(client: Client) {
    let e = client.get_caller_identity().unwrap_err();
    assert!(e.status().is_none(), "{e}");
}

#[test]
fn each_way_to_name_a_bundle_trusts_the_private_ca() {
    let pki = TestPki::new("sources CA");
    let server = TlsServer::start(&pki);
    let dir = ScratchDir::new("ca-sources");
    let ca = pki.write_ca(&dir, "ca.pem");
    let ca_text = ca.display().to_string();

    // Without a bundle the built-in roots do not know the CA.
    fails_to_connect(
        builder(&server)
            .from_config(&config(&dir.join("none"), "", &[]))
            .unwrap()
            .build()
            .unwrap(),
    );
    // AWS_CA_BUNDLE.
    let env = config(&dir.join("env"), "", &[("AWS_CA_BUNDLE", ca_text.clone())]);
    works(builder(&server).from_config(&env).unwrap().build().unwrap());
    // REQUESTS_CA_BUNDLE, botocore's last resort, and in the tool.
    let requests = config(
        &dir.join("requests"),
        "",
        &[("REQUESTS_CA_BUNDLE", ca_text.clone())],
    );
    works(
        builder(&server)
            .from_config(&requests)
            .unwrap()
            .build()
            .unwrap(),
    );
    let out = sts(
        &["--endpoint-url", &server.url()],
        &dir.join("cli-requests"),
        &[("REQUESTS_CA_BUNDLE", &ca_text)],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The profile's `ca_bundle`.
    let profile = config(
        &dir.join("profile"),
        &format!("[profile private]\nca_bundle = {ca_text}\n"),
        &[("AWS_PROFILE", "private".to_owned())],
    );
    works(
        builder(&server)
            .from_config(&profile)
            .unwrap()
            .build()
            .unwrap(),
    );
    // The builder option, alone and over a bad environment value.
    works(builder(&server).ca_bundle_file(&ca).build().unwrap());
    let bad_env = config(
        &dir.join("bad-env"),
        "",
        &[("AWS_CA_BUNDLE", "/nonexistent/ca.pem".to_owned())],
    );
    works(
        builder(&server)
            .ca_bundle_file(&ca)
            .from_config(&bad_env)
            .unwrap()
            .build()
            .unwrap(),
    );
    // A bundle the program made itself wins over the environment's, bad or
    // naming another CA (which replaced it, or failed from_config).
    let bundle = || sts_blocking::tls::CaBundle::from_pem_file(&ca).unwrap();
    works(
        builder(&server)
            .ca_bundle(bundle())
            .from_config(&bad_env)
            .unwrap()
            .build()
            .unwrap(),
    );
    let other_ca = TestPki::new("another CA").write_ca(&dir, "other.pem");
    let other_env = config(
        &dir.join("other-env"),
        "",
        &[("AWS_CA_BUNDLE", other_ca.display().to_string())],
    );
    works(
        builder(&server)
            .ca_bundle(bundle())
            .from_config(&other_env)
            .unwrap()
            .build()
            .unwrap(),
    );
    // The tool's flag.
    let out = sts(
        &["--ca-bundle", &ca_text, "--endpoint-url", &server.url()],
        &dir.join("cli"),
        &[],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains(ARN));
    let out = sts(&["--endpoint-url", &server.url()], &dir.join("cli"), &[]);
    assert!(!out.status.success(), "the tool trusted a private CA");
}

#[test]
fn a_missing_or_non_pem_bundle_names_the_file_and_the_setting() {
    let dir = ScratchDir::new("ca-errors");
    let missing = dir.join("missing.pem");
    let not_pem = dir.join("not.pem");
    std::fs::write(&not_pem, "this is not a certificate\n").unwrap();
    for file in [&missing, &not_pem] {
        let name = file.display().to_string();
        let check = |text: String, origin: &str| {
            assert!(
                text.contains(&name) && text.contains(origin),
                "{origin}: {text}"
            );
        };
        let env = config(&dir.join("env"), "", &[("AWS_CA_BUNDLE", name.clone())]);
        check(
            Client::builder().from_config(&env).unwrap_err().to_string(),
            "AWS_CA_BUNDLE",
        );
        let profile = config(
            &dir.join("profile"),
            &format!("[default]\nca_bundle = {name}\n"),
            &[],
        );
        check(
            Client::builder()
                .from_config(&profile)
                .unwrap_err()
                .to_string(),
            "`ca_bundle` of profile \"default\"",
        );
        check(
            Client::builder()
                .region("us-east-1")
                .ca_bundle_file(file)
                .build()
                .unwrap_err()
                .to_string(),
            "the program's settings",
        );
        let out = sts(&["--ca-bundle", &name], &dir.join("cli"), &[]);
        assert!(!out.status.success());
        check(
            String::from_utf8_lossy(&out.stderr).into_owned(),
            "CA bundle",
        );
    }
}

/// Runs `sts get-caller-identity` with `args`, keys in the environment and
/// an empty HOME at `home`.
fn sts(args: &[&str], home: &Path, env: &[(&str, &str)]) -> std::process::Output {
    std::fs::create_dir_all(home).unwrap();
    let mut cmd = Command::new(sts_tests::cargo::sts_binary());
    cmd.args(args)
        .arg("get-caller-identity")
        .env_clear()
        .env("HOME", home)
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_MAX_ATTEMPTS", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}
