//! Files and directories: the calls of rustix's `fs` and `io` modules that
//! Node's `fs` lacks, one file per group, as the `sysix/fs` subpath exports
//! them.
//!
//! Every call takes its directory as a [`BorrowedFd`](std::os::fd::BorrowedFd)
//! (rustix's [`CWD`](rustix::fs::CWD) for the current directory), names the
//! system call in its error, and the path it was given; every descriptor it
//! creates is close-on-exec.

pub mod atomic;
pub mod batch;
pub mod data;
pub mod dir;
mod filesystem;
pub mod inotify;
pub mod io;
pub mod lock;
pub mod memfd;
pub mod names;
pub mod open;
pub mod root;
pub mod stat;
pub mod xattr;

pub use filesystem::{filesystem_of, Filesystem};
