//! The command line with its help from the STS model: each operation's
//! subcommand and flags get the line [`crate::model_help::HELP`] holds for them,
//! so that the help says what AWS says and cannot drift from the model.

use clap::CommandFactory;

use crate::args::Cli;
use crate::model_help::HELP;

/// `name` without separators or case: `assume-role-with-saml`,
/// `AssumeRoleWithSAML` and `role_arn`/`RoleArn` compare equal.
pub(crate) fn squash(name: &str) -> String {
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
    negative_numbers_are_values(hide_printing_flags(cmd))
}

/// `cmd` with a negative number taken as the value of an operation's flag
/// (`--external-id -12345`, `--transitive-tag-keys a -1`), as the AWS
/// CLI's argparse takes it, instead of refusing it as an unknown flag.
fn negative_numbers_are_values(mut cmd: clap::Command) -> clap::Command {
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    for name in names {
        cmd = cmd.mut_subcommand(name, |sub| {
            // `sts presign assume-role …` too.
            negative_numbers_are_values(sub).mut_args(|a| {
                if a.get_action().takes_values() && a.get_long().is_some() {
                    a.allow_negative_numbers(true)
                } else {
                    a
                }
            })
        });
    }
    cmd
}

/// The global flags about printing a call's result.
const PRINTING_FLAGS: &[&str] = &["output", "query", "generate_cli_skeleton"];
/// The subcommands that print no call's result, and refuse those flags
/// (`check_printing_flags` in `main.rs`).
const PRINTING_NOTHING: &[&str] = &[
    "exec",
    "serve",
    "presign",
    "eks-token",
    "eks",
    "completions",
];

/// `cmd` with the flags of [`PRINTING_FLAGS`] left out of the help of the
/// subcommands of [`PRINTING_NOTHING`]. A global flag is copied into each
/// subcommand unless it has one of that id already, so a hidden copy put
/// there first is parsed as before (and refused as before) but not listed.
fn hide_printing_flags(mut cmd: clap::Command) -> clap::Command {
    let hidden: Vec<clap::Arg> = cmd
        .get_arguments()
        .filter(|a| PRINTING_FLAGS.contains(&a.get_id().as_str()))
        .map(|a| a.clone().hide(true))
        .collect();
    for name in PRINTING_NOTHING {
        cmd = cmd.mut_subcommand(name, |sub| sub.args(hidden.iter().cloned()));
    }
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `help` lists `flag` (a line of its own starts with it).
    fn lists(help: &str, flag: &str) -> bool {
        help.lines()
            .any(|l| l.trim_start().split([' ', '=']).next() == Some(flag))
    }

    fn help(args: &[&str]) -> String {
        let mut argv = vec!["sts"];
        argv.extend_from_slice(args);
        argv.push("--help");
        let error = command().try_get_matches_from(argv).unwrap_err();
        assert_eq!(error.kind(), clap::error::ErrorKind::DisplayHelp);
        error.render().to_string()
    }

    /// An operation's parameters come first, the options every command
    /// takes after them under their own heading (a review found the two
    /// interleaved).
    #[test]
    fn operation_parameters_are_listed_apart_from_the_global_options() {
        let text = help(&["assume-role"]);
        let at = |flag: &str| text.find(flag).unwrap_or_else(|| panic!("{flag}: {text}"));
        let heading = at("Global options:");
        for flag in ["--role-arn", "--tags", "--minimum-session-token-size"] {
            assert!(at(flag) < heading, "{flag}: {text}");
        }
        for flag in ["--region", "--profile", "--output", "--debug"] {
            assert!(at(flag) > heading, "{flag}: {text}");
        }
        // The tool's own words, not the library crate's description.
        let top = help(&[]);
        assert!(top.starts_with("Talk to AWS STS"), "{top}");
    }

    /// `sts exec --help` and `sts serve --help` used to list --output,
    /// --query and --generate-cli-skeleton, which they then refuse; the
    /// subcommands that print a result still list them, and the refused
    /// flags still parse (to be refused by name).
    #[test]
    fn subcommands_printing_nothing_do_not_list_the_printing_flags() {
        for sub in [
            &["exec"][..],
            &["serve"],
            &["eks-token"],
            &["eks", "get-token"],
            &["presign"],
        ] {
            let text = help(sub);
            assert!(lists(&text, "--region"), "{sub:?}: {text}");
            for flag in ["--output", "--query", "--generate-cli-skeleton"] {
                assert!(!lists(&text, flag), "{sub:?} lists {flag}: {text}");
            }
        }
        let text = help(&["get-caller-identity"]);
        for flag in ["--output", "--query", "--generate-cli-skeleton"] {
            assert!(lists(&text, flag), "{flag}: {text}");
        }
        let m = command()
            .try_get_matches_from(["sts", "serve", "--output", "json", "--exec", "--", "true"])
            .unwrap();
        assert_eq!(
            m.get_one::<crate::args::Output>("output"),
            Some(&crate::args::Output::Json)
        );
        let m = command()
            .try_get_matches_from(["sts", "presign", "get-caller-identity", "--query", "x"])
            .unwrap();
        assert_eq!(m.get_one::<String>("query").map(String::as_str), Some("x"));
    }

    /// The help gave 10 s as the read limit without saying that the AWS
    /// CLI's is 60 s.
    #[test]
    fn the_read_timeout_help_names_both_defaults() {
        let text = help(&[]).split_whitespace().collect::<Vec<_>>().join(" ");
        let at = text.find("--cli-read-timeout").unwrap();
        let flag = &text[at..at + 200];
        assert!(
            flag.contains("default 10") && flag.contains("AWS CLI's is 60"),
            "{flag}"
        );
    }

    /// A negative number is the value of an operation's flag, in a list
    /// too, as argparse takes it; a flag still cannot take the next flag.
    #[test]
    fn negative_numbers_are_flag_values() {
        let parsed = command().try_get_matches_from([
            "sts",
            "assume-role",
            "--role-arn",
            "r",
            "--role-session-name",
            "ss",
            "--external-id",
            "-12345",
            "--transitive-tag-keys",
            "a",
            "-1",
        ]);
        let matches = parsed.unwrap_or_else(|e| panic!("{e}"));
        let (_, sub) = matches
            .subcommand()
            .unwrap_or_else(|| panic!("no subcommand"));
        assert_eq!(
            sub.get_one::<String>("external_id").map(String::as_str),
            Some("-12345")
        );
        let keys: Vec<&String> = sub
            .get_many::<String>("transitive_tag_keys")
            .map(Iterator::collect)
            .unwrap_or_default();
        assert_eq!(keys, ["a", "-1"]);
        let swallowed = command().try_get_matches_from([
            "sts",
            "assume-role",
            "--role-arn",
            "r",
            "--external-id",
            "--role-session-name",
            "ss",
        ]);
        assert!(swallowed.is_err());
    }
}
