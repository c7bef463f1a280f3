//! The Node-API binding of sysix.
//!
//! Thin by design: every export is declared once with [`bindings!`]: its
//! arguments by kind ([`arg`]), one call of `sysix-core`, and its result
//! ([`out`]); errors become Node-style errors in one place ([`error`]).
//! Blocking calls come in pairs, `fooSync` on the calling thread and `foo`
//! on the libuv threadpool; waits of unbounded length get threads of their
//! own ([`wait`]). Descriptors cross as numbers, owned through a
//! process-wide table ([`fd`]) per environment ([`env`](mod@env)). The
//! TypeScript layer in `lib/` validates arguments, resolves descriptor
//! objects to numbers last, and owns the descriptors; users never see this
//! binding directly.

// Its documentation is for contributors: the modules it links are private.
#![allow(rustdoc::private_intra_doc_links)]
// Nothing may panic across the Node-API boundary (it would abort the process).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]
// napi-derive leaves its items out of test builds, so what only they use
// looks dead there.
#![cfg_attr(test, allow(dead_code))]

mod arg;
mod bind;
mod cpu;
mod env;
mod errno;
mod error;
mod fd;
mod fs;
mod info;
mod num;
mod out;
mod pipe;
mod same_file;
mod times;
mod wait;

/// The version of sysix this binding belongs to, which the loader checks
/// against `package.json`'s.
#[napi_derive::napi]
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
