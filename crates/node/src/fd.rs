//! Descriptors owned by JavaScript objects.
//!
//! A [`NativeFd`] owns one descriptor through a [`SharedFd`]. Calls in flight
//! on the threadpool hold their own reference to the `SharedFd`, so closing
//! the `NativeFd` while such a call runs only marks it closed: the descriptor
//! itself is closed when the last call finishes, and its number cannot be
//! reused by another file under that call. The TypeScript `OwnedFd` wraps
//! this class; it is not exported to users directly.

use std::os::fd::{AsFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use napi::Env;
use napi_derive::napi;
use sysix_core::fd;

use crate::error::sync;

/// One owned descriptor, shared between its JavaScript owner and the calls in
/// flight on it.
#[derive(Debug)]
pub struct SharedFd {
    raw: RawFd,
    /// Cleared when ownership moves elsewhere (`intoRaw`, an explicit close),
    /// so that dropping the last reference leaves the number alone.
    owned: AtomicBool,
}

impl SharedFd {
    fn new(fd: OwnedFd) -> Arc<Self> {
        Arc::new(Self {
            raw: std::os::fd::IntoRawFd::into_raw_fd(fd),
            owned: AtomicBool::new(true),
        })
    }

    /// Takes ownership back out, leaving nothing for `Drop` to close.
    fn disown(&self) -> RawFd {
        self.owned.store(false, Ordering::Release);
        self.raw
    }
}

impl AsFd for SharedFd {
    fn as_fd(&self) -> BorrowedFd<'_> {
        // SAFETY: the descriptor stays open for as long as this `SharedFd`
        // owns it, which outlives the borrow. Once disowned by `intoRaw` the
        // JavaScript code that took the number is responsible for it, as for
        // any plain number it passes.
        unsafe { BorrowedFd::borrow_raw(self.raw) }
    }
}

impl Drop for SharedFd {
    fn drop(&mut self) {
        if *self.owned.get_mut() {
            // SAFETY: still owned, so nothing else closes this number. The
            // result is ignored as `OwnedFd`'s drop ignores it: the number is
            // freed whatever close reports.
            let _ = unsafe { rustix::io::try_close(self.raw) };
        }
    }
}

/// The native side of `OwnedFd`.
#[napi]
pub struct NativeFd {
    shared: Option<Arc<SharedFd>>,
}

impl NativeFd {
    /// Wraps a descriptor this process owns.
    pub(crate) fn new(fd: OwnedFd) -> Self {
        Self {
            shared: Some(SharedFd::new(fd)),
        }
    }

    /// A reference that keeps the descriptor open for a call in flight, or
    /// `None` once closed.
    pub(crate) fn lease(&self) -> Option<Arc<SharedFd>> {
        self.shared.clone()
    }
}

#[napi]
impl NativeFd {
    /// `fcntl(fd, F_GETFD)`—Takes ownership of an open descriptor number.
    #[napi(factory)]
    pub fn from_raw(env: Env, raw: i32) -> napi::Result<Self> {
        if raw < 0 {
            return Err(crate::error::invalid_arg("fd must be >= 0"));
        }
        // SAFETY: borrowed only for the check; an unopened number makes
        // fcntl fail with EBADF and is never closed.
        sync(&env, fd::check_open(unsafe { BorrowedFd::borrow_raw(raw) }))?;
        // SAFETY: the caller hands the open descriptor over; documented on
        // `OwnedFd.fromRaw` as a transfer of ownership.
        Ok(Self::new(unsafe { OwnedFd::from_raw_fd(raw) }))
    }

    /// The descriptor number, or `null` once closed.
    #[napi(getter)]
    pub fn fd(&self) -> Option<i32> {
        self.shared.as_ref().map(|shared| shared.raw)
    }

    /// Whether `close()` or `intoRaw()` has been called.
    #[napi(getter)]
    pub fn closed(&self) -> bool {
        self.shared.is_none()
    }

    /// `close(fd)`—Closes the descriptor; a no-op once closed.
    ///
    /// While a threadpool call still uses it, the close happens when that
    /// call finishes and its result is not reported.
    #[napi]
    pub fn close(&mut self, env: Env) -> napi::Result<()> {
        let Some(shared) = self.shared.take() else {
            return Ok(());
        };
        match Arc::try_unwrap(shared) {
            Ok(last) => {
                // SAFETY: `last` was the only reference and gives up ownership.
                let owned = unsafe { OwnedFd::from_raw_fd(last.disown()) };
                sync(&env, fd::close(owned))
            }
            Err(in_use) => {
                drop(in_use);
                Ok(())
            }
        }
    }

    /// Gives up ownership and returns the number; `null` once closed.
    #[napi]
    pub fn into_raw(&mut self) -> Option<i32> {
        self.shared.take().map(|shared| shared.disown())
    }

    /// `fcntl(fd, F_DUPFD_CLOEXEC)`—A new descriptor for the same open file.
    #[napi]
    pub fn dup(&self, env: Env) -> napi::Result<NativeFd> {
        let shared = self
            .shared
            .as_ref()
            .ok_or_else(|| crate::error::invalid_arg("descriptor is closed"))?;
        sync(&env, fd::dup(shared.as_fd())).map(Self::new)
    }
}
