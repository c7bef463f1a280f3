//! inotify: file-system events with the detail `fs.watch` hides (which
//! event, the cookie pairing a rename's two halves, the name).

use std::mem::MaybeUninit;
use std::os::fd::{BorrowedFd, OwnedFd};
use std::path::Path;

use rustix::fs::inotify::{self, CreateFlags, Reader};
pub use rustix::fs::inotify::{ReadFlags, WatchFlags};
use rustix::io::Errno;

use crate::error::{Error, Result, Syscall, WithPath};
use crate::wait::{Cancel, Mode, Waited};

/// `inotify_init1(IN_CLOEXEC | flags)`—A new inotify instance.
///
/// # References
///  - [Linux `inotify(7)`](https://man7.org/linux/man-pages/man7/inotify.7.html)
pub fn init(non_blocking: bool) -> Result<OwnedFd> {
    let mut flags = CreateFlags::CLOEXEC;
    flags.set(CreateFlags::NONBLOCK, non_blocking);
    inotify::init(flags).syscall("inotify_init1")
}

/// `inotify_add_watch(fd, path, mask)`—Watches `path` for the events in
/// `mask`, returning the watch descriptor events will carry.
pub fn add_watch(fd: BorrowedFd<'_>, path: &Path, mask: WatchFlags) -> Result<i32> {
    inotify::add_watch(fd, path, mask)
        .syscall("inotify_add_watch")
        .with_path(Some(path))
}

/// `inotify_rm_watch(fd, wd)`—Stops a watch.
pub fn remove_watch(fd: BorrowedFd<'_>, wd: i32) -> Result<()> {
    inotify::remove_watch(fd, wd).syscall("inotify_rm_watch")
}

/// One inotify event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The watch it comes from.
    pub wd: i32,
    /// What happened (`IN_*`).
    pub mask: u32,
    /// Pairs the `IN_MOVED_FROM` and `IN_MOVED_TO` of one rename.
    pub cookie: u32,
    /// The name within a watched directory, if the event is about one.
    pub name: Option<Vec<u8>>,
}

/// `read(fd)`—The events waiting: one read's worth. On a blocking instance
/// with none waiting this waits; on a non-blocking one it returns none.
pub fn read_events(fd: BorrowedFd<'_>) -> Result<Vec<Event>> {
    loop {
        match read_once(fd) {
            Err(Errno::INTR) => continue,
            other => return other.map_err(|errno| Error::new(errno, "read")),
        }
    }
}

/// One `read`: the events it returns (none from a non-blocking instance
/// with none waiting), or its error, `EINTR` included.
fn read_once(fd: BorrowedFd<'_>) -> std::result::Result<Vec<Event>, Errno> {
    let mut buffer = vec![MaybeUninit::uninit(); 64 * 1024];
    let mut reader = Reader::new(fd, &mut buffer);
    let mut events = Vec::new();
    loop {
        match reader.next() {
            Ok(event) => events.push(Event {
                wd: event.wd(),
                mask: event.events().bits(),
                cookie: event.cookie(),
                name: event.file_name().map(|name| name.to_bytes().to_vec()),
            }),
            Err(Errno::AGAIN) if events.is_empty() => return Ok(events),
            Err(errno) if events.is_empty() => return Err(errno),
            Err(_) => return Ok(events),
        }
        if reader.is_buffer_empty() {
            return Ok(events);
        }
    }
}

/// Waits until events come, or the wait is called off, and reads them.
///
/// Another reader of the same instance may take the events between the
/// wakeup and the read: then this waits again. A read that blocks for that
/// reason (on a blocking instance) is interrupted like the wait itself,
/// so that calling the wait off always ends it. Where waits poll (see
/// [`crate::wait`]), a read is only made when `FIONREAD` reports events.
pub fn wait_events(fd: BorrowedFd<'_>, cancel: &Cancel) -> Waited<Vec<Event>> {
    loop {
        wait_readable(fd, cancel)?;
        let events = cancel
            .retry(|mode| {
                if mode == Mode::Poll && crate::fs::io::fionread(fd).map_err(|e| e.errno)? == 0 {
                    // Taken by another reader: back to waiting.
                    return Ok(Vec::new());
                }
                read_once(fd)
            })
            .map_err(|interrupted| interrupted.named("read"))?;
        if !events.is_empty() {
            return Ok(events);
        }
    }
}

/// `poll(fd, POLLIN)`—Waits until events can be read, or the wait is called off.
///
/// # References
///  - [Linux `poll(2)`](https://man7.org/linux/man-pages/man2/poll.2.html)
fn wait_readable(fd: BorrowedFd<'_>, cancel: &Cancel) -> Waited<()> {
    use rustix::event::{poll, PollFd, PollFlags};
    use rustix::time::Timespec;
    let tick = Timespec {
        tv_sec: 0,
        tv_nsec: 16_000_000,
    };
    cancel
        .retry(|mode| {
            let mut fds = [PollFd::new(&fd, PollFlags::IN)];
            let timeout = (mode == Mode::Poll).then_some(&tick);
            match poll(&mut fds, timeout)? {
                0 => Err(Errno::AGAIN),
                _ => Ok(()),
            }
        })
        .map_err(|interrupted| interrupted.named("poll"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsFd;

    #[test]
    fn a_rename_is_two_events_with_one_cookie() {
        let dir = std::env::temp_dir().join(format!("sysix-inotify-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir).unwrap();
        let fd = init(true).unwrap();
        assert_eq!(read_events(fd.as_fd()).unwrap(), []);
        add_watch(fd.as_fd(), &dir, WatchFlags::MOVE | WatchFlags::CLOSE_WRITE).unwrap();
        std::fs::write(dir.join("a"), "x").unwrap();
        std::fs::rename(dir.join("a"), dir.join("b")).unwrap();
        let events = read_events(fd.as_fd()).unwrap();
        let names: Vec<_> = events.iter().map(|e| e.name.clone().unwrap()).collect();
        assert_eq!(names, [b"a".to_vec(), b"a".to_vec(), b"b".to_vec()]);
        assert_eq!(events[0].mask, ReadFlags::CLOSE_WRITE.bits());
        assert_eq!(events[1].cookie, events[2].cookie);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
