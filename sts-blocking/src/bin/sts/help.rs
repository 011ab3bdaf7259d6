//! The command line with its help from the STS model: each operation's
//! subcommand and flags get the line [`crate::model_help::HELP`] holds for them,
//! so that the help says what AWS says and cannot drift from the model.

use clap::CommandFactory;

use crate::args::Cli;
use crate::model_help::HELP;

/// `name` without separators or case: `assume-role-with-saml`,
/// `AssumeRoleWithSAML` and `role_arn`/`RoleArn` compare equal.
fn squash(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// The command line, with the model's help on every subcommand and flag
/// that is an operation or one of its members.
pub(crate) fn command() -> clap::Command {
    let mut cmd = Cli::command();
    for (operation, member, text) in HELP {
        let Some(name) = cmd
            .get_subcommands()
            .find(|s| squash(s.get_name()) == squash(operation))
            .map(|s| s.get_name().to_owned())
        else {
            continue;
        };
        cmd = cmd.mut_subcommand(name, |sub| {
            if member.is_empty() {
                return sub.about(*text);
            }
            let id = sub
                .get_arguments()
                .find(|a| squash(a.get_id().as_str()) == squash(member))
                .map(|a| a.get_id().clone());
            match id {
                Some(id) => sub.mut_arg(id, |a| a.help(*text)),
                None => sub,
            }
        });
    }
    cmd
}
