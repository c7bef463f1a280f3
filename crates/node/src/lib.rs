//! The Node-API binding of sysix.
//!
//! Thin by design: each export converts its arguments ([`arg`]), calls one
//! function of `sysix-core`, and converts the result or the error
//! ([`error`]). Blocking calls come in pairs, `fooSync` on the calling thread
//! and `foo` on the libuv threadpool ([`task`]). The TypeScript layer in
//! `lib/` validates arguments and wraps the native classes; users never see
//! this binding directly.

#![deny(clippy::all, clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![deny(unsafe_op_in_unsafe_fn)]

mod arg;
mod cpu;
mod errno;
mod error;
mod fd;
mod info;
mod pipe;
mod same_file;
mod task;
mod times;
