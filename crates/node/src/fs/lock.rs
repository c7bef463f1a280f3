//! File locks: `flock` and open-file-description byte-range locks. Their
//! Promise forms wait on threads of their own (see [`crate::wait`]).

use std::os::fd::AsFd;

use napi::bindgen_prelude::AsyncTask;
use napi::Env;
use napi_derive::napi;
use sysix_core::fs::lock::{self, Flock, Range, RangeLock};

use crate::arg::{Fd, HeldFd, Offset};
use crate::error::{invalid_arg, sync};
use crate::task::Blocking;
use crate::wait::{start, RawPromise, Wait};

/// The bit of `flockSync`'s `op` that asks not to wait (an argument of its
/// own would cost a conversion on the hot path).
#[napi]
pub const FLOCK_NON_BLOCKING: u32 = 4;

fn flock_op(op: u32) -> napi::Result<Flock> {
    match op {
        0 => Ok(Flock::Shared),
        1 => Ok(Flock::Exclusive),
        2 => Ok(Flock::Unlock),
        _ => Err(invalid_arg(
            "op must be 0 (shared), 1 (exclusive) or 2 (unlock)",
        )),
    }
}

fn range_kind(kind: u32) -> napi::Result<RangeLock> {
    match kind {
        0 => Ok(RangeLock::Read),
        1 => Ok(RangeLock::Write),
        2 => Ok(RangeLock::Unlock),
        _ => Err(invalid_arg(
            "type must be 0 (read), 1 (write) or 2 (unlock)",
        )),
    }
}

/// `flock(fd, op)`, waiting on the calling thread unless `op` has the
/// [`FLOCK_NON_BLOCKING`] bit.
#[napi]
pub fn flock_sync(env: Env, #[napi(ts_arg_type = "number")] fd: Fd, op: u32) -> napi::Result<()> {
    let wait = op & FLOCK_NON_BLOCKING == 0;
    sync(
        &env,
        lock::flock(fd.as_fd(), flock_op(op & !FLOCK_NON_BLOCKING)?, wait),
    )
}

/// `flock(fd, op)` waiting on a thread of its own, called off by `wait`.
#[napi(ts_return_type = "Promise<void>")]
pub fn flock_wait(
    env: Env,
    #[napi(ts_arg_type = "number")] fd: HeldFd,
    op: u32,
    wait: &Wait,
) -> napi::Result<RawPromise> {
    let op = flock_op(op)?;
    start(
        &env,
        wait,
        move |cancel| lock::flock_wait(fd.as_fd(), op, cancel),
        Ok,
    )
}

/// `flock(fd, op | LOCK_NB)` or `LOCK_UN` on the threadpool: never waits.
#[napi(ts_return_type = "Promise<void>")]
pub fn flock_now(
    #[napi(ts_arg_type = "number")] fd: HeldFd,
    op: u32,
) -> napi::Result<AsyncTask<Blocking<()>>> {
    let op = flock_op(op)?;
    Ok(Blocking::spawn(move || lock::flock(fd.as_fd(), op, false)))
}

/// `fcntl(fd, F_OFD_SETLK or F_OFD_SETLKW, ...)` on the calling thread.
#[napi]
pub fn lock_sync(
    env: Env,
    #[napi(ts_arg_type = "number")] fd: Fd,
    kind: u32,
    #[napi(ts_arg_type = "number | bigint")] start: Offset,
    #[napi(ts_arg_type = "number | bigint")] length: Offset,
    wait: bool,
) -> napi::Result<()> {
    let range = Range {
        start: start.0,
        length: length.0,
    };
    sync(
        &env,
        lock::lock_range(fd.as_fd(), range_kind(kind)?, range, wait),
    )
}

/// `F_OFD_SETLKW` waiting on a thread of its own, called off by `wait`.
#[napi(ts_return_type = "Promise<void>")]
pub fn lock_wait(
    env: Env,
    #[napi(ts_arg_type = "number")] fd: HeldFd,
    kind: u32,
    #[napi(ts_arg_type = "number | bigint")] start: Offset,
    #[napi(ts_arg_type = "number | bigint")] length: Offset,
    wait: &Wait,
) -> napi::Result<RawPromise> {
    let kind = range_kind(kind)?;
    let range = Range {
        start: start.0,
        length: length.0,
    };
    self::start(
        &env,
        wait,
        move |cancel| lock::lock_range_wait(fd.as_fd(), kind, range, cancel),
        Ok,
    )
}

/// `F_OFD_SETLK` on the threadpool: never waits.
#[napi(ts_return_type = "Promise<void>")]
pub fn lock_now(
    #[napi(ts_arg_type = "number")] fd: HeldFd,
    kind: u32,
    #[napi(ts_arg_type = "number | bigint")] start: Offset,
    #[napi(ts_arg_type = "number | bigint")] length: Offset,
) -> napi::Result<AsyncTask<Blocking<()>>> {
    let kind = range_kind(kind)?;
    let range = Range {
        start: start.0,
        length: length.0,
    };
    Ok(Blocking::spawn(move || {
        lock::lock_range(fd.as_fd(), kind, range, false)
    }))
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

/// `fcntl(fd, F_OFD_GETLK, ...)`: the first lock in the way, or `null`.
#[napi]
pub fn get_lock(
    env: Env,
    #[napi(ts_arg_type = "number")] fd: Fd,
    kind: u32,
    #[napi(ts_arg_type = "number | bigint")] start: Offset,
    #[napi(ts_arg_type = "number | bigint")] length: Offset,
) -> napi::Result<Option<LockHolder>> {
    let range = Range {
        start: start.0,
        length: length.0,
    };
    let holder = sync(&env, lock::get_lock(fd.as_fd(), range_kind(kind)?, range))?;
    Ok(holder.map(|h| LockHolder {
        kind: u32::from(h.kind == RangeLock::Write),
        start: h.range.start as f64,
        length: h.range.length as f64,
        pid: h.pid,
    }))
}
