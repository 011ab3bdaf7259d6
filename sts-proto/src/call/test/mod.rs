//! Scenario tests, as ureq-proto has them: a [`scenario::Scenario`] puts a
//! call into a state, one answer goes in, one decision comes out. No
//! sockets, no clock, no randomness of their own.

mod rate_limiter;
mod scenario;
mod state_ready;
mod state_sent;
