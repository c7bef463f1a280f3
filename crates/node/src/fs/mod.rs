//! The `sysix/fs` binding: one module per file of `sysix_core::fs`, each a
//! sync export and, where the call can block, a Promise export on the libuv
//! threadpool (or, for unbounded waits, a wait thread of its own).

mod constants;
mod data;
mod dir;
mod inotify;
mod io;
mod lock;
mod memfd;
mod names;
mod open;
mod root;
mod stat;
mod xattr;
