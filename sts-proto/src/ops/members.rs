//! Member groups that several operations share: session policies, MFA and
//! session tags. Each group is declared, validated, written and given its
//! setters here once; an operation holds the group as one field, calls its
//! `validate` and `write_form` where the members sit in the model's order,
//! and brings in its setters with the group's macro.

use crate::form::FormWriter;
use crate::secret::SecretString;
use crate::types::{self, PolicyDescriptor, Tag};
use crate::validate::{self, StrShape, ValidationError, Validator};

/// Session policies that further limit a session: managed policies by ARN
/// (`PolicyArns`) and an inline JSON policy (`Policy`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct SessionPolicy {
    /// Managed policies (`PolicyArns`).
    pub arns: Vec<PolicyDescriptor>,
    /// The inline JSON policy (`Policy`).
    pub inline: Option<String>,
}

/// Which of a [`SessionPolicy`]'s members an operation's model lists
/// first; validation and the form follow it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum PolicyOrder {
    /// `PolicyArns`, then `Policy`.
    ArnsFirst,
    /// `Policy`, then `PolicyArns`.
    InlineFirst,
}

impl SessionPolicy {
    /// Checks both members; `inline_shape` is the operation's constraint on
    /// `Policy`, which differs between operations.
    pub(crate) fn validate(
        &self,
        v: &Validator,
        inline_shape: &StrShape,
        order: PolicyOrder,
    ) -> Result<(), ValidationError> {
        let arns = || types::validate_policy_arns(v, "PolicyArns", &self.arns);
        let inline = || v.optional("Policy", self.inline.as_deref(), inline_shape);
        match order {
            PolicyOrder::ArnsFirst => arns().and_then(|()| inline()),
            PolicyOrder::InlineFirst => inline().and_then(|()| arns()),
        }
    }

    pub(crate) fn write_form(&self, form: &mut FormWriter, order: PolicyOrder) {
        let inline = self.inline.as_deref();
        match order {
            PolicyOrder::ArnsFirst => {
                types::write_policy_arns(form, "PolicyArns", &self.arns);
                types::write_opt(form, "Policy", inline);
            }
            PolicyOrder::InlineFirst => {
                types::write_opt(form, "Policy", inline);
                types::write_policy_arns(form, "PolicyArns", &self.arns);
            }
        }
    }
}

/// An MFA device and its current code (`SerialNumber`, `TokenCode`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Mfa {
    /// The MFA device's serial number or ARN (`SerialNumber`).
    pub serial_number: Option<String>,
    /// The current code from the MFA device (`TokenCode`).
    pub token_code: Option<SecretString>,
}

impl Mfa {
    pub(crate) fn validate(&self, v: &Validator) -> Result<(), ValidationError> {
        v.optional(
            "SerialNumber",
            self.serial_number.as_deref(),
            &validate::SERIAL_NUMBER,
        )?;
        v.optional("TokenCode", self.code(), &validate::TOKEN_CODE)
    }

    pub(crate) fn write_form(&self, form: &mut FormWriter) {
        types::write_opt(form, "SerialNumber", self.serial_number.as_deref());
        types::write_opt(form, "TokenCode", self.code());
    }

    fn code(&self) -> Option<&str> {
        self.token_code.as_ref().map(SecretString::expose)
    }
}

/// Session tags and the keys among them that pass on to sessions this one
/// assumes (`Tags`, `TransitiveTagKeys`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct SessionTags {
    /// Session tags (`Tags`).
    pub tags: Vec<Tag>,
    /// Keys of `tags` that are transitive (`TransitiveTagKeys`).
    pub transitive_tag_keys: Vec<String>,
}

impl SessionTags {
    pub(crate) fn validate(&self, v: &Validator) -> Result<(), ValidationError> {
        types::validate_tags(v, "Tags", &self.tags)?;
        v.list_len("TransitiveTagKeys", self.transitive_tag_keys.len(), 0, 50)?;
        for (i, key) in self.transitive_tag_keys.iter().enumerate() {
            v.string(
                format_args!("TransitiveTagKeys[{i}]"),
                key,
                &validate::TAG_KEY,
            )?;
        }
        Ok(())
    }

    pub(crate) fn write_form(&self, form: &mut FormWriter) {
        types::write_tags(form, "Tags", &self.tags);
        types::write_strings(form, "TransitiveTagKeys", &self.transitive_tag_keys);
    }
}

/// The setters of a [`SessionPolicy`] field, `policy_arn` and `policy`, as
/// inherent methods (so they need no trait in scope).
macro_rules! session_policy_setters {
    ($field:ident) => {
        /// Adds a managed session policy.
        pub fn policy_arn(mut self, arn: impl Into<String>) -> Self {
            self.$field
                .arns
                .push($crate::types::PolicyDescriptor::new(arn));
            self
        }

        /// Sets the inline session policy.
        pub fn policy(mut self, policy: impl Into<String>) -> Self {
            self.$field.inline = Some(policy.into());
            self
        }
    };
}

/// The setter of an [`Mfa`] field, `mfa`.
macro_rules! mfa_setter {
    ($field:ident) => {
        /// Sets the MFA device and its current code.
        pub fn mfa(
            mut self,
            serial_number: impl Into<String>,
            token_code: impl Into<$crate::secret::SecretString>,
        ) -> Self {
            self.$field.serial_number = Some(serial_number.into());
            self.$field.token_code = Some(token_code.into());
            self
        }
    };
}

/// The setter `tag` of a list of session tags, at the path `$field`.
macro_rules! tag_setter {
    ($($field:ident).+) => {
        /// Adds a session tag.
        pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
            self.$($field).+.push($crate::types::Tag::new(key, value));
            self
        }
    };
}

/// The setters of a [`SessionTags`] field, `tag` and `transitive_tag_key`.
macro_rules! session_tags_setters {
    ($field:ident) => {
        $crate::ops::members::tag_setter!($field.tags);

        /// Marks a tag key as transitive.
        pub fn transitive_tag_key(mut self, key: impl Into<String>) -> Self {
            self.$field.transitive_tag_keys.push(key.into());
            self
        }
    };
}

/// The setter of a `minimum_session_token_size` field, which every
/// operation that issues a session token has.
macro_rules! minimum_session_token_size_setter {
    () => {
        /// Pads the session token to at least `bytes` bytes (0 to 4096; 0
        /// leaves it as it is): for a caller that must reserve room for the
        /// token before it has one, such as a fixed-size header or field.
        pub fn minimum_session_token_size(mut self, bytes: i32) -> Self {
            self.minimum_session_token_size = Some(bytes);
            self
        }
    };
}

/// `MinimumSessionTokenSize`: 0 to 4096 bytes.
pub(crate) fn validate_minimum_session_token_size(
    v: &Validator,
    value: Option<i32>,
) -> Result<(), ValidationError> {
    v.range("MinimumSessionTokenSize", value, 0, 4096)
}

/// Writes `MinimumSessionTokenSize` when set.
pub(crate) fn write_minimum_session_token_size(form: &mut FormWriter, value: Option<i32>) {
    crate::types::write_int(form, "MinimumSessionTokenSize", value);
}

pub(crate) use {
    mfa_setter, minimum_session_token_size_setter, session_policy_setters, session_tags_setters,
    tag_setter,
};

#[cfg(test)]
mod tests {
    use crate::Operation;
    use crate::ops::{AssumeRole, GetFederationToken};

    const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/demo";

    #[test]
    fn each_operation_reports_its_first_policy_member_first() {
        // Both members broken: the one the model lists first is named.
        let role = AssumeRole::new(ROLE_ARN, "session")
            .policy_arn("x")
            .policy("");
        assert_eq!(role.validate().unwrap_err().member, "PolicyArns[0].arn");
        let federation = GetFederationToken::new("bob").policy_arn("x").policy("");
        assert_eq!(federation.validate().unwrap_err().member, "Policy");
    }

    #[test]
    fn the_policy_constraint_is_the_operations_own() {
        // 2049 characters: over GetFederationToken's bound, within AssumeRole's.
        let long = "a".repeat(2049);
        assert!(
            AssumeRole::new(ROLE_ARN, "session")
                .policy(&*long)
                .validate()
                .is_ok()
        );
        let err = GetFederationToken::new("bob")
            .policy(&*long)
            .validate()
            .unwrap_err();
        assert_eq!(
            (err.operation, err.member.as_str()),
            ("GetFederationToken", "Policy")
        );
    }

    #[test]
    fn setters_fill_the_groups() {
        let role = AssumeRole::new(ROLE_ARN, "session")
            .policy_arn(ROLE_ARN)
            .policy("{}")
            .tag("k", "v")
            .transitive_tag_key("k")
            .mfa("arn:aws:iam::123456789012:mfa/u", "123456");
        assert_eq!(role.session_policy.arns[0].arn.as_deref(), Some(ROLE_ARN));
        assert_eq!(role.session_policy.inline.as_deref(), Some("{}"));
        assert_eq!(role.session_tags.tags[0].key, "k");
        assert_eq!(role.session_tags.transitive_tag_keys, ["k"]);
        assert_eq!(
            role.mfa.serial_number.as_deref(),
            Some("arn:aws:iam::123456789012:mfa/u")
        );
        assert_eq!(
            role.mfa
                .token_code
                .as_ref()
                .map(crate::SecretString::expose),
            Some("123456")
        );
    }
}
