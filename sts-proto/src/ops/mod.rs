//! The twelve STS operations, one file each: request, validation, form
//! parameters and output side by side.
//!
//! [`registry`] lists them once, in a fixed order; the `Client` methods,
//! the fuzz targets, the C library's checks and the `sts` tool's checks
//! derive from that list. An operation is a file here, its `mod` and `pub
//! use` lines below, and its entry in the registry.
//!
//! `members.rs` holds the member groups several operations share (session
//! policies, MFA, session tags): an operation holds a group as one field.

mod assume_role;
mod assume_role_with_saml;
mod assume_role_with_web_identity;
mod assume_root;
mod decode_authorization_message;
mod get_access_key_info;
mod get_caller_identity;
mod get_delegated_access_token;
mod get_federation_token;
mod get_scoped_credentials;
mod get_session_token;
mod get_web_identity_token;
mod members;
pub mod registry;

pub use assume_role::{AssumeRole, AssumeRoleOutput};
pub use assume_role_with_saml::{AssumeRoleWithSaml, AssumeRoleWithSamlOutput};
pub use assume_role_with_web_identity::{
    AssumeRoleWithWebIdentity, AssumeRoleWithWebIdentityOutput,
};
pub use assume_root::{AssumeRoot, AssumeRootOutput};
pub use decode_authorization_message::{
    DecodeAuthorizationMessage, DecodeAuthorizationMessageOutput,
};
pub use get_access_key_info::{GetAccessKeyInfo, GetAccessKeyInfoOutput};
pub use get_caller_identity::{GetCallerIdentity, GetCallerIdentityOutput};
pub use get_delegated_access_token::{GetDelegatedAccessToken, GetDelegatedAccessTokenOutput};
pub use get_federation_token::{GetFederationToken, GetFederationTokenOutput};
pub use get_scoped_credentials::{GetScopedCredentials, GetScopedCredentialsOutput};
pub use get_session_token::{GetSessionToken, GetSessionTokenOutput};
pub use get_web_identity_token::{GetWebIdentityToken, GetWebIdentityTokenOutput};
pub use members::{Mfa, SessionPolicy, SessionTags};
pub use registry::ACTIONS;
