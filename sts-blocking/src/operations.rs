//! One [`Client`] method per operation, made from the operations' registry
//! ([`sts_proto::for_each_operation!`]): an operation added there gets its
//! method here with nothing to write. Each is [`Client::send`] with the
//! operation's types spelled out, so that callers read
//! `client.assume_role(&request)` and rustdoc lists every operation.

use sts_proto::ops::*;

use crate::client::Client;
use crate::error::Error;

/// The sentence on credentials in a method's docs.
macro_rules! signing_doc {
    (signed) => {
        "Signed with the credentials of the client's provider, which it asks \
         for first."
    };
    (unsigned) => {
        "Not signed: the client's credentials are never asked for, so a client \
         without any can send it."
    };
}

/// The sentence on the request in a method's docs.
macro_rules! request_doc {
    (members, $op:ident) => {
        concat!(
            "Validated before anything is sent. The request: [`",
            stringify!($op),
            "`](sts_proto::ops::",
            stringify!($op),
            ")."
        )
    };
    (no_members, $op:ident) => {
        "The request has no members."
    };
}

/// The method, its signature as the request has members or not.
macro_rules! method {
    (members, $op:ident, $snake:ident, $output:ident, $(#[$doc:meta])*) => {
        $(#[$doc])*
        pub fn $snake(&self, request: &$op) -> Result<$output, Error> {
            self.send(request)
        }
    };
    (no_members, $op:ident, $snake:ident, $output:ident, $(#[$doc:meta])*) => {
        $(#[$doc])*
        pub fn $snake(&self) -> Result<$output, Error> {
            self.send(&$op::new())
        }
    };
}

macro_rules! client_method {
    ($op:ident, $snake:ident, $action:literal, $output:ident, $signing:ident,
     $members:ident, $summary:literal) => {
        method! {
            $members, $op, $snake, $output,
            #[doc = concat!("`", $action, "`: ", $summary)]
            #[doc = ""]
            #[doc = signing_doc!($signing)]
            #[doc = request_doc!($members, $op)]
            #[doc = "Retried, paced and corrected for clock skew as [`sts_proto::call`] describes (see [`Client::send`])."]
            #[doc = concat!("The answer: [`", stringify!($output), "`](sts_proto::ops::", stringify!($output), ").")]
        }
    };
}

macro_rules! client_methods {
    ($(($op:ident, $snake:ident, $action:literal, $output:ident, $signing:ident,
        $members:ident, $summary:literal)),* $(,)?) => {
        impl Client {
            $(client_method!($op, $snake, $action, $output, $signing, $members, $summary);)*
        }
    };
}

sts_proto::for_each_operation!(client_methods);
