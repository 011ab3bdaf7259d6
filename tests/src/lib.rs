//! Test support shared by the integration tests: starting and stopping
//! moto's STS server, and a scripted fault-injecting HTTP server.

#![forbid(unsafe_code)]
