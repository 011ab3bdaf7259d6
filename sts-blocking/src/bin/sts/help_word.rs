//! `help` as a word of the command line, read as the AWS CLI reads it:
//! `sts assume-role help` and `sts help` print the help that `--help`
//! prints and exit 0, as `aws sts assume-role help` shows its help page.
//!
//! The AWS CLI (`awscli/clidriver.py`, `awscli/argparser.py`) takes
//! `help` in two places. Where a command's name is expected, `help` is a
//! command of its own, and the names after it say whose help to show
//! (`aws sts help`, `aws help sts`). After an operation's name, its parser
//! has `help` as an optional positional argument: the first word that is
//! neither a flag nor a flag's value. So `--role-session-name help` and
//! `--transitive-tag-keys a help` keep `help` as a value, and after another
//! bare word `help` is no help. That parser must succeed first: with a
//! required flag missing (and no `--cli-input-json`, `--cli-input-yaml`
//! or `--generate-cli-skeleton` other than `output` standing in for the
//! required flags), the command line is an error, unless `help` is the
//! operation's only word (`aws sts assume-role help`), which the parser
//! answers before it looks at anything else.
//!
//! The help is then the one `--help` prints for the same command, asked
//! of clap with the command's names and `--help` alone, so that nothing
//! else on the line (a parameters document, a skeleton) is read.

use std::ffi::OsString;

/// The flags that are an operation's own in the AWS CLI, and global here:
/// they count as the operation's words, and the first three stand in for
/// the operation's required flags.
const OPERATION_FLAGS: &[&str] = &["cli-input-json", "cli-input-yaml", "generate-cli-skeleton"];

/// Whether `word` is a flag to the AWS CLI's parser (argparse): it starts
/// with `-` and is not `-` alone, a negative number or a word with a space.
fn is_flag(word: &str) -> bool {
    let Some(rest) = word.strip_prefix('-') else {
        return false;
    };
    let number = !rest.is_empty()
        && rest.chars().all(|c| c.is_ascii_digit() || c == '.')
        && rest.chars().filter(|c| *c == '.').count() <= 1
        && rest != ".";
    !rest.is_empty() && !number && !word.contains(' ')
}

/// How many values a flag takes after it, as a separate word.
enum Takes {
    Nothing,
    One,
    MaybeOne,
    Many,
}

fn takes(arg: &clap::Arg) -> Takes {
    if !arg.get_action().takes_values() {
        return Takes::Nothing;
    }
    match arg.get_num_args() {
        Some(n) if n.min_values() == 0 && n.max_values() == 1 => Takes::MaybeOne,
        Some(n) if n.max_values() > 1 => Takes::Many,
        _ => Takes::One,
    }
}

/// The flag `long` of `cmd`, or of the tool (a global flag).
fn find<'a>(root: &'a clap::Command, cmd: &'a clap::Command, long: &str) -> Option<&'a clap::Arg> {
    let named = |a: &&clap::Arg| a.get_long() == Some(long);
    cmd.get_arguments()
        .find(named)
        .or_else(|| root.get_arguments().find(named))
}

/// For a command line that asks for help with a `help` word, the same
/// command's names with `--help`: `sts assume-role --help` for `sts
/// assume-role … help`. `None` when it does not ask for help that way.
pub(crate) fn as_help_flag(args: &[OsString], root: &clap::Command) -> Option<Vec<OsString>> {
    let words: Vec<&str> = crate::args::own(args)
        .iter()
        .skip(1)
        .map(|a| a.to_str())
        .collect::<Option<_>>()?;
    let mut names: Vec<&str> = Vec::new();
    let mut cmd = root;
    // `help` seen, and whether as the operation's word (not a command).
    let mut help = false;
    let mut operations_help = false;
    // The operation's own words, `help` included: not the global flags
    // and their values, which the AWS CLI's main parser takes first.
    let mut operation_words = 0;
    let mut i = 0;
    while let Some(&word) = words.get(i) {
        i += 1;
        let at_operation = !cmd.has_subcommands();
        if is_flag(word) {
            let (long, inline) = match word.strip_prefix("--") {
                Some(rest) => match rest.split_once('=') {
                    Some((long, _)) => (long, true),
                    None => (rest, false),
                },
                None => ("", false),
            };
            let arg = find(root, cmd, long);
            let own = arg.is_none_or(|a| !a.is_global_set() || OPERATION_FLAGS.contains(&long));
            let mut taken = 0;
            if !inline && let Some(arg) = arg {
                let next_is_value = |at: usize| words.get(at).is_some_and(|w| !is_flag(w));
                match takes(arg) {
                    Takes::Nothing => {}
                    Takes::One | Takes::Many if !next_is_value(i) => return None,
                    Takes::One => taken = 1,
                    Takes::Many => {
                        while next_is_value(i + taken) {
                            taken += 1;
                        }
                    }
                    Takes::MaybeOne => {
                        let value = words.get(i).filter(|w| {
                            !is_flag(w) && (at_operation || cmd.find_subcommand(w).is_none())
                        });
                        taken = usize::from(value.is_some());
                    }
                }
            }
            i += taken;
            if at_operation && own {
                operation_words += 1 + taken;
            }
            continue;
        }
        if !at_operation {
            if word == "help" && !help {
                help = true;
            } else {
                let sub = cmd.find_subcommand(word)?;
                names.push(sub.get_name());
                cmd = sub;
            }
            continue;
        }
        operation_words += 1;
        if help {
            // The help command shows the operation's help, whatever
            // follows its name.
            continue;
        }
        if word != "help" {
            return None;
        }
        help = true;
        operations_help = true;
    }
    if !help {
        return None;
    }
    if operations_help && operation_words > 1 && lacks_required(cmd, &words) {
        return None;
    }
    let mut argv: Vec<OsString> = args.iter().take(1).cloned().collect();
    argv.extend(names.into_iter().map(OsString::from));
    argv.push("--help".into());
    Some(argv)
}

/// Whether the operation `cmd` lacks a required flag in `words`, and no
/// parameters document or input skeleton stands in for them, as the AWS
/// CLI's `OverrideRequiredArgsArgument` decides: by the exact word.
fn lacks_required(cmd: &clap::Command, words: &[&str]) -> bool {
    let stands_in = words.iter().enumerate().any(|(i, w)| match *w {
        "--cli-input-json" | "--cli-input-yaml" => true,
        "--generate-cli-skeleton" => words.get(i + 1) != Some(&"output"),
        _ => false,
    });
    let given = |long: &str| {
        words.iter().any(|w| {
            w.strip_prefix("--")
                .is_some_and(|rest| rest == long || rest.starts_with(&format!("{long}=")))
        })
    };
    !stands_in
        && cmd
            .get_arguments()
            .filter(|a| a.is_required_set())
            .filter_map(|a| a.get_long())
            .any(|long| !given(long))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asks(line: &str) -> Option<String> {
        let mut args: Vec<OsString> = vec!["sts".into()];
        args.extend(line.split_whitespace().map(OsString::from));
        as_help_flag(&args, &crate::help::command()).map(|argv| {
            argv.iter()
                .map(|a| a.to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join(" ")
        })
    }

    #[test]
    fn help_is_the_first_bare_word_after_the_operation() {
        for (line, want) in [
            ("help", Some("sts --help")),
            ("help assume-role", Some("sts assume-role --help")),
            ("--region us-east-1 help", Some("sts --help")),
            ("help --region us-east-1", Some("sts --help")),
            ("presign help", Some("sts presign --help")),
            (
                "presign get-caller-identity help",
                Some("sts presign get-caller-identity --help"),
            ),
            ("assume-role help", Some("sts assume-role --help")),
            (
                "--output json assume-role help",
                Some("sts assume-role --help"),
            ),
            ("assume-role help --debug", Some("sts assume-role --help")),
            (
                "get-caller-identity help extra",
                Some("sts get-caller-identity --help"),
            ),
            (
                "assume-role --role-arn a --role-session-name s help",
                Some("sts assume-role --help"),
            ),
            (
                "assume-role --role-arn=a --role-session-name s --tags Key=k,Value=v help",
                None,
            ),
            (
                "assume-role --role-arn a --role-session-name s --tags Key=k,Value=v -- help",
                None,
            ),
            (
                "assume-role --cli-input-json {} help",
                Some("sts assume-role --help"),
            ),
            (
                "assume-role help --generate-cli-skeleton",
                Some("sts assume-role --help"),
            ),
            ("get-caller-identity --duration-seconds -5 help", None),
            (
                "get-caller-identity help",
                Some("sts get-caller-identity --help"),
            ),
            ("completions help", Some("sts completions --help")),
            // A value, another bare word first, or required flags missing.
            ("assume-role --role-arn a --role-session-name help", None),
            (
                "assume-role --role-arn a --role-session-name s --transitive-tag-keys k help",
                None,
            ),
            ("assume-role --role-arn a help", None),
            ("assume-role --generate-cli-skeleton output help", None),
            ("assume-role --generate-cli-skeleton help", None),
            ("assume-role extra help", None),
            ("assume-role help extra", None),
            ("--region help get-caller-identity", None),
            ("get-caller-identity --query help", None),
            ("no-such-command help", None),
            ("assume-role", None),
            ("exec -- help", None),
        ] {
            assert_eq!(asks(line).as_deref(), want, "{line}");
        }
    }
}
