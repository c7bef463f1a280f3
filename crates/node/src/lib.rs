//! The Node-API binding of sysix.
//!
//! Thin by design: each export converts its arguments ([`arg`]), calls one
//! function of `sysix-core`, and converts the result or the error
//! ([`error`]). Blocking calls come in pairs, `fooSync` on the calling thread
//! and `foo` on the libuv threadpool ([`task`]). Descriptors cross as
//! numbers, owned through a process-wide table ([`fd`]) per environment
//! ([`env`](mod@env)), and results of several values come back through typed arrays
//! the caller passes. The TypeScript layer in `lib/` validates
//! arguments and owns the descriptors; users never see this binding directly.

// Its documentation is for contributors: the modules it links are private.
#![allow(rustdoc::private_intra_doc_links)]
// Nothing may panic across the Node-API boundary (it would abort the process).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]
// napi-derive leaves the exports out of test builds, so what only they use
// looks dead there.
#![cfg_attr(test, allow(dead_code))]

#[macro_use]
mod pair;

mod arg;
mod copied;
mod cpu;
mod env;
mod errno;
mod error;
mod fd;
mod fs;
mod info;
mod num;
mod pipe;
mod same_file;
mod task;
mod times;
mod wait;

/// The version of sysix this binding belongs to, which the loader checks
/// against `package.json`'s.
#[napi_derive::napi]
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
