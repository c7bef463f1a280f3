//! File locks: `flock` and open-file-description byte-range locks. Their
//! waits run on threads of their own (see [`crate::wait`]).

use std::os::fd::AsFd;

use napi_derive::napi;
use sysix_core::fs::lock::{self, Flock, Range, RangeLock};

use crate::arg::{Fd, Offset, Pick};

crate::choices! {
    /// What `flock` does.
    FlockOperation: Flock {
        "shared" => Flock::Shared,
        "exclusive" => Flock::Exclusive,
        "unlock" => Flock::Unlock,
    }

    /// The kind of a byte-range lock.
    LockType: RangeLock {
        "read" => RangeLock::Read,
        "write" => RangeLock::Write,
        "unlock" => RangeLock::Unlock,
    }
}

/// A lock in the way, as `getLock` reports it.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct LockHolder {
    /// 0 read, 1 write.
    pub kind: u32,
    /// The first byte it covers.
    pub start: f64,
    /// How many bytes; 0 for all the rest of the file.
    pub length: f64,
    /// The holding process for a POSIX lock; `null` for an open file's lock.
    pub pid: Option<i32>,
}

crate::out::output_by_napi!(LockHolder => "LockHolder");

fn range(start: Offset, length: Offset) -> Range {
    Range {
        start: start.0,
        length: length.0,
    }
}

/// A lock attempt that does not wait: `true` when taken, `false` when a
/// conflicting lock is held (`EAGAIN`), any other failure as it is.
fn attempt(result: sysix_core::Result<()>) -> sysix_core::Result<bool> {
    match result {
        Ok(()) => Ok(true),
        Err(error) if error.errno == sysix_core::Errno::AGAIN => Ok(false),
        Err(error) => Err(error),
    }
}

crate::bindings! {
    /// `flock(fd, op)`, waiting on the calling thread.
    sync flock_sync(fd: Fd, op: Pick<Flock>) -> () {
        lock::flock(fd.as_fd(), op.get(), true)
    }

    /// `flock(fd, op | LOCK_NB)`: whether the lock was taken.
    pair flock_try(fd: Fd, op: Pick<Flock>) -> bool {
        attempt(lock::flock(fd.as_fd(), op.get(), false))
    }

    /// `flock(fd, op)` waiting on a thread of its own.
    wait flock_wait(fd: Fd, op: Pick<Flock>) -> () |cancel| {
        lock::flock_wait(fd.as_fd(), op.get(), cancel)
    }

    /// `fcntl(fd, F_OFD_SETLKW, ...)`, waiting on the calling thread.
    sync lock_sync(fd: Fd, kind: Pick<RangeLock>, start: Offset, length: Offset) -> () {
        lock::lock_range(fd.as_fd(), kind.get(), range(start, length), true)
    }

    /// `fcntl(fd, F_OFD_SETLK, ...)`: whether the lock was taken.
    pair lock_try(fd: Fd, kind: Pick<RangeLock>, start: Offset, length: Offset) -> bool {
        attempt(lock::lock_range(fd.as_fd(), kind.get(), range(start, length), false))
    }

    /// `F_OFD_SETLKW` waiting on a thread of its own.
    wait lock_wait(fd: Fd, kind: Pick<RangeLock>, start: Offset, length: Offset) -> () |cancel| {
        lock::lock_range_wait(fd.as_fd(), kind.get(), range(start, length), cancel)
    }

    /// `fcntl(fd, F_OFD_GETLK, ...)`: the first lock in the way, or `null`.
    sync get_lock(fd: Fd, kind: Pick<RangeLock>, start: Offset, length: Offset) -> Option<LockHolder> {
        let holder = lock::get_lock(fd.as_fd(), kind.get(), range(start, length))?;
        Ok(holder.map(|h| LockHolder {
            kind: u32::from(h.kind == RangeLock::Write),
            start: h.range.start as f64,
            length: h.range.length as f64,
            pid: h.pid,
        }))
    }
}
