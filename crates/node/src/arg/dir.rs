//! Directory arguments of the `*at` calls: a descriptor, or `AT_FDCWD`
//! (-100) for the current directory.

use std::os::fd::{AsFd, BorrowedFd};

use napi::bindgen_prelude::FromNapiValue;
use napi::sys;
use rustix::fs::CWD;

use super::{value_type, Fd, HeldFd};
use crate::error::invalid_arg;

/// `AT_FDCWD`, as the TypeScript layer passes it.
const AT_FDCWD: f64 = -100.0;

/// Whether `value` is `AT_FDCWD`.
fn is_cwd(env: sys::napi_env, value: sys::napi_value) -> napi::Result<bool> {
    if value_type(env, value)? != napi::ValueType::Number {
        return Err(invalid_arg(
            "a directory is a descriptor number or AT_FDCWD",
        ));
    }
    // SAFETY: `value` is a number of this environment.
    Ok(unsafe { f64::from_napi_value(env, value) }? == AT_FDCWD)
}

/// A directory for a synchronous call.
pub enum DirArg {
    /// The current directory.
    Cwd,
    /// A directory descriptor, borrowed for the call.
    Fd(Fd),
}

impl DirArg {
    /// The directory, as the core takes it.
    pub fn as_fd(&self) -> BorrowedFd<'_> {
        match self {
            DirArg::Cwd => CWD,
            DirArg::Fd(fd) => fd.borrow(),
        }
    }
}

impl FromNapiValue for DirArg {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        if is_cwd(env, value)? {
            return Ok(DirArg::Cwd);
        }
        // SAFETY: `value` comes straight from the napi callback.
        Ok(DirArg::Fd(unsafe { Fd::from_napi_value(env, value) }?))
    }
}

/// A directory for a call on another thread, held open for the call.
pub enum HeldDir {
    /// The current directory.
    Cwd,
    /// A directory descriptor, held for the call.
    Fd(HeldFd),
}

impl HeldDir {
    /// The directory, as the core takes it.
    pub fn as_fd(&self) -> BorrowedFd<'_> {
        match self {
            HeldDir::Cwd => CWD,
            HeldDir::Fd(fd) => fd.as_fd(),
        }
    }
}

impl FromNapiValue for HeldDir {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        if is_cwd(env, value)? {
            return Ok(HeldDir::Cwd);
        }
        // SAFETY: `value` comes straight from the napi callback, on the
        // calling thread.
        Ok(HeldDir::Fd(unsafe { HeldFd::from_napi_value(env, value) }?))
    }
}
