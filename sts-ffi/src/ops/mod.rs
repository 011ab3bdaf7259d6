//! The twelve operations. Each has a file with its C input struct, its C
//! result struct and four functions: call (through the client), prepare
//! (sign only, for the caller's own HTTP stack), parse (a response the
//! caller received) and free (the result). The shared steps are here, once,
//! so that every operation follows exactly the same rules.

use sts_blocking::Client;
use sts_proto::operation::{self, Operation, OperationOutput};

use crate::boundary::{Owned, Strings, out_slot, required, run};
use crate::client::StsClient;
use crate::error::{Failure, StsError};
use crate::http::{OwnedRequest, StsHttpRequest, StsHttpResponse, read_response, request_view};
use crate::status::StsStatus;

pub(crate) mod assume_role;
pub(crate) mod assume_role_with_saml;
pub(crate) mod assume_role_with_web_identity;
pub(crate) mod assume_root;
pub(crate) mod decode_authorization_message;
pub(crate) mod get_access_key_info;
pub(crate) mod get_caller_identity;
pub(crate) mod get_delegated_access_token;
pub(crate) mod get_federation_token;
pub(crate) mod get_scoped_credentials;
pub(crate) mod get_session_token;
pub(crate) mod get_web_identity_token;

/// Every operation of the registry (`sts_proto::for_each_operation!`) has
/// its file here, whose `impl FfiOp for CSide<Op>` ties it to the shared
/// steps below: an
/// operation without one stops the crate from building. (cbindgen cannot
/// see through macros, so the exported functions themselves stay written
/// out; `tests/header.rs` checks that `sts.h` has them all.)
macro_rules! every_operation_has_a_c_side {
    ($(($op:ident, $snake:ident, $($rest:tt)*)),* $(,)?) => {
        $(
            const _: () = {
                const fn ties<F: FfiOp<Op = sts_proto::ops::$op>>() {}
                ties::<CSide<sts_proto::ops::$op>>();
            };
        )*
    };
}
sts_proto::for_each_operation!(every_operation_has_a_c_side);

/// The C side of the operation `Op`: each operation's file implements
/// [`FfiOp`] for it, naming its C input and output structs, and the shared
/// steps below (`call`, `prepare`, `parse`, `free`, the exchange's) are
/// generic over it.
#[derive(Debug)]
pub(crate) struct CSide<Op>(std::marker::PhantomData<Op>);

/// One operation as the C side sees it.
pub(crate) trait FfiOp {
    /// The C input struct (`()` for GetCallerIdentity, which has none).
    type Input;
    /// The `sts-proto` request.
    type Op: Operation;
    /// The C result struct.
    type Output;

    /// The request the C input describes.
    ///
    /// # Safety
    /// Every pointer in `input` is NULL or valid as its docs say.
    unsafe fn request(input: &Self::Input) -> Result<Self::Op, Failure>;

    /// The C result, its strings stored in `s`.
    fn output(output: &<Self::Op as Operation>::Output, s: &mut Strings) -> Self::Output;
}

/// The C result of `output`, which came with HTTP `status`; an error (of
/// that status) if a string cannot be a C string.
pub(crate) fn store<F: FfiOp>(
    output: &<F::Op as Operation>::Output,
    status: u16,
) -> Result<*mut F::Output, Failure> {
    let mut strings = Strings::default();
    let view = F::output(output, &mut strings);
    let strings = strings.check().map_err(|f| {
        f.with_http_status(status)
            .with_request_id(output.request_id())
    })?;
    Ok(Owned::into_raw(view, strings))
}

/// The status of the answers blocking calls return outputs for: STS
/// answers a success with 200, and the client does not hand the status on.
const SUCCESS_STATUS: u16 = 200;

/// The start that [`call`] and [`prepare`] share: the output slot, the
/// client and the request the input describes, checked in that order;
/// `then` makes what goes into the slot.
///
/// # Safety
/// As the exported functions document.
unsafe fn with_request<F: FfiOp, T>(
    client: *const StsClient,
    input: *const F::Input,
    out: *mut *mut T,
    err: *mut *mut StsError,
    then: impl FnOnce(&Client, &F::Op) -> Result<*mut T, Failure>,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe {
        run(err, || {
            let slot = out_slot(out, "out")?;
            let client = &required(client, "client")?.client;
            let request = F::request(required(input, "input")?)?;
            *slot = then(client, &request)?;
            Ok(())
        })
    }
}

/// Validates, signs, sends (with retries), parses.
///
/// # Safety
/// As the exported functions document.
pub(crate) unsafe fn call<F: FfiOp>(
    client: *const StsClient,
    input: *const F::Input,
    out: *mut *mut F::Output,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_request::<F, _>(client, input, out, err, |client, request| {
            store::<F>(&client.send(request)?, SUCCESS_STATUS)
        })
    }
}

/// Validates and signs with the client's endpoint, credentials and clock.
///
/// # Safety
/// As the exported functions document.
pub(crate) unsafe fn prepare<F: FfiOp>(
    client: *const StsClient,
    input: *const F::Input,
    out: *mut *mut StsHttpRequest,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe {
        with_request::<F, _>(client, input, out, err, |client, request| {
            let (view, storage) = request_view(client.prepare(request)?);
            Ok(OwnedRequest::into_raw(view, storage))
        })
    }
}

/// Parses a response the caller received.
///
/// # Safety
/// As the exported functions document.
pub(crate) unsafe fn parse<F: FfiOp>(
    response: *const StsHttpResponse,
    out: *mut *mut F::Output,
    err: *mut *mut StsError,
) -> StsStatus {
    // SAFETY: forwarded from the caller.
    unsafe {
        run(err, || {
            let slot = out_slot(out, "out")?;
            let (status, headers, body) = read_response(response)?;
            let output = operation::parse::<F::Op>(status, &headers, body)?;
            *slot = store::<F>(&output, status)?;
            Ok(())
        })
    }
}

/// Frees a result.
///
/// # Safety
/// `p` is NULL or a result of this operation not freed yet.
pub(crate) unsafe fn free<F: FfiOp>(p: *mut F::Output) {
    // SAFETY: forwarded.
    unsafe { Owned::<F::Output>::free(p) }
}
