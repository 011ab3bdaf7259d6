//! A call of the client driven by another loop: the C library's exchange,
//! an async runtime, a test. The loop sends, sleeps and reads its clock;
//! the [`Exchange`] decides with the client's whole policy and shares with
//! the client's own calls what they share with each other.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::HeaderMap;
use sts_proto::call::{CallError, Decision, Next, OwnedCall, Signing};
use sts_proto::operation::{BuildError, Operation};
use sts_proto::retry::TransportFailure;

use crate::client::Client;
use crate::credentials::SharedCredentials;
use crate::error::Error;

/// One call of a [`Client`], stepped by the caller: the states, steps and
/// errors of [`OwnedCall`], with the client's policy and shared state
/// filled in.
///
/// It is made with the client's endpoint, user agent, retry policy,
/// timeouts and validation switch, and shares with the client's own calls
/// (and its other exchanges) the retry quota, the adaptive mode's rate
/// limiter, the clock offset learned from clock-skew answers, the cached
/// signing key and the jitter source. So a retry paid by one is missing
/// for the other, a throttle seen by one paces the other, and a clock
/// correction learned by one signs the other's next request.
///
/// Every `now` is the client's monotonic time, [`Client::elapsed`], read
/// when the step happens: the call timeout and the shared rate limiter
/// measure with it.
///
/// `Debug` shows the operation's name and the attempt only: the operation
/// may hold secrets (an MFA code, a SAML assertion).
///
/// A driver's loop, with a stand-in for the network:
///
/// ```
/// use sts_blocking::Client;
/// use sts_proto::Credentials;
/// use sts_proto::call::{Decision, Next};
/// use sts_proto::ops::GetCallerIdentity;
///
/// let client = Client::builder()
///     .region("eu-west-1")
///     .credentials(Credentials::new("AKIDEXAMPLE", "secret", None))
///     .build()?;
/// let mut exchange = client.exchange(GetCallerIdentity::new())?;
/// let output = loop {
///     // Credentials that expired while the call waited are refused with
///     // the provider's reason.
///     let next = exchange
///         .next_request(client.elapsed())
///         .map_err(|e| exchange.refused_credentials().unwrap_or_else(|| e.into()))?;
///     let outgoing = match next {
///         Next::Send(outgoing) => outgoing,
///         Next::Wait(pause) => { std::thread::sleep(pause); continue; }
///     };
///     assert!(outgoing.request.headers().contains_key("authorization"));
///     // A real driver sends `outgoing.request` within `outgoing.timeout`.
///     let body = b"<GetCallerIdentityResponse><GetCallerIdentityResult>\
///         <Arn>arn:aws:iam::123456789012:user/me</Arn></GetCallerIdentityResult>\
///         </GetCallerIdentityResponse>";
///     match exchange.response(client.elapsed(), 200, &http::HeaderMap::new(), body)? {
///         Decision::Done(output) => break output,
///         Decision::SendNow(_) => {}
///         Decision::Wait(retry) => std::thread::sleep(retry.delay),
///         // The service's error, with its code and request id; a transport
///         // failure's details are the driver's own.
///         Decision::Failed(gave_up) => return Err(gave_up.into()),
///     }
/// };
/// assert_eq!(output.arn.as_deref(), Some("arn:aws:iam::123456789012:user/me"));
/// # Ok::<(), sts_blocking::Error>(())
/// ```
pub struct Exchange<Op: Operation> {
    call: OwnedCall<Op>,
    client: Client,
    /// Fetched when the exchange is made, and again when they near their
    /// expiry (see [`Exchange::next_request`]); `None` for the unsigned
    /// operations.
    credentials: Option<SharedCredentials>,
    /// Why the last request was built without credentials: those held
    /// had expired and the provider gave none (see
    /// [`Exchange::refused_credentials`]).
    refused: Option<Error>,
}

impl<Op: Operation> fmt::Debug for Exchange<Op> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Exchange")
            .field("operation", &Op::ACTION)
            .field("attempt", &self.call.attempt())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A call of `op` for the caller to drive with its own I/O, under this
    /// client's policy and sharing its state; see [`Exchange`].
    ///
    /// Nothing is sent. `op` is validated (unless validation is off) and,
    /// for a signed operation, the credentials are fetched now (and again
    /// when they near their expiry, see [`Exchange::next_request`]).
    ///
    /// # Errors
    ///
    /// [`Error::Validation`] for an operation the model refuses,
    /// [`Error::Credentials`] when the provider has none, or only
    /// credentials that have expired.
    pub fn exchange<Op: Operation>(&self, op: Op) -> Result<Exchange<Op>, Error> {
        let call = OwnedCall::new(op, self.shared_options())?;
        let credentials = if Op::SIGNED {
            Some(self.credentials_for_request(None, self.wall_clock())?)
        } else {
            None
        };
        Ok(Exchange {
            call,
            client: self.clone(),
            credentials,
            refused: None,
        })
    }
}

impl<Op: Operation> Exchange<Op> {
    /// The operation.
    pub fn operation(&self) -> &Op {
        self.call.operation()
    }

    /// The client whose policy and state the exchange uses.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// See [`OwnedCall::attempt`].
    pub fn attempt(&self) -> u32 {
        self.call.attempt()
    }

    /// See [`OwnedCall::is_finished`].
    pub fn is_finished(&self) -> bool {
        self.call.is_finished()
    }

    /// The next attempt's signed request, or how long the shared rate
    /// limiter holds it back: see [`OwnedCall::next_request`]. The request
    /// is signed with the client's clock, corrected by the offset any of
    /// the client's calls learned last.
    ///
    /// The credentials are asked for again when those the exchange holds
    /// are within [`EXPIRY_MARGIN`](crate::credentials::EXPIRY_MARGIN) of
    /// their expiry, as [`Client::send`] asks for each request: a call with
    /// retries can outlast credentials near their expiry at its start. If
    /// the provider then fails, the credentials the exchange holds are
    /// used while they have not expired; once they have, nothing is signed
    /// with them, and the call ends here as a signed call without
    /// credentials does
    /// ([`BuildError::MissingCredentials`](sts_proto::operation::BuildError::MissingCredentials)),
    /// the provider's reason logged as a warning.
    ///
    /// # Errors
    ///
    /// As [`OwnedCall::next_request`].
    pub fn next_request(&mut self, now: Duration) -> Result<Next, CallError> {
        self.refused = None;
        let mut usable = true;
        let mut refused = None;
        let wall = self.client.wall_clock();
        if let Some(held) = self.credentials.take() {
            self.credentials = Some(
                match self
                    .client
                    .credentials_for_request(Some(Arc::clone(&held)), wall)
                {
                    Ok(current) => current,
                    // Only when those held have expired (a failure before
                    // that keeps them). Kept still: after a pause of the
                    // rate limiter the provider is asked again.
                    Err(e) => {
                        usable = false;
                        refused = Some(e);
                        held
                    }
                },
            );
        }
        let credentials = self.credentials.as_deref().filter(|_| usable);
        let (offset, key) = self.client.signing_parts(credentials, wall);
        let mut signing = Signing::new(wall).clock_offset(offset);
        signing.credentials = credentials;
        signing.signing_key = key.as_deref();
        let next = self.call.next_request(now, &signing);
        // Kept only when it is why the call ended: not for a pause, a
        // deadline or a step out of order.
        if let (Err(CallError::Build(BuildError::MissingCredentials { .. })), Some(e)) =
            (&next, refused)
        {
            log::warn!(
                "{}: the credentials have expired and the provider gave no new ones ({e}); \
                 not sending",
                Op::ACTION
            );
            self.refused = Some(e);
        }
        next
    }

    /// Why the last [`next_request`](Self::next_request) ended the call
    /// without signing ([`BuildError::MissingCredentials`](sts_proto::operation::BuildError::MissingCredentials)):
    /// the credentials held had expired, and this is the provider's error
    /// for not giving new ones, with its kind and whether it is worth
    /// retrying. Taken: a second call gives `None`. The
    /// example of [`Exchange`] returns it in place of the call's error.
    pub fn refused_credentials(&mut self) -> Option<Error> {
        self.refused.take()
    }

    /// Takes the answer to the request handed out last: see
    /// [`OwnedCall::response`]. A clock-skew answer's correction is stored
    /// in the client at once, for all its calls.
    ///
    /// # Errors
    ///
    /// As [`OwnedCall::response`].
    pub fn response(
        &mut self,
        now: Duration,
        status: u16,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Decision<Op::Output>, CallError> {
        let client = &self.client;
        let decision = self
            .call
            .response(now, status, headers, body, || client.jitter())?;
        Ok(self.learn(decision))
    }

    /// Takes a failure to get any answer to the request handed out last:
    /// see [`OwnedCall::transport_failure`].
    ///
    /// # Errors
    ///
    /// As [`OwnedCall::transport_failure`].
    pub fn transport_failure(
        &mut self,
        now: Duration,
        failure: TransportFailure,
    ) -> Result<Decision<Op::Output>, CallError> {
        let client = &self.client;
        let decision = self
            .call
            .transport_failure(now, failure, || client.jitter())?;
        Ok(self.learn(decision))
    }

    fn learn(&self, decision: Decision<Op::Output>) -> Decision<Op::Output> {
        if let Decision::SendNow(resign) = &decision {
            self.client.learn_clock_offset(resign.clock_offset);
        }
        decision
    }
}
