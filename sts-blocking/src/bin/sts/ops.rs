//! One arm per subcommand: arguments to a typed request, the call, and
//! the printed result.

use sts_blocking::sts_proto::Operation;
use sts_blocking::sts_proto::ops::*;
use sts_blocking::sts_proto::types::{PolicyDescriptor, ProvidedContext, Tag};
use sts_blocking::{Client, Error};

use crate::args::{
    Cli, Command, EksCommand, MfaArgs, PresignCommand, SessionPolicyArgs, SessionTagsArgs,
};
use crate::render::{Render, Rendered};
use crate::shorthand::{UsageError, Values, member_opt};
use crate::{Failure, eks, print, setup};

/// `v` reads the operation's flag values: as typed, or as a parameters
/// document gave them.
pub(crate) fn dispatch(cli: &Cli, v: &Values) -> Result<String, Failure> {
    let g = &cli.global;
    match &cli.command {
        Command::AssumeRole(a) => {
            let mut op = AssumeRole::new(
                v.value("role-arn", &a.role_arn)?,
                v.value("role-session-name", &a.role_session_name)?,
            );
            op.session_policy = session_policy(v, &a.session_policy)?;
            op.duration_seconds = a.duration_seconds;
            op.session_tags = session_tags(v, &a.session_tags)?;
            op.external_id = v.opt("external-id", &a.external_id)?;
            op.mfa = mfa(v, &a.mfa)?;
            op.source_identity = v.opt("source-identity", &a.source_identity)?;
            op.provided_contexts = provided_contexts(v, &a.provided_contexts)?;
            op.minimum_session_token_size = a.minimum_session_token_size;
            call(cli, &op, Client::assume_role)
        }
        Command::AssumeRoleWithSaml(a) => {
            let mut op = AssumeRoleWithSaml::new(
                v.value("role-arn", &a.role_arn)?,
                v.value("principal-arn", &a.principal_arn)?,
                v.value("saml-assertion", &a.saml_assertion)?,
            );
            op.session_policy = session_policy(v, &a.session_policy)?;
            op.duration_seconds = a.duration_seconds;
            op.minimum_session_token_size = a.minimum_session_token_size;
            call(cli, &op, Client::assume_role_with_saml)
        }
        Command::AssumeRoleWithWebIdentity(a) => {
            let mut op = AssumeRoleWithWebIdentity::new(
                v.value("role-arn", &a.role_arn)?,
                v.value("role-session-name", &a.role_session_name)?,
                v.value("web-identity-token", &a.web_identity_token)?,
            );
            op.provider_id = v.opt("provider-id", &a.provider_id)?;
            op.session_policy = session_policy(v, &a.session_policy)?;
            op.duration_seconds = a.duration_seconds;
            op.minimum_session_token_size = a.minimum_session_token_size;
            call(cli, &op, Client::assume_role_with_web_identity)
        }
        Command::AssumeRoot(a) => {
            let task = v.structure("task-policy-arn", &a.task_policy_arn, &["arn"])?;
            let arn = v.member("task-policy-arn", &task, "arn")?;
            let mut op = AssumeRoot::new(v.value("target-principal", &a.target_principal)?, arn);
            op.duration_seconds = a.duration_seconds;
            op.minimum_session_token_size = a.minimum_session_token_size;
            call(cli, &op, Client::assume_root)
        }
        Command::DecodeAuthorizationMessage(a) => {
            let op =
                DecodeAuthorizationMessage::new(v.value("encoded-message", &a.encoded_message)?);
            call(cli, &op, Client::decode_authorization_message)
        }
        Command::GetAccessKeyInfo(a) => call(
            cli,
            &GetAccessKeyInfo::new(v.value("access-key-id", &a.access_key_id)?),
            Client::get_access_key_info,
        ),
        Command::GetCallerIdentity => call(cli, &GetCallerIdentity::new(), |c, _| {
            c.get_caller_identity()
        }),
        Command::GetDelegatedAccessToken(a) => {
            let op = GetDelegatedAccessToken::new(v.value("trade-in-token", &a.trade_in_token)?);
            call(cli, &op, Client::get_delegated_access_token)
        }
        Command::GetFederationToken(a) => {
            let mut op = GetFederationToken::new(v.value("name", &a.name)?);
            op.session_policy = session_policy(v, &a.session_policy)?;
            op.duration_seconds = a.duration_seconds;
            op.tags = tags(v, &a.tags)?;
            op.minimum_session_token_size = a.minimum_session_token_size;
            call(cli, &op, Client::get_federation_token)
        }
        Command::GetSessionToken(a) => {
            let mut op = GetSessionToken::new();
            op.duration_seconds = a.duration_seconds;
            op.mfa = mfa(v, &a.mfa)?;
            op.minimum_session_token_size = a.minimum_session_token_size;
            call(cli, &op, Client::get_session_token)
        }
        Command::GetScopedCredentials(a) => {
            let mut op = GetScopedCredentials::default();
            op.policy = v.opt("policy", &a.policy)?;
            op.duration_seconds = a.duration_seconds;
            op.minimum_session_token_size = a.minimum_session_token_size;
            op.scoped_session_description =
                v.opt("scoped-session-description", &a.scoped_session_description)?;
            call(cli, &op, Client::get_scoped_credentials)
        }
        Command::GetWebIdentityToken(a) => {
            let audience = v.strings("audience", &a.audience)?;
            let mut op = GetWebIdentityToken::new(
                audience.first().cloned().unwrap_or_default(),
                v.value("signing-algorithm", &a.signing_algorithm)?,
            );
            op.audience = audience;
            op.duration_seconds = a.duration_seconds;
            op.scope = v.opt("scope", &a.scope)?;
            op.subject_mode = v.opt("subject-mode", &a.subject_mode)?;
            op.tags = tags(v, &a.tags)?;
            call(cli, &op, Client::get_web_identity_token)
        }
        Command::Presign(PresignCommand::GetCallerIdentity { expires_in }) => {
            let client = setup::client(g, GetCallerIdentity::ACTION)?;
            let url = eks::presigned_get_caller_identity(&client, *expires_in, &[])?;
            Ok(format!("{url}\n"))
        }
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(*shell, &mut crate::help::command(), "sts", &mut out);
            Ok(String::from_utf8_lossy(&out).into_owned())
        }
        Command::Exec(_) | Command::Serve(_) => Err(Failure::Usage(
            "exec and serve are not calls to print".into(),
        )),
        Command::EksToken(a) | Command::Eks(EksCommand::GetToken(a)) => {
            let client = setup::client(g, GetCallerIdentity::ACTION)?;
            // As `aws eks get-token`: the id, for a local cluster on
            // Outposts, where one is given (clap allows only one).
            let cluster = a.cluster_id.as_ref().or(a.cluster_name.as_ref());
            let cluster = cluster.ok_or_else(|| {
                Failure::Usage("one of --cluster-name and --cluster-id is required".into())
            })?;
            eks::exec_credential(&client, cluster, a.role_arn.as_deref())
        }
    }
}

/// The operation `command` calls, if it is one.
pub(crate) fn action(command: &Command) -> Option<&'static str> {
    Some(match command {
        Command::AssumeRole(_) => AssumeRole::ACTION,
        Command::AssumeRoleWithSaml(_) => AssumeRoleWithSaml::ACTION,
        Command::AssumeRoleWithWebIdentity(_) => AssumeRoleWithWebIdentity::ACTION,
        Command::AssumeRoot(_) => AssumeRoot::ACTION,
        Command::DecodeAuthorizationMessage(_) => DecodeAuthorizationMessage::ACTION,
        Command::GetAccessKeyInfo(_) => GetAccessKeyInfo::ACTION,
        Command::GetCallerIdentity => GetCallerIdentity::ACTION,
        Command::GetDelegatedAccessToken(_) => GetDelegatedAccessToken::ACTION,
        Command::GetFederationToken(_) => GetFederationToken::ACTION,
        Command::GetSessionToken(_) => GetSessionToken::ACTION,
        Command::GetScopedCredentials(_) => GetScopedCredentials::ACTION,
        Command::GetWebIdentityToken(_) => GetWebIdentityToken::ACTION,
        Command::Presign(_)
        | Command::EksToken(_)
        | Command::Eks(_)
        | Command::Exec(_)
        | Command::Serve(_)
        | Command::Completions { .. } => return None,
    })
}

/// Validates before anything else (so a bad request never needs
/// credentials or the network), then calls and prints.
fn call<Op, O>(
    cli: &Cli,
    op: &Op,
    method: impl Fn(&Client, &Op) -> Result<O, Error>,
) -> Result<String, Failure>
where
    Op: Operation,
    O: Render,
{
    let valid = op.validate().map_err(Error::from);
    run(cli, Op::ACTION, valid, O::CREDENTIALS, &|client| {
        method(client, op).map(|output| output.render())
    })
}

/// [`call`] once the request is typed: the same code for every operation.
fn run(
    cli: &Cli,
    action: &'static str,
    valid: Result<(), Error>,
    gives_credentials: bool,
    method: &dyn Fn(&Client) -> Result<Rendered, Error>,
) -> Result<String, Failure> {
    let fail = |error: Error| Failure::call(action, error);
    valid.map_err(fail)?;
    crate::check_credentials_output(&cli.global, gives_credentials)?;
    let client = setup::client(&cli.global, action)?;
    crate::attempts::start_call();
    let output = method(&client).map_err(|e| fail(e).at(&client.endpoint().url))?;
    print(&cli.global, action, output)
}

fn policy_arns(v: &Values, args: &[String]) -> Result<Vec<PolicyDescriptor>, UsageError> {
    Ok(v.structures("policy-arns", args, &["arn"])?
        .iter()
        .map(|s| {
            let mut policy = PolicyDescriptor::default();
            policy.arn = member_opt(s, "arn");
            policy
        })
        .collect())
}

fn session_policy(v: &Values, args: &SessionPolicyArgs) -> Result<SessionPolicy, UsageError> {
    let mut group = SessionPolicy::default();
    group.arns = policy_arns(v, &args.policy_arns)?;
    group.inline = v.opt("policy", &args.policy)?;
    Ok(group)
}

fn mfa(v: &Values, args: &MfaArgs) -> Result<Mfa, UsageError> {
    let mut group = Mfa::default();
    group.serial_number = v.opt("serial-number", &args.serial_number)?;
    group.token_code = v.opt("token-code", &args.token_code)?.map(Into::into);
    Ok(group)
}

fn session_tags(v: &Values, args: &SessionTagsArgs) -> Result<SessionTags, UsageError> {
    let mut group = SessionTags::default();
    group.tags = tags(v, &args.tags)?;
    group.transitive_tag_keys = v.strings("transitive-tag-keys", &args.transitive_tag_keys)?;
    Ok(group)
}

fn tags(v: &Values, args: &[String]) -> Result<Vec<Tag>, UsageError> {
    v.structures("tags", args, &["Key", "Value"])?
        .iter()
        .map(|s| {
            Ok(Tag::new(
                v.member("tags", s, "Key")?,
                v.member("tags", s, "Value")?,
            ))
        })
        .collect()
}

fn provided_contexts(v: &Values, args: &[String]) -> Result<Vec<ProvidedContext>, UsageError> {
    Ok(v.structures(
        "provided-contexts",
        args,
        &["ProviderArn", "ContextAssertion"],
    )?
    .iter()
    .map(|s| {
        let mut context = ProvidedContext::default();
        context.provider_arn = member_opt(s, "ProviderArn");
        context.context_assertion = member_opt(s, "ContextAssertion").map(Into::into);
        context
    })
    .collect())
}
