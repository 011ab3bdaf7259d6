//! Every operation of the registry ([`sts_proto::for_each_operation!`]) has
//! its place in the tool: a renderer (checked here by the compiler), a
//! subcommand named as the AWS CLI names it, the model's help and both
//! skeletons (checked by the tests below). The subcommand's dispatch is
//! checked by the compiler too: `ops::dispatch` matches every `Command`.

use sts_blocking::sts_proto;
use sts_blocking::sts_proto::ops::*;

use crate::render::Render;

/// Stops the tool from building when an operation's output has no
/// [`Render`] implementation.
macro_rules! every_output_renders {
    ($(($op:ident, $snake:ident, $action:literal, $output:ident, $($rest:tt)*)),* $(,)?) => {
        const _: () = {
            const fn renders<T: Render>() {}
            $(renders::<$output>();)*
        };
    };
}
sts_proto::for_each_operation!(every_output_renders);

#[cfg(test)]
mod tests {
    use super::*;

    /// `(action, subcommand)` of every operation, in the registry's order:
    /// the subcommand is the snake name with dashes, as the AWS CLI has it.
    macro_rules! subcommands {
        ($(($op:ident, $snake:ident, $action:literal, $($rest:tt)*)),* $(,)?) => {
            [$(($action, stringify!($snake).replace('_', "-"))),*]
        };
    }

    #[test]
    fn every_operation_has_a_subcommand_help_and_skeletons() {
        let operations = sts_proto::for_each_operation!(subcommands);
        assert_eq!(operations.len(), ACTIONS.len());
        let command = crate::help::command();
        for (action, name) in &operations {
            let sub = command
                .find_subcommand(name)
                .unwrap_or_else(|| panic!("no `sts {name}` subcommand for {action}"));
            assert!(
                crate::model_help::HELP
                    .iter()
                    .any(|(op, member, _)| op == action && member.is_empty()),
                "no model help for {action}: regenerate src/bin/sts/model_help.rs"
            );
            assert_eq!(
                sub.get_about().map(ToString::to_string),
                crate::model_help::HELP
                    .iter()
                    .find(|(op, member, _)| op == action && member.is_empty())
                    .map(|(_, _, text)| (*text).to_owned()),
                "`sts {name} --help` does not show the model's help"
            );
            assert!(
                crate::model_help::INPUT_SKELETONS
                    .iter()
                    .any(|(op, _)| op == action),
                "no input skeleton for {action}"
            );
            assert!(
                crate::model_help::output_skeleton(action).is_some(),
                "no output skeleton for {action}"
            );
        }
    }
}
