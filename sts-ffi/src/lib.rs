//! The C ABI of the STS client.
//!
//! It will expose a client handle, all eleven operations with owned result
//! and error objects, a sans-IO prepare/parse path and a callback transport,
//! described by the cbindgen-generated header `include/sts.h`.

#![deny(missing_docs)]
