//! inotify.

use std::os::fd::AsFd;

use napi_derive::napi;
use sysix_core::fs::inotify::{self, Event, WatchFlags};

use crate::arg::{Fd, PathArg, Token, Uint};
use crate::out::{Bytes, NewFd};

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

crate::out::output_by_napi!(InotifyEvent => "InotifyEvent");

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

crate::bindings! {
    /// `inotify_init1(IN_CLOEXEC | flags)`: a new instance.
    sync inotify_init(non_blocking: bool, token: Token) -> NewFd {
        inotify::init(non_blocking).map(|fd| NewFd(fd, token))
    }

    /// `inotify_add_watch(fd, path, mask)`: the watch descriptor.
    sync inotify_add_watch(fd: Fd, path: PathArg, mask: Uint) -> i32 {
        inotify::add_watch(fd.as_fd(), path.as_path(), WatchFlags::from_bits_retain(mask.0))
    }

    /// `inotify_rm_watch(fd, wd)`.
    sync inotify_rm_watch(fd: Fd, wd: Uint) -> () {
        let wd = i32::try_from(wd.0).map_err(|_| sysix_core::Error::new(sysix_core::Errno::INVAL, "inotify_rm_watch"))?;
        inotify::remove_watch(fd.as_fd(), wd)
    }

    /// The events waiting: one read's worth (none on a non-blocking instance
    /// with none waiting; a blocking one waits on the calling thread).
    sync inotify_read_sync(fd: Fd) -> Vec<InotifyEvent> {
        inotify::read_events(fd.as_fd()).map(events)
    }

    /// Waits for events on a thread of its own, then reads them; closing the
    /// instance ends the wait.
    wait inotify_read_wait(fd: Fd) -> Vec<InotifyEvent> |cancel| {
        inotify::wait_events(fd.as_fd(), cancel).map(events)
    }
}
