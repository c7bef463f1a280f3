//! Descriptor arguments: borrowed for a synchronous call, held for a call
//! that runs on another thread.

use std::os::fd::{AsFd, BorrowedFd, OwnedFd, RawFd};

use napi::bindgen_prelude::FromNapiValue;
use napi::{sys, Env};
use sysix_core::fd::{self, registry::Lease};

use crate::error::{invalid_arg, to_js};

/// A descriptor number, from 0 to `i32::MAX`, borrowed for a synchronous call.
pub struct Fd(pub RawFd);

impl Fd {
    /// The descriptor, for the length of a synchronous call.
    pub fn borrow(&self) -> BorrowedFd<'_> {
        // SAFETY: a number passed from JavaScript is open for the length of
        // a synchronous call, during which no JavaScript runs on this thread:
        // an `OwnedFd` passes its number only while it owns it, and a plain
        // number is the caller's promise, as for Node's `fs.fstatSync(fd)`.
        // (Another thread closing it meanwhile is a bug in that thread's
        // code, as with Node's `fs`.) If it is not open, the kernel answers
        // EBADF.
        unsafe { BorrowedFd::borrow_raw(self.0) }
    }
}

impl AsFd for Fd {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.borrow()
    }
}

impl FromNapiValue for Fd {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        // SAFETY: `value` comes straight from the napi callback; a value
        // that is not a number is refused by napi_get_value_double.
        let number = unsafe { f64::from_napi_value(env, value) }?;
        if number.fract() != 0.0 || !(0.0..=f64::from(i32::MAX)).contains(&number) {
            return Err(invalid_arg("fd must be an integer from 0 to 2147483647"));
        }
        Ok(Fd(number as RawFd))
    }
}

/// A descriptor argument of a call that runs on another thread, kept open
/// for the call's whole life whatever JavaScript does meanwhile (closes the
/// `OwnedFd` or the `FileHandle`, drops it to the garbage collector, exits
/// the worker): a number sysix owns is leased, so that its close waits for
/// the call; any other number is duplicated on the calling thread, and the
/// call works on the duplicate, which it closes when it is done.
pub enum HeldFd {
    /// A descriptor an `OwnedFd` owns, kept open by a lease.
    Leased(Lease),
    /// A duplicate of a descriptor sysix does not own.
    Duplicated(OwnedFd),
}

impl AsFd for HeldFd {
    fn as_fd(&self) -> BorrowedFd<'_> {
        match self {
            HeldFd::Leased(lease) => lease.as_fd(),
            HeldFd::Duplicated(fd) => fd.as_fd(),
        }
    }
}

impl FromNapiValue for HeldFd {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        // SAFETY: as for `Fd`, on the calling thread.
        let fd = unsafe { Fd::from_napi_value(env, value) }?;
        if let Some(lease) = Lease::new(fd.0) {
            return Ok(HeldFd::Leased(lease));
        }
        fd::dup(fd.borrow())
            .map(HeldFd::Duplicated)
            .map_err(|error| to_js(&Env::from_raw(env), &error))
    }
}
