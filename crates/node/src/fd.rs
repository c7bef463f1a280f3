//! Descriptor ownership, by number.
//!
//! The TypeScript `OwnedFd` holds a descriptor's handle (its number and the
//! token of its registration, packed into one number) and gives it back here
//! to close or release it; the process-wide table of `sysix_core`'s
//! [`registry`] decides what may be closed, and when. Handing numbers across
//! instead of wrapping each descriptor in a native object keeps `pipe()`
//! cheap: a Node-API object with a finalizer costs more than the system call.

use std::os::fd::OwnedFd;

use napi::bindgen_prelude::BigUint64ArraySlice;
use napi::Env;
use napi_derive::napi;
use sysix_core::fd;
use sysix_core::fd::registry::{self, AdoptError, Handle, Owner, ReleaseError};

use crate::arg::Fd;
use crate::env::owner;
use crate::error::{invalid_arg, sync};

/// Registers a descriptor the binding created as the calling environment's,
/// and returns its packed handle for an `OwnedFd` to hold.
pub(crate) fn hand_over(env: &Env, fd: OwnedFd) -> napi::Result<i64> {
    Ok(hand_over_to(owner(env)?, fd))
}

/// [`hand_over`] for a descriptor a task created, whose environment's owner
/// was taken when the task was queued.
pub(crate) fn hand_over_to(owner: Owner, fd: OwnedFd) -> i64 {
    // A packed handle has 53 bits: it converts exactly.
    registry::register(fd, owner).pack() as i64
}

fn unpack(handle: i64) -> napi::Result<Handle> {
    u64::try_from(handle)
        .ok()
        .and_then(Handle::unpack)
        .ok_or_else(|| invalid_arg("not a descriptor handle"))
}

/// `fcntl(fd, F_GETFD)`, then takes ownership of a descriptor opened
/// elsewhere: returns its handle, or -1 when an `OwnedFd` (of any thread)
/// already owns it. Throws `EBADF` when `fd` is not open.
#[napi]
pub fn fd_adopt(env: Env, #[napi(ts_arg_type = "number")] fd: Fd) -> napi::Result<i64> {
    match registry::adopt(fd.0, owner(&env)?) {
        Ok(handle) => Ok(handle.pack() as i64),
        Err(AdoptError::AlreadyOwned) => Ok(-1),
        Err(AdoptError::NotOpen(error)) => sync(&env, Err(error)),
    }
}

/// `close(fd)`—Closes an owned descriptor, reporting what the kernel says;
/// while a call in flight uses it, the close waits for that call to settle.
#[napi]
pub fn fd_close(env: Env, handle: i64) -> napi::Result<()> {
    sync(&env, registry::close(unpack(handle)?, "close")).map(drop)
}

/// Gives up ownership without closing: returns 0, the number of calls in
/// flight that still use the descriptor (then it stays owned), or -1 when
/// the handle owns nothing.
#[napi]
pub fn fd_release(handle: i64) -> napi::Result<i32> {
    Ok(match registry::release(unpack(handle)?) {
        Ok(_) => 0,
        Err(ReleaseError::Busy(leases)) => i32::try_from(leases).unwrap_or(i32::MAX),
        Err(ReleaseError::NotOwned) => -1,
    })
}

/// Whether sysix owns `fd`, or last gave it up with `intoRaw()`: either way
/// a kernel descriptor, not some runtime's resource id.
#[napi]
pub fn fd_known(#[napi(ts_arg_type = "number")] fd: Fd) -> bool {
    registry::is_owned(fd.0) || registry::was_released(fd.0)
}

/// `fcntl(fd, F_DUPFD_CLOEXEC, 3)`—A new owned descriptor for the same open file.
#[napi]
pub fn fd_dup(env: Env, #[napi(ts_arg_type = "number")] fd: Fd) -> napi::Result<i64> {
    hand_over(&env, sync(&env, fd::dup(fd.borrow()))?)
}

/// `fstat(fd)`—Writes the device and inode numbers of the file open on `fd`
/// into `out`.
#[napi]
pub fn fd_identity(
    env: Env,
    #[napi(ts_arg_type = "number")] fd: Fd,
    #[napi(ts_arg_type = "BigUint64Array")] mut out: BigUint64ArraySlice,
) -> napi::Result<()> {
    let (dev, ino) = sync(&env, fd::identity(fd.borrow()))?;
    // SAFETY: JavaScript is paused for the length of this synchronous call,
    // so nothing else reads or writes the array.
    match unsafe { out.as_mut() } {
        [d, i, ..] => {
            (*d, *i) = (dev, ino);
            Ok(())
        }
        _ => Err(invalid_arg("out must hold 2 bigints")),
    }
}
