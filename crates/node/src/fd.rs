//! Descriptors by number.
//!
//! The TypeScript `OwnedFd` owns each descriptor sysix hands out: it keeps
//! the number, refuses it once closed, defers a close while a threadpool call
//! still uses it, and closes it here exactly once. Handing numbers across
//! instead of wrapping each descriptor in a native object keeps `pipe()`
//! cheap: a Node-API object with a finalizer costs more than the system call.

use std::os::fd::{FromRawFd, IntoRawFd, OwnedFd};

use napi::Env;
use napi_derive::napi;
use sysix_core::fd;

use crate::arg::Fd;
use crate::error::sync;

/// Gives a descriptor the binding created over to JavaScript.
pub(crate) fn hand_over(fd: OwnedFd) -> i32 {
    fd.into_raw_fd()
}

/// `fcntl(fd, F_GETFD)`—Fails with `EBADF` unless `fd` is open.
#[napi]
pub fn fd_check(env: Env, #[napi(ts_arg_type = "number")] fd: Fd) -> napi::Result<()> {
    sync(&env, fd::check_open(fd.borrow()))
}

/// `close(fd)`—Closes a descriptor, reporting what the kernel says.
#[napi]
pub fn fd_close(env: Env, #[napi(ts_arg_type = "number")] fd: Fd) -> napi::Result<()> {
    // SAFETY: `OwnedFd.close()` and the garbage-collection safety net call
    // this exactly once for a number the JavaScript object owns, after which
    // the object never uses the number again.
    sync(&env, fd::close(unsafe { OwnedFd::from_raw_fd(fd.0) }))
}

/// `fcntl(fd, F_DUPFD_CLOEXEC, 3)`—A new descriptor for the same open file.
#[napi]
pub fn fd_dup(env: Env, #[napi(ts_arg_type = "number")] fd: Fd) -> napi::Result<i32> {
    sync(&env, fd::dup(fd.borrow())).map(hand_over)
}
