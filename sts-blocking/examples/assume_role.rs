//! Assume a role, then act as it: `cargo run --example assume_role -- ROLE_ARN`.
//!
//! The first client finds its settings and credentials as the AWS CLI
//! does (environment, `~/.aws/config`, `~/.aws/credentials`); the second
//! signs with the role's temporary credentials.

use sts_blocking::Client;
use sts_proto::ops::AssumeRole;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Some(role_arn) = std::env::args().nth(1) else {
        eprintln!("usage: assume_role ROLE_ARN");
        std::process::exit(2);
    };
    let client = Client::from_env()?;
    let session =
        client.assume_role(&AssumeRole::new(role_arn, "sts-rs-example").duration_seconds(900))?;
    println!(
        "assumed {} until {:?}",
        session
            .assumed_role_user
            .as_ref()
            .map_or("the role", |u| u.arn.as_str()),
        session.credentials.expiration()
    );

    // The role's credentials, with the same region and endpoint.
    let as_role = Client::builder()
        .from_env()?
        .credentials(session.credentials)
        .build()?;
    let me = as_role.get_caller_identity()?;
    println!("now calling as {}", me.arn.as_deref().unwrap_or("?"));
    Ok(())
}
