//! The command line, named and flagged as the AWS CLI names them.

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

/// The arguments the tool reads itself: those before the first `--`.
/// After it come the command `sts exec` and `sts serve --exec` run, with
/// its own arguments, which the scans before clap (parameter documents,
/// input skeletons) must leave alone: `sts exec -- aws sts assume-role
/// --cli-input-json file://p.json` hands the child its document.
pub(crate) fn own(args: &[std::ffi::OsString]) -> &[std::ffi::OsString] {
    let end = args.iter().position(|a| a == "--").unwrap_or(args.len());
    args.get(..end).unwrap_or_default()
}

/// Talk to AWS STS without an async runtime: every STS operation, presigned
/// URLs, EKS tokens, and credentials for other programs (exec, serve).
#[derive(Debug, Parser)]
#[command(name = "sts", version, max_term_width = 100, args_override_self = true)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: Global,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Options every subcommand takes, under a heading of their own so that an
/// operation's help lists its parameters apart from them, as `aws … help`
/// does.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub(crate) struct Global {
    /// The region to send requests to (else AWS_REGION, AWS_DEFAULT_REGION,
    /// the profile's `region`, us-east-1).
    #[arg(long, global = true)]
    pub(crate) region: Option<String>,
    /// A named profile from the shared config and credentials files (else
    /// AWS_PROFILE, else default). Its settings apply where neither a flag
    /// nor the environment sets one, and its credentials win over those in
    /// the environment (without any, the container endpoint and instance
    /// metadata are asked, never the environment's keys); a name that is
    /// not defined is an error.
    #[arg(long, global = true)]
    pub(crate) profile: Option<String>,
    /// Send requests to this URL (else AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL,
    /// the profile's `services` section or `endpoint_url`, unless
    /// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true; else the region's STS
    /// endpoint, as AWS_USE_FIPS_ENDPOINT, AWS_USE_DUALSTACK_ENDPOINT and
    /// AWS_STS_REGIONAL_ENDPOINTS or the profile's keys choose it).
    #[arg(long, global = true)]
    pub(crate) endpoint_url: Option<String>,
    /// How to print the result (else AWS_DEFAULT_OUTPUT, else the
    /// profile's `output`, else json).
    #[arg(long, global = true, value_enum)]
    pub(crate) output: Option<Output>,
    /// A JMESPath expression applied to the result before it is printed
    /// (json, text, table, yaml, yaml-stream), e.g. `Credentials.AccessKeyId`.
    #[arg(long, global = true, value_name = "JMESPATH")]
    pub(crate) query: Option<String>,
    /// Do not verify TLS certificates. Anyone on the network path can then
    /// read and change the traffic, credentials included.
    #[arg(long, global = true)]
    pub(crate) no_verify_ssl: bool,
    /// A PEM file of the root certificates to trust instead of the built-in
    /// ones (else AWS_CA_BUNDLE, else the profile's `ca_bundle`, else
    /// REQUESTS_CA_BUNDLE).
    #[arg(long, global = true, value_name = "FILE")]
    pub(crate) ca_bundle: Option<std::path::PathBuf>,
    /// Seconds allowed to open a connection, TLS included (0 for no limit;
    /// default 60). With 0 an attempt has no overall limit either: only
    /// the read limit, each read on its own, bounds a server that answers
    /// a byte at a time.
    #[arg(long, global = true)]
    pub(crate) cli_connect_timeout: Option<u64>,
    /// Seconds the connection may stay silent, each read and write (0 for
    /// no limit; default 10, where the AWS CLI's is 60: STS answers in
    /// well under a second). An attempt gets both limits together, none
    /// when either is 0.
    /// Attempts: AWS_MAX_ATTEMPTS or the profile's `max_attempts`.
    #[arg(long, global = true)]
    pub(crate) cli_read_timeout: Option<u64>,
    /// The operation's parameters as a JSON object keyed by the model's
    /// member names (`{"RoleArn": …}`), inline or `file://path`; flags on
    /// the command line win over it.
    #[arg(long, global = true, value_name = "JSON")]
    pub(crate) cli_input_json: Option<String>,
    /// The same as YAML (block mappings and lists, as `--output yaml`
    /// prints them), inline or `file://path`.
    #[arg(long, global = true, value_name = "YAML")]
    pub(crate) cli_input_yaml: Option<String>,
    /// Print a skeleton instead of calling: `input` (the default), the
    /// parameters for --cli-input-json; `yaml-input`, the same as YAML for
    /// --cli-input-yaml, each parameter commented; `output`, a result with
    /// each value its member's name, through --query and --output.
    #[arg(long, global = true, num_args = 0..=1, default_missing_value = "input",
          value_parser = ["input", "output", "yaml-input"],
          value_name = "input|output|yaml-input")]
    pub(crate) generate_cli_skeleton: Option<String>,
    /// Print each signed request and its response, and the client's log
    /// lines, on stderr, secrets redacted.
    #[arg(long, global = true)]
    pub(crate) debug: bool,
    /// Send the request unsigned, without looking for credentials. STS
    /// takes unsigned requests only for assume-role-with-saml and
    /// assume-role-with-web-identity, which are sent unsigned anyway; any
    /// other command refuses the flag.
    #[arg(long, global = true)]
    pub(crate) no_sign_request: bool,
    /// Accepted as the AWS CLI v2 accepts it: this tool never pages.
    #[arg(long, global = true)]
    pub(crate) no_cli_pager: bool,
    /// Accepted as the AWS CLI v2 accepts it: this tool never prompts.
    #[arg(long, global = true)]
    pub(crate) no_cli_auto_prompt: bool,
    /// The AWS CLI v2's flag to prompt for the parameters. This tool never
    /// prompts: `auto_prompt::check` refuses the flag before the line is
    /// parsed, except where the AWS CLI v2 would not prompt either (a line
    /// asking for help or the version), and there it is taken and ignored.
    #[arg(long, global = true, hide = true)]
    pub(crate) cli_auto_prompt: bool,
    /// Accepted as the AWS CLI accepts it: no STS operation pages.
    #[arg(long, global = true)]
    pub(crate) no_paginate: bool,
    /// Accepted as the AWS CLI accepts it: this tool prints no colour.
    #[arg(long, global = true, value_parser = ["on", "off", "auto"])]
    pub(crate) color: Option<String>,
    /// Accepted as the AWS CLI v2 accepts it: no STS parameter or result
    /// is binary, so both forms read and print the same.
    #[arg(long, global = true, value_parser = ["base64", "raw-in-base64-out"])]
    pub(crate) cli_binary_format: Option<String>,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Output {
    /// The AWS CLI's JSON.
    Json,
    /// The AWS CLI's tab-separated text.
    Text,
    /// The AWS CLI's boxed table.
    Table,
    /// YAML, as the AWS CLI v2 prints it.
    Yaml,
    /// YAML, the result as the one item of a stream.
    YamlStream,
    /// `export AWS_…=…` lines for `eval`.
    Env,
    /// The `credential_process` JSON document (`Version: 1`).
    CredentialProcess,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Temporary credentials for a role.
    AssumeRole(AssumeRoleArgs),
    /// Temporary credentials for a role, from a SAML assertion (unsigned).
    #[command(name = "assume-role-with-saml")]
    AssumeRoleWithSaml(AssumeRoleWithSamlArgs),
    /// Temporary credentials for a role, from an OIDC token (unsigned).
    AssumeRoleWithWebIdentity(AssumeRoleWithWebIdentityArgs),
    /// Short-lived root credentials for a member account's privileged task.
    AssumeRoot(AssumeRootArgs),
    /// Decodes the authorization message of a denied request.
    DecodeAuthorizationMessage(DecodeArgs),
    /// The account that owns an access key id.
    GetAccessKeyInfo(AccessKeyArgs),
    /// Who the credentials belong to.
    GetCallerIdentity,
    /// Trades a delegation token for credentials.
    GetDelegatedAccessToken(DelegatedArgs),
    /// Temporary credentials for a federated user.
    GetFederationToken(FederationArgs),
    /// Temporary credentials for the calling user, usually with MFA.
    GetSessionToken(SessionArgs),
    /// The caller's temporary credentials, scoped down by a policy or a
    /// shorter life.
    GetScopedCredentials(ScopedCredentialsArgs),
    /// A signed JWT proving the caller's identity to an outside service.
    GetWebIdentityToken(WebIdentityTokenArgs),
    /// Prints a presigned URL for an operation.
    #[command(subcommand)]
    Presign(PresignCommand),
    /// Prints the ExecCredential that kubectl expects for an EKS cluster.
    EksToken(EksTokenArgs),
    // `eks get-token`, as kubeconfigs written by `aws eks
    // update-kubeconfig` run it: `eks-token` under the AWS CLI's words, so
    // that replacing `aws` by `sts` there is enough. Hidden: the help
    // names one of the two.
    /// The AWS CLI's `eks get-token`: the same as `sts eks-token`.
    #[command(subcommand, hide = true)]
    Eks(EksCommand),
    /// Runs a command with fresh temporary credentials and the region in
    /// its environment; its exit status is the tool's (127 if it is not
    /// found, 126 if it cannot be run, as in a shell). Nothing secret is
    /// printed.
    Exec(ExecArgs),
    /// Serves credentials to local AWS SDKs as the ECS container endpoint
    /// does, on 127.0.0.1 only, behind a token it makes up; refreshed
    /// before they expire.
    Serve(ServeArgs),
    /// Prints a completion script for a shell, e.g.
    /// `source <(sts completions bash)`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// Where `exec` and `serve` get their credentials.
#[derive(Debug, Args)]
pub(crate) struct SessionSource {
    /// Assume this role (else the profile's or the environment's
    /// credentials, exchanged for a session token when they are long-term).
    #[arg(long)]
    pub(crate) role_arn: Option<String>,
    /// The session name for --role-arn (2 to 64 of `[\w+=,.@-]`; default
    /// `sts-cli`).
    #[arg(long, requires = "role_arn")]
    pub(crate) role_session_name: Option<String>,
    /// How long the credentials last, in seconds: 900 to 43200 with
    /// --role-arn (AssumeRole), 900 to 129600 for a session token
    /// (GetSessionToken); the operation's default if not given. Without
    /// --role-arn, refused when the credentials are temporary already.
    #[arg(long)]
    pub(crate) duration_seconds: Option<i32>,
}

#[derive(Debug, Args)]
pub(crate) struct ExecArgs {
    #[command(flatten)]
    pub(crate) source: SessionSource,
    /// The command and its arguments, after `--` (which is required, so
    /// that none of them is taken for one of the tool's own flags).
    /// Not necessarily UTF-8 (a file name in another encoding), as any
    /// program's arguments.
    #[arg(required = true, last = true, value_name = "COMMAND")]
    pub(crate) command: Vec<std::ffi::OsString>,
}

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    #[command(flatten)]
    pub(crate) source: SessionSource,
    /// The port on 127.0.0.1 (0 for any free one).
    #[arg(long, default_value_t = 0)]
    pub(crate) port: u16,
    /// Refresh the credentials when they have less than this many seconds
    /// left.
    #[arg(long, default_value_t = 300, value_name = "SECONDS")]
    pub(crate) refresh_before: u64,
    /// Run COMMAND with AWS_CONTAINER_CREDENTIALS_FULL_URI and
    /// AWS_CONTAINER_AUTHORIZATION_TOKEN set, serve while it runs, and exit
    /// with its status (else print the two variables and serve until
    /// stopped: `eval "$(sts serve &)"` sets them in a shell). COMMAND gets none of the environment's other credentials,
    /// and copies of the profile files without the default profile's
    /// credentials, which SDKs read before the endpoint. Without --exec,
    /// the shell that sets the two variables must hold no such credentials
    /// itself: no AWS_ACCESS_KEY_ID or AWS_PROFILE, and a default profile
    /// without keys, role, SSO or credential_process. While COMMAND runs,
    /// Ctrl-C is left to it and SIGTERM and SIGHUP are passed on to it
    /// (signals ignored when the tool starts, as under nohup, stay ignored
    /// for it); a COMMAND killed by SIGINT, SIGTERM or SIGHUP ends the tool
    /// by the same signal.
    #[arg(long, requires = "command")]
    pub(crate) exec: bool,
    /// The command for --exec and its arguments, after `--` (which is
    /// required).
    #[arg(requires = "exec", last = true, value_name = "COMMAND")]
    pub(crate) command: Vec<std::ffi::OsString>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum PresignCommand {
    /// A presigned GetCallerIdentity URL (as EKS and Vault use).
    GetCallerIdentity {
        /// Seconds the URL stays valid, 1 to 604800.
        #[arg(long, default_value_t = 900,
              value_parser = clap::value_parser!(u64).range(1..=604_800))]
        expires_in: u64,
    },
}

/// `sts eks …`: only `get-token`.
#[derive(Debug, Subcommand)]
pub(crate) enum EksCommand {
    /// The same as `sts eks-token`.
    GetToken(EksTokenArgs),
}

/// The flags of `aws eks get-token`, which kubeconfigs written by `aws eks
/// update-kubeconfig` pass (`--output json` among them, accepted here).
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("cluster").required(true).args(["cluster_name", "cluster_id"])))]
pub(crate) struct EksTokenArgs {
    /// The cluster's name.
    #[arg(long)]
    pub(crate) cluster_name: Option<String>,
    /// The cluster's id, instead of its name: for local clusters on AWS
    /// Outposts.
    #[arg(long)]
    pub(crate) cluster_id: Option<String>,
    /// Sign the token with the credentials of this role, assumed with the
    /// session name `EKSGetTokenAuth` (else with the profile's or the
    /// environment's credentials).
    #[arg(long)]
    pub(crate) role_arn: Option<String>,
}

/// The session policy flags of every operation that takes session policies.
#[derive(Debug, Args)]
pub(crate) struct SessionPolicyArgs {
    #[arg(long, num_args = 1.., action = ArgAction::Set, value_name = "arn=ARN")]
    pub(crate) policy_arns: Vec<String>,
    #[arg(long)]
    pub(crate) policy: Option<String>,
}

/// The MFA flags of every operation that takes an MFA code.
#[derive(Debug, Args)]
pub(crate) struct MfaArgs {
    #[arg(long)]
    pub(crate) serial_number: Option<String>,
    #[arg(long)]
    pub(crate) token_code: Option<String>,
}

/// The session tag flags of every operation that takes transitive tags.
#[derive(Debug, Args)]
pub(crate) struct SessionTagsArgs {
    #[arg(long, num_args = 1.., action = ArgAction::Set, value_name = "Key=K,Value=V")]
    pub(crate) tags: Vec<String>,
    #[arg(long, num_args = 1.., action = ArgAction::Set)]
    pub(crate) transitive_tag_keys: Vec<String>,
}

/// Values may be given as `file://path` to read them from a file.
#[derive(Debug, Args)]
pub(crate) struct AssumeRoleArgs {
    #[arg(long)]
    pub(crate) role_arn: String,
    #[arg(long)]
    pub(crate) role_session_name: String,
    #[command(flatten)]
    pub(crate) session_policy: SessionPolicyArgs,
    #[arg(long)]
    pub(crate) duration_seconds: Option<i32>,
    #[command(flatten)]
    pub(crate) session_tags: SessionTagsArgs,
    #[arg(long)]
    pub(crate) external_id: Option<String>,
    #[command(flatten)]
    pub(crate) mfa: MfaArgs,
    #[arg(long)]
    pub(crate) source_identity: Option<String>,
    #[arg(long, num_args = 1.., action = ArgAction::Set, value_name = "ProviderArn=A,ContextAssertion=C")]
    pub(crate) provided_contexts: Vec<String>,
    #[arg(long)]
    pub(crate) minimum_session_token_size: Option<i32>,
}

#[derive(Debug, Args)]
pub(crate) struct AssumeRoleWithSamlArgs {
    #[arg(long)]
    pub(crate) role_arn: String,
    #[arg(long)]
    pub(crate) principal_arn: String,
    #[arg(long)]
    pub(crate) saml_assertion: String,
    #[command(flatten)]
    pub(crate) session_policy: SessionPolicyArgs,
    #[arg(long)]
    pub(crate) duration_seconds: Option<i32>,
    #[arg(long)]
    pub(crate) minimum_session_token_size: Option<i32>,
}

#[derive(Debug, Args)]
pub(crate) struct AssumeRoleWithWebIdentityArgs {
    #[arg(long)]
    pub(crate) role_arn: String,
    #[arg(long)]
    pub(crate) role_session_name: String,
    #[arg(long)]
    pub(crate) web_identity_token: String,
    #[arg(long)]
    pub(crate) provider_id: Option<String>,
    #[command(flatten)]
    pub(crate) session_policy: SessionPolicyArgs,
    #[arg(long)]
    pub(crate) duration_seconds: Option<i32>,
    #[arg(long)]
    pub(crate) minimum_session_token_size: Option<i32>,
}

#[derive(Debug, Args)]
pub(crate) struct AssumeRootArgs {
    #[arg(long)]
    pub(crate) target_principal: String,
    #[arg(long, value_name = "arn=ARN")]
    pub(crate) task_policy_arn: String,
    #[arg(long)]
    pub(crate) duration_seconds: Option<i32>,
    #[arg(long)]
    pub(crate) minimum_session_token_size: Option<i32>,
}

#[derive(Debug, Args)]
pub(crate) struct DecodeArgs {
    #[arg(long)]
    pub(crate) encoded_message: String,
}

#[derive(Debug, Args)]
pub(crate) struct AccessKeyArgs {
    #[arg(long)]
    pub(crate) access_key_id: String,
}

#[derive(Debug, Args)]
pub(crate) struct DelegatedArgs {
    #[arg(long)]
    pub(crate) trade_in_token: String,
}

#[derive(Debug, Args)]
pub(crate) struct FederationArgs {
    #[arg(long)]
    pub(crate) name: String,
    #[command(flatten)]
    pub(crate) session_policy: SessionPolicyArgs,
    #[arg(long)]
    pub(crate) duration_seconds: Option<i32>,
    #[arg(long, num_args = 1.., action = ArgAction::Set, value_name = "Key=K,Value=V")]
    pub(crate) tags: Vec<String>,
    #[arg(long)]
    pub(crate) minimum_session_token_size: Option<i32>,
}

#[derive(Debug, Args)]
pub(crate) struct SessionArgs {
    #[arg(long)]
    pub(crate) duration_seconds: Option<i32>,
    #[command(flatten)]
    pub(crate) mfa: MfaArgs,
    #[arg(long)]
    pub(crate) minimum_session_token_size: Option<i32>,
}

#[derive(Debug, Args)]
pub(crate) struct ScopedCredentialsArgs {
    #[arg(long)]
    pub(crate) policy: Option<String>,
    #[arg(long)]
    pub(crate) duration_seconds: Option<i32>,
    #[arg(long)]
    pub(crate) minimum_session_token_size: Option<i32>,
    #[arg(long)]
    pub(crate) scoped_session_description: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct WebIdentityTokenArgs {
    #[arg(long, num_args = 1.., action = ArgAction::Set, required = true)]
    pub(crate) audience: Vec<String>,
    #[arg(long)]
    pub(crate) duration_seconds: Option<i32>,
    #[arg(long)]
    pub(crate) signing_algorithm: String,
    #[arg(long)]
    pub(crate) scope: Option<String>,
    #[arg(long)]
    pub(crate) subject_mode: Option<String>,
    #[arg(long, num_args = 1.., action = ArgAction::Set, value_name = "Key=K,Value=V")]
    pub(crate) tags: Vec<String>,
}
