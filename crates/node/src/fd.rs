//! Descriptor ownership, by number and token.
//!
//! The TypeScript `OwnedFd` holds a descriptor's number and the token of its
//! registration and gives them back here to close or release it; the
//! process-wide table of `sysix_core`'s [`registry`] decides what may be
//! closed, and when. Handing numbers across instead of wrapping each
//! descriptor in a native object keeps `pipe()` cheap: a Node-API object
//! with a finalizer costs more than the system call.

use std::borrow::Cow;
use std::os::fd::{AsFd, RawFd};

use napi::{sys, Env};
use sysix_core::fd::registry::{self, AdoptError, ReleaseError};

use crate::arg::{Fd, FdNumber, Token, U64Out, Uint};
use crate::env::owner;
use crate::error::to_js;
use crate::out::{NewFd, Output};

/// A descriptor opened elsewhere, handed to the calling environment under
/// the token given: `true`, or `false` when an `OwnedFd` (of any thread)
/// already owns it.
pub(crate) struct Adopted(RawFd, Token);

impl Output for Adopted {
    fn ts() -> Cow<'static, str> {
        "boolean".into()
    }

    fn to_js(self, env: &Env) -> napi::Result<sys::napi_value> {
        let Adopted(fd, Token(token)) = self;
        match registry::adopt(fd, owner(env)?, token) {
            Ok(()) => true.to_js(env),
            Err(AdoptError::AlreadyOwned) => false.to_js(env),
            Err(AdoptError::NotOpen(error)) => Err(to_js(env, &error)),
        }
    }
}

crate::bindings! {
    /// Reserves `count` tokens for registrations of the descriptor table:
    /// the first of them (the others follow it). Tokens are never reused.
    sync fd_reserve_tokens(count: Uint) -> f64 {
        registry::reserve_tokens(u64::from(count.0))
            .map(|first| first.0 as f64)
            .ok_or_else(|| sysix_core::Error::new(sysix_core::Errno::MFILE, "register")
                .because("this process has used up the 2^53 registrations of sysix's descriptor table"))
    }

    /// `fcntl(fd, F_GETFD)`, then takes ownership of a descriptor opened
    /// elsewhere under `token`: `false` when an `OwnedFd` (of any thread)
    /// already owns it. Throws `EBADF` when `fd` is not open.
    sync fd_adopt(fd: FdNumber, token: Token) -> Adopted {
        Ok(Adopted(fd.0, token))
    }

    /// `close(fd)`—Closes an owned descriptor, reporting what the kernel says;
    /// while a call in flight uses it, the close waits for that call to settle
    /// (and ends it, if it is a wait).
    sync fd_close(fd: FdNumber, token: Token) -> () {
        registry::close(fd.0, token.0, "close").map(drop)
    }

    /// Gives up ownership without closing: 0, the number of calls in flight
    /// that still use the descriptor (then it stays owned), or -1 when the
    /// token owns nothing.
    sync fd_release(fd: FdNumber, token: Token) -> i32 {
        Ok(match registry::release(fd.0, token.0) {
            Ok(()) => 0,
            Err(ReleaseError::Busy(leases)) => i32::try_from(leases).unwrap_or(i32::MAX),
            Err(ReleaseError::NotOwned) => -1,
        })
    }

    /// Whether an `OwnedFd` of this process owns `fd`.
    sync fd_known(fd: FdNumber) -> bool {
        Ok(registry::is_owned(fd.0))
    }

    /// `fcntl(fd, F_DUPFD_CLOEXEC, 3)`—A new owned descriptor for the same open file.
    sync fd_dup(fd: Fd, token: Token) -> NewFd {
        sysix_core::fd::dup(fd.as_fd()).map(|dup| NewFd(dup, token))
    }

    /// `fstat(fd)`—Writes the device and inode numbers of the file open on
    /// `fd` into `out`. A number, not a descriptor to resolve: the Deno
    /// check of a number argument asks it, and a `FileId` of its own.
    sync fd_identity(fd: FdNumber, out: U64Out) -> () {
        let (dev, ino) = sysix_core::fd::identity(fd.borrow())?;
        match out.as_mut() {
            [d, i, ..] => {
                (*d, *i) = (dev, ino);
                Ok(())
            }
            _ => Err(sysix_core::Error::new(sysix_core::Errno::INVAL, "fstat")),
        }
    }
}
