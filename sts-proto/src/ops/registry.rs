//! The one list of the operations, which every other list derives from.
//!
//! [`for_each_operation!`](crate::for_each_operation) hands the list to a
//! macro of the caller's: `sts_proto::for_each_operation!(my_macro)`
//! expands to
//!
//! ```text
//! my_macro! {
//!     (AssumeRole, assume_role, "AssumeRole", AssumeRoleOutput, signed, members,
//!      "temporary credentials for a role, …"),
//!     …
//! }
//! ```
//!
//! one parenthesised entry per operation, each with seven fields:
//!
//! | field | example | what it is for |
//! |---|---|---|
//! | request type | `AssumeRole` | the type in [`crate::ops`] that implements [`Operation`] |
//! | snake name | `assume_role` | method and module names; the C functions (`sts_assume_role`); the `sts` subcommand, with dashes |
//! | action | `"AssumeRole"` | the wire name, for docs (`concat!`) and tools that read this file |
//! | output type | `AssumeRoleOutput` | what a success returns |
//! | `signed` or `unsigned` | `signed` | whether the request carries a signature |
//! | `members` or `no_members` | `members` | whether a caller has anything to give (`GetCallerIdentity` has not) |
//! | summary | `"temporary credentials for a role, …"` | a phrase that completes "`Action`: …", for generated docs |
//!
//! A callback matches the fields it needs and takes the rest as
//! `$($rest:tt)*`: entries may gain fields at their end (a new model trait
//! worth deriving code from), and a pattern that ends in a capture of the
//! rest keeps matching them.
//!
//! ```
//! macro_rules! method_names {
//!     ($(($op:ident, $snake:ident, $($rest:tt)*)),* $(,)?) => {
//!         [$(stringify!($snake)),*]
//!     };
//! }
//! let names = sts_proto::for_each_operation!(method_names);
//! assert_eq!(names[0], "assume_role");
//! assert_eq!(names.len(), sts_proto::ops::ACTIONS.len());
//! ```
//!
//! The request and output names are bare: a callback in another crate
//! writes `sts_proto::ops::$op`, or imports `sts_proto::ops::*`.
//!
//! Why a macro and not a const table: most of what derives from the list
//! is code, not data (a method per operation, a generic call per
//! operation, a trait impl per output), and only a macro can name a type or
//! make a function per entry. The data that tools want (the actions in
//! order) is [`ACTIONS`], itself derived here.
//!
//! The compiler checks each entry against its type, below: the action is
//! the type's [`Operation::ACTION`], the signing
//! word matches [`Operation::SIGNED`], the output
//! type is the one the operation returns (through `request_id_of`, which
//! only an operation's own output satisfies), and a `no_members` request
//! has a constructor without arguments.
//!
//! **The order is fixed: append, never reorder or remove.** The `response`
//! fuzz target picks an operation by the index of the input's first byte
//! in this list, so the seeds in `fuzz/corpus/response` mean what they
//! meant only while every index stays. `tests/registry.rs` pins the order.

/// Calls `$callback!` with every operation, in the registry's order; see
/// the [module docs](crate::ops::registry) for the fields.
#[macro_export]
macro_rules! for_each_operation {
    ($callback:ident) => {
        $callback! {
            (AssumeRole, assume_role, "AssumeRole", AssumeRoleOutput, signed, members,
             "temporary credentials for a role, with optional session policies, tags, MFA, external id, source identity and provided contexts."),
            (AssumeRoleWithSaml, assume_role_with_saml, "AssumeRoleWithSAML",
             AssumeRoleWithSamlOutput, unsigned, members,
             "credentials for a role, proven by a SAML assertion from an identity provider. Sent unsigned: the assertion is the proof."),
            (AssumeRoleWithWebIdentity, assume_role_with_web_identity,
             "AssumeRoleWithWebIdentity", AssumeRoleWithWebIdentityOutput, unsigned, members,
             "credentials for a role, proven by an OIDC token (EKS service accounts, GitHub Actions, Cognito, …). Sent unsigned: the token is the proof."),
            (AssumeRoot, assume_root, "AssumeRoot", AssumeRootOutput, signed, members,
             "short-lived root credentials for a member account of an organization, limited to one privileged task by a task policy."),
            (DecodeAuthorizationMessage, decode_authorization_message,
             "DecodeAuthorizationMessage", DecodeAuthorizationMessageOutput, signed, members,
             "the readable form of the encoded reason an AWS call was denied."),
            (GetAccessKeyInfo, get_access_key_info, "GetAccessKeyInfo",
             GetAccessKeyInfoOutput, signed, members,
             "the account an access key id belongs to."),
            (GetCallerIdentity, get_caller_identity, "GetCallerIdentity",
             GetCallerIdentityOutput, signed, no_members,
             "who the signing credentials belong to. Needs no permission, so it is the standard way to check credentials work."),
            (GetDelegatedAccessToken, get_delegated_access_token, "GetDelegatedAccessToken",
             GetDelegatedAccessTokenOutput, signed, members,
             "trades a delegation token for credentials that act for the principal that granted it."),
            (GetFederationToken, get_federation_token, "GetFederationToken",
             GetFederationTokenOutput, signed, members,
             "credentials for a federated user, issued by an IAM user (typically a proxy that hands them to its own users)."),
            (GetSessionToken, get_session_token, "GetSessionToken", GetSessionTokenOutput,
             signed, members,
             "temporary credentials for the calling IAM user, usually to satisfy an MFA condition."),
            (GetWebIdentityToken, get_web_identity_token, "GetWebIdentityToken",
             GetWebIdentityTokenOutput, signed, members,
             "a signed JWT that proves the caller's AWS identity to an outside service (outbound web identity federation)."),
            (GetScopedCredentials, get_scoped_credentials, "GetScopedCredentials",
             GetScopedCredentialsOutput, signed, members,
             "credentials scoped down from the caller's temporary credentials: the same identity, with a narrower policy or a shorter life."),
        }
    };
}

use super::*;
use crate::operation::Operation;

macro_rules! actions {
    ($(($op:ident, $($rest:tt)*)),* $(,)?) => {
        &[$(<$op as Operation>::ACTION),*]
    };
}

/// The actions of the registry's operations, in its order: the index of
/// each is the byte that picks it in the `response` fuzz target.
pub const ACTIONS: &[&str] = crate::for_each_operation!(actions);

/// `a == b`, in a constant.
#[allow(
    dead_code,
    reason = "used only in `const _` assertions, which rustc 1.88 does not count as uses (later ones do)"
)]
const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

macro_rules! signed {
    (signed) => {
        true
    };
    (unsigned) => {
        false
    };
}

/// A `no_members` request must be buildable from nothing, since drivers
/// give it nothing; a `members` one is not checked.
macro_rules! members {
    ($op:ident, members) => {};
    ($op:ident, no_members) => {
        const _: fn() -> $op = $op::new;
    };
}

/// The registry's words agree with the types, or the crate does not build.
macro_rules! check_entries {
    ($(($op:ident, $snake:ident, $action:literal, $output:ident, $signing:ident,
        $members:ident, $summary:literal)),* $(,)?) => {
        $(
            const _: () = assert!(
                same(<$op as Operation>::ACTION, $action),
                concat!("the registry's action for ", stringify!($op), " is not its ACTION"),
            );
            const _: () = assert!(
                <$op as Operation>::SIGNED == signed!($signing),
                concat!("the registry says ", stringify!($op), " is ", stringify!($signing)),
            );
            members!($op, $members);
        )*
    };
}
crate::for_each_operation!(check_entries);

/// Every output gives its request id the same way. Implemented for the
/// registry's output types only: an entry naming the wrong output leaves
/// the operation's own output without it, and the operation does not build.
macro_rules! request_id_of {
    ($(($op:ident, $snake:ident, $action:literal, $output:ident, $($rest:tt)*)),* $(,)?) => {
        $(
            impl crate::operation::OperationOutput for $output {
                fn request_id(&self) -> Option<&str> {
                    self.request_id.as_deref()
                }
            }
        )*
    };
}
crate::for_each_operation!(request_id_of);

/// Only the registry's operations and outputs are [`Operation`]s and
/// [`OperationOutput`](crate::operation::OperationOutput)s: both traits
/// are sealed, so that adding to them is not a breaking change.
macro_rules! seal {
    ($(($op:ident, $snake:ident, $action:literal, $output:ident, $($rest:tt)*)),* $(,)?) => {
        $(
            impl crate::operation::sealed::Sealed for $op {}
            impl crate::operation::sealed::Sealed for $output {}
        )*
    };
}
crate::for_each_operation!(seal);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_compares_whole_strings() {
        assert!(same("AssumeRole", "AssumeRole"));
        assert!(!same("AssumeRole", "AssumeRoot"));
        assert!(!same("AssumeRole", "AssumeRoleWithSAML"));
        assert!(same("", ""));
    }
}
