//! Descriptor arguments, borrowed for a synchronous call and held for a call
//! that runs on another thread; and the numbers of the descriptor table (a
//! registration's token) and of waits (their id).

use std::borrow::Cow;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd, RawFd};

use napi::{sys, Env, ValueType};
use sysix_core::fd::registry::{self, Lease};

use super::{number, value_type, Arg, Hold, Kind, PathArg};
use crate::error::{invalid_arg, to_js};

/// A descriptor argument.
pub(crate) enum Fd {
    /// A number, borrowed for a synchronous call.
    Borrowed(RawFd),
    /// A descriptor an `OwnedFd` owns, kept open by a lease for a call on
    /// another thread: its close waits for the call (and ends it, if the
    /// call is a wait).
    Leased(Lease),
    /// A duplicate of a descriptor sysix does not own, made on the calling
    /// thread for a call on another one, which closes it when it is done.
    Duplicated(OwnedFd),
}

impl AsFd for Fd {
    fn as_fd(&self) -> BorrowedFd<'_> {
        match self {
            // SAFETY: a number borrowed for a synchronous call, during which
            // no JavaScript runs: the TypeScript layer resolved an `OwnedFd`
            // to its number after every other argument, just before the
            // call, so the number is open and stays so; a plain number is the
            // caller's promise that it is open, as for Node's
            // `fs.fstatSync(fd)`. If it is not, the kernel answers `EBADF`
            // (to the kernel a descriptor is a number: no memory is at stake).
            Fd::Borrowed(fd) => unsafe { BorrowedFd::borrow_raw(*fd) },
            Fd::Leased(lease) => lease.as_fd(),
            Fd::Duplicated(fd) => fd.as_fd(),
        }
    }
}

/// A descriptor number from 0 to `i32::MAX`.
fn descriptor(env: sys::napi_env, value: sys::napi_value) -> napi::Result<RawFd> {
    let n = number(env, value)?;
    if n.fract() != 0.0 || !(0.0..=f64::from(i32::MAX)).contains(&n) {
        return Err(invalid_arg("fd must be an integer from 0 to 2147483647"));
    }
    Ok(n as RawFd)
}

impl Arg for Fd {
    const KIND: Kind = Kind::Fd;

    fn ts() -> Cow<'static, str> {
        "FdLike".into()
    }

    unsafe fn sync(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        descriptor(env, value).map(Fd::Borrowed)
    }

    unsafe fn held(env: sys::napi_env, value: sys::napi_value, hold: &Hold) -> napi::Result<Self> {
        let fd = descriptor(env, value)?;
        let lease = match &hold.wait {
            Some(wait) => Lease::for_wait(fd, wait.clone()),
            None => Lease::new(fd),
        };
        if let Some(lease) = lease {
            return Ok(Fd::Leased(lease));
        }
        // SAFETY: borrowed on the calling thread only to be duplicated, as
        // for a synchronous call (see `as_fd`).
        let borrowed = unsafe { BorrowedFd::borrow_raw(fd) };
        sysix_core::fd::dup(borrowed)
            .map(Fd::Duplicated)
            .map_err(|error| to_js(&Env::from_raw(env), &error))
    }
}

/// A descriptor number as a number, not a descriptor to use: the one an
/// `OwnedFd` closes or gives up, or one offered for adoption.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FdNumber(pub RawFd);

impl FdNumber {
    /// The number as a descriptor, for the length of a synchronous call.
    pub(crate) fn borrow(&self) -> BorrowedFd<'_> {
        // SAFETY: as for `Fd::Borrowed`: a number from JavaScript, borrowed
        // for a synchronous call; the kernel answers `EBADF` if it is not open.
        unsafe { BorrowedFd::borrow_raw(self.0) }
    }
}

impl Arg for FdNumber {
    fn ts() -> Cow<'static, str> {
        "number".into()
    }

    unsafe fn sync(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        descriptor(env, value).map(FdNumber)
    }
}

/// A directory of the `*at` calls: a descriptor, or `AT_FDCWD` for the
/// current directory.
pub(crate) enum Dir {
    /// The current directory.
    Cwd,
    /// A directory descriptor.
    Fd(Fd),
}

impl AsFd for Dir {
    fn as_fd(&self) -> BorrowedFd<'_> {
        match self {
            Dir::Cwd => rustix::fs::CWD,
            Dir::Fd(fd) => fd.as_fd(),
        }
    }
}

/// Whether `value` is `AT_FDCWD`.
fn is_cwd(env: sys::napi_env, value: sys::napi_value) -> napi::Result<bool> {
    Ok(number(env, value)? == f64::from(libc::AT_FDCWD))
}

impl Arg for Dir {
    const KIND: Kind = Kind::Dir;

    fn ts() -> Cow<'static, str> {
        "FdLike".into()
    }

    unsafe fn sync(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        if is_cwd(env, value)? {
            return Ok(Dir::Cwd);
        }
        // SAFETY: per this function's contract.
        unsafe { Fd::sync(env, value) }.map(Dir::Fd)
    }

    unsafe fn held(env: sys::napi_env, value: sys::napi_value, hold: &Hold) -> napi::Result<Self> {
        if is_cwd(env, value)? {
            return Ok(Dir::Cwd);
        }
        // SAFETY: per this function's contract.
        unsafe { Fd::held(env, value, hold) }.map(Dir::Fd)
    }
}

/// The file a call acts on: a path, or a descriptor.
#[allow(clippy::large_enum_variant)] // a path is inline on purpose (see `PathArg`)
pub(crate) enum Target {
    /// A path.
    Path(PathArg),
    /// A descriptor.
    Fd(Fd),
}

impl Target {
    /// The core's view of this argument.
    pub(crate) fn as_target(&self) -> sysix_core::Target<'_> {
        match self {
            Target::Path(path) => sysix_core::Target::Path(path.as_path()),
            Target::Fd(fd) => sysix_core::Target::Fd(fd.as_fd()),
        }
    }
}

impl Arg for Target {
    const KIND: Kind = Kind::Target;

    fn ts() -> Cow<'static, str> {
        "string | Uint8Array | FdLike".into()
    }

    unsafe fn sync(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        match value_type(env, value)? {
            // SAFETY: per this function's contract.
            ValueType::Number => unsafe { Fd::sync(env, value) }.map(Target::Fd),
            // SAFETY: as above; anything but a path is refused there.
            _ => unsafe { PathArg::sync(env, value) }.map(Target::Path),
        }
    }

    unsafe fn held(env: sys::napi_env, value: sys::napi_value, hold: &Hold) -> napi::Result<Self> {
        match value_type(env, value)? {
            // SAFETY: per this function's contract.
            ValueType::Number => unsafe { Fd::held(env, value, hold) }.map(Target::Fd),
            // SAFETY: as above.
            _ => unsafe { PathArg::sync(env, value) }.map(Target::Path),
        }
    }
}

/// The token a new registration of the descriptor table gets (see
/// [`registry::reserve_tokens`]): the TypeScript `OwnedFd` that will own the
/// descriptor passes it, so that it knows its token without a second value
/// coming back.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Token(pub registry::Token);

impl Arg for Token {
    fn ts() -> Cow<'static, str> {
        "number".into()
    }

    unsafe fn sync(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        let n = number(env, value)?;
        if n.fract() != 0.0 || !(1.0..registry::Token::LIMIT as f64).contains(&n) {
            return Err(invalid_arg("not a descriptor token"));
        }
        Ok(Token(registry::Token(n as u64)))
    }
}

/// The id a wait of unbounded length is known by to its environment, which
/// calls it off with `waitCancel(id)`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WaitId(pub u64);

impl Arg for WaitId {
    fn ts() -> Cow<'static, str> {
        "number".into()
    }

    unsafe fn sync(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        let n = number(env, value)?;
        if n.fract() != 0.0 || !(0.0..registry::Token::LIMIT as f64).contains(&n) {
            return Err(invalid_arg("not a wait id"));
        }
        Ok(WaitId(n as u64))
    }
}
