//! The `sysix/fs` binding: one module per file of `sysix_core::fs`, each a
//! sync export and, where the call can block, a Promise export on the libuv
//! threadpool (or, for unbounded waits, a wait thread of its own).

pub(crate) mod atomic;
pub(crate) mod batch;
pub(crate) mod constants;
pub(crate) mod data;
pub(crate) mod dir;
pub(crate) mod inotify;
pub(crate) mod io;
pub(crate) mod lock;
pub(crate) mod memfd;
pub(crate) mod names;
pub(crate) mod open;
pub(crate) mod root;
pub(crate) mod stat;
pub(crate) mod xattr;
