//! inotify.

use std::os::fd::AsFd;

use napi::Env;
use napi_derive::napi;
use sysix_core::fs::inotify::{self, Event, WatchFlags};

use crate::arg::{Fd, HeldFd, PathArg};
use crate::copied::Bytes;
use crate::error::sync;
use crate::fd::hand_over;
use crate::wait::{start, RawPromise, Wait};

/// `inotify_init1(IN_CLOEXEC | flags)`: the instance's handle.
#[napi]
pub fn inotify_init(env: Env, non_blocking: bool) -> napi::Result<i64> {
    hand_over(&env, sync(&env, inotify::init(non_blocking))?)
}

/// `inotify_add_watch(fd, path, mask)`: the watch descriptor.
#[napi]
pub fn inotify_add_watch(
    env: Env,
    #[napi(ts_arg_type = "number")] fd: Fd,
    #[napi(ts_arg_type = "string | Uint8Array")] path: PathArg,
    mask: u32,
) -> napi::Result<i32> {
    sync(
        &env,
        inotify::add_watch(
            fd.as_fd(),
            path.as_path(),
            WatchFlags::from_bits_retain(mask),
        ),
    )
}

/// `inotify_rm_watch(fd, wd)`.
#[napi]
pub fn inotify_rm_watch(
    env: Env,
    #[napi(ts_arg_type = "number")] fd: Fd,
    wd: i32,
) -> napi::Result<()> {
    sync(&env, inotify::remove_watch(fd.as_fd(), wd))
}

/// One inotify event.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct InotifyEvent {
    /// The watch descriptor it comes from.
    pub wd: i32,
    /// What happened (`IN_*` bits).
    pub mask: u32,
    /// Pairs the two halves of a rename.
    pub cookie: u32,
    /// The name within a watched directory, as bytes.
    #[napi(ts_type = "Buffer | null")]
    pub name: Option<Bytes>,
}

fn events(events: Vec<Event>) -> Vec<InotifyEvent> {
    events
        .into_iter()
        .map(|e| InotifyEvent {
            wd: e.wd,
            mask: e.mask,
            cookie: e.cookie,
            name: e.name.map(Bytes),
        })
        .collect()
}

/// The events waiting: one read's worth (none on a non-blocking instance
/// with none waiting; a blocking one waits on the calling thread).
#[napi]
pub fn inotify_read_sync(
    env: Env,
    #[napi(ts_arg_type = "number")] fd: Fd,
) -> napi::Result<Vec<InotifyEvent>> {
    sync(&env, inotify::read_events(fd.as_fd())).map(events)
}

/// Waits for events on a thread of its own (called off by `wait`), then reads them.
#[napi(ts_return_type = "Promise<Array<InotifyEvent>>")]
pub fn inotify_read_wait(
    env: Env,
    #[napi(ts_arg_type = "number")] fd: HeldFd,
    wait: &Wait,
) -> napi::Result<RawPromise> {
    start(
        &env,
        wait,
        move |cancel| loop {
            inotify::wait_readable(fd.as_fd(), cancel)?;
            // Another reader may have taken them: then wait again.
            match inotify::read_events(fd.as_fd()) {
                Ok(read) if read.is_empty() => continue,
                Ok(read) => return Ok(read),
                Err(error) => return Err(sysix_core::wait::Interrupted::Failed(error)),
            }
        },
        |read| Ok(events(read)),
    )
}
