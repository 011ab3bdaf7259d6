//! The credential providers end to end against moto: real profile files
//! on disk, real STS calls, signature checking on where moto allows it.

use sts_blocking::Client;
use sts_blocking::credentials::{
    CachingProvider, ProfileProvider, ProvideCredentials, ProviderConfig,
};
use sts_blocking::env::MapEnv;
use sts_tests::{Moto, ScratchDir};

/// A fresh folder for one test's files, removed when dropped.
fn scratch(name: &str) -> ScratchDir {
    ScratchDir::new(&format!("creds-{name}"))
}

/// A provider configuration that reads only `config` and `credentials`
/// and sees only the variables given (no developer's ~/.aws, no AWS_*).
fn config_for(
    dir: &std::path::Path,
    config: &str,
    credentials: &str,
    vars: &[(&str, &str)],
) -> ProviderConfig {
    let config_path = dir.join("config");
    let credentials_path = dir.join("credentials");
    std::fs::write(&config_path, config).unwrap();
    std::fs::write(&credentials_path, credentials).unwrap();
    let mut env: Vec<(String, String)> = vec![
        ("HOME".into(), dir.display().to_string()),
        ("AWS_CONFIG_FILE".into(), config_path.display().to_string()),
        (
            "AWS_SHARED_CREDENTIALS_FILE".into(),
            credentials_path.display().to_string(),
        ),
    ];
    env.extend(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    ProviderConfig::new().with_env(MapEnv::new(env))
}

fn caller_arn(moto: &Moto, provider: impl ProvideCredentials + 'static) -> String {
    Client::builder()
        .endpoint_url(&moto.endpoint)
        .region(&moto.region)
        .credentials_provider(provider)
        .build()
        .unwrap()
        .get_caller_identity()
        .unwrap()
        .arn
        .unwrap()
}

#[test]
fn a_source_profile_role_role_chain_ends_as_the_second_role() {
    let moto = Moto::shared_auth();
    let dir = scratch("chain");
    let config = format!(
        "[profile second]\n\
         role_arn = {role2}\n\
         source_profile = first\n\
         role_session_name = chained-session\n\
         \n\
         [profile first]\n\
         role_arn = {role1}\n\
         source_profile = base\n\
         role_session_name = {chain_session}\n\
         duration_seconds = 900\n\
         \n\
         [profile base]\n\
         region = {region}\n\
         endpoint_url = {endpoint}\n",
        role1 = moto.role_arn,
        role2 = moto.role2_arn,
        chain_session = moto.chain_session_name,
        region = moto.region,
        endpoint = moto.endpoint,
    );
    // The endpoint for the role calls comes from the selected profile:
    // give every profile in the chain the same, as a user would.
    let config = config.replace(
        "[profile second]\n",
        &format!(
            "[profile second]\nregion = {}\nendpoint_url = {}\n",
            moto.region, moto.endpoint
        ),
    );
    let credentials = format!(
        "[base]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
        moto.access_key_id, moto.secret_access_key
    );
    let cfg = config_for(&dir, &config, &credentials, &[("AWS_PROFILE", "second")]);
    let provider = CachingProvider::new(ProfileProvider::new(&cfg));
    let creds = provider.provide_credentials().unwrap();
    assert!(
        creds.access_key_id().starts_with("ASIA"),
        "{}",
        creds.access_key_id()
    );
    assert!(creds.expiration().is_some());

    let arn = caller_arn(moto, provider);
    let role2_name = moto.role2_arn.rsplit('/').next().unwrap();
    assert_eq!(
        arn,
        format!(
            "arn:aws:sts::{}:assumed-role/{role2_name}/chained-session",
            moto.account_id
        )
    );

    // The base profile on its own is the IAM user.
    let base = ProfileProvider::for_profile(&cfg, "base");
    assert_eq!(caller_arn(moto, base), moto.user_arn);
}

#[test]
fn a_wrong_secret_in_the_source_profile_fails_with_the_service_error() {
    let moto = Moto::shared_auth();
    let dir = scratch("wrong-secret");
    let config = format!(
        "[profile role]\nrole_arn = {}\nsource_profile = base\nregion = {}\nendpoint_url = {}\n",
        moto.role_arn, moto.region, moto.endpoint
    );
    let credentials = format!(
        "[base]\naws_access_key_id = {}\naws_secret_access_key = not-the-secret\n",
        moto.access_key_id
    );
    let cfg = config_for(&dir, &config, &credentials, &[("AWS_PROFILE", "role")]);
    let err = ProfileProvider::new(&cfg)
        .provide_credentials()
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("profile \"role\""), "{text}");
    assert!(text.contains("SignatureDoesNotMatch"), "{text}");
    assert!(!text.contains("not-the-secret"), "{text}");
}

#[test]
fn a_web_identity_token_file_profile_on_an_auth_off_server() {
    let moto = Moto::shared_no_auth();
    let dir = scratch("web-identity");
    let token = dir.join("token.jwt");
    std::fs::write(&token, "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ0ZXN0In0.\n").unwrap();
    let config = format!(
        "[default]\nrole_arn = {}\nweb_identity_token_file = {}\nrole_session_name = from-file\n\
         region = {}\nendpoint_url = {}\n",
        moto.web_identity_role_arn,
        token.display(),
        moto.region,
        moto.endpoint
    );
    let cfg = config_for(&dir, &config, "", &[]);
    let creds = ProfileProvider::new(&cfg).provide_credentials().unwrap();
    assert!(creds.session_token().is_some());

    // The same through the environment (the EKS / IRSA variables), and
    // the token file is read again on every call: removing it breaks the
    // next call.
    let cfg = config_for(
        &dir,
        "",
        "",
        &[
            ("AWS_WEB_IDENTITY_TOKEN_FILE", &token.display().to_string()),
            ("AWS_ROLE_ARN", &moto.web_identity_role_arn),
            ("AWS_ROLE_SESSION_NAME", "from-env"),
            ("AWS_REGION", &moto.region),
            ("AWS_ENDPOINT_URL_STS", &moto.endpoint),
        ],
    );
    let provider = sts_blocking::credentials::WebIdentityProvider::from_env(&cfg);
    assert!(
        provider
            .provide_credentials()
            .unwrap()
            .session_token()
            .is_some()
    );
    std::fs::remove_file(&token).unwrap();
    let err = provider.provide_credentials().unwrap_err();
    assert!(err.to_string().contains("token.jwt"), "{err}");
}
