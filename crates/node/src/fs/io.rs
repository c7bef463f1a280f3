//! Reads and writes, in the caller's `Buffer`, `TypedArray` or `DataView`
//! (in place for a synchronous call; through a buffer of the call's own for
//! a Promise one, see `arg::view`), and the descriptor-level controls.

use std::os::fd::{AsFd, AsRawFd};

use sysix_core::fs::io::{self, FdFlags, OFlags, ReadWriteFlags};

use crate::arg::{Data, Fd, MaybeOffset, Sink, Sinks, Uint, Views};
use crate::out::Count;

crate::bindings! {
    /// `pread(fd, view, position)` (made as `preadv`, whose buffer need not
    /// be a Rust slice), or `read` at the file position when `position` is
    /// `null`: bytes read into the view.
    pair pread(fd: Fd, view: Sink, position: MaybeOffset) -> Count {
        let slices = &mut [view.io_slice_mut()];
        match position.0 {
            Some(position) => io::preadv(fd.as_fd(), slices, position),
            None => io::readv(fd.as_fd(), slices),
        }
        .map(Count)
    }

    /// `pwrite(fd, view, position)`, or `write` at the file position when
    /// `position` is `null`: bytes written from the view.
    pair pwrite(fd: Fd, view: Data, position: MaybeOffset) -> Count {
        match position.0 {
            Some(position) => io::pwrite(fd.as_fd(), view.as_slice(), position),
            None => io::writev(fd.as_fd(), &[std::io::IoSlice::new(view.as_slice())]),
        }
        .map(Count)
    }

    /// `readv(fd, views)`: bytes read into the views in turn.
    pair readv(fd: Fd, views: Sinks) -> Count {
        io::readv(fd.as_fd(), &mut views.io_slices_mut()).map(Count)
    }

    /// `writev(fd, views)`: bytes written from the views in turn.
    pair writev(fd: Fd, views: Views) -> Count {
        io::writev(fd.as_fd(), &views.io_slices()).map(Count)
    }

    /// `preadv2(fd, views, position, flags)`: bytes read.
    pair preadv2(fd: Fd, views: Sinks, position: MaybeOffset, flags: Uint) -> Count {
        io::preadv2(fd.as_fd(), &mut views.io_slices_mut(), position.0, ReadWriteFlags::from_bits_retain(flags.0)).map(Count)
    }

    /// `pwritev2(fd, views, position, flags)`: bytes written.
    pair pwritev2(fd: Fd, views: Views, position: MaybeOffset, flags: Uint) -> Count {
        io::pwritev2(fd.as_fd(), &views.io_slices(), position.0, ReadWriteFlags::from_bits_retain(flags.0)).map(Count)
    }

    /// `dup3(fd, newFd, cloexec ? O_CLOEXEC : 0)`.
    sync dup3(fd: Fd, new_fd: Fd, cloexec: bool) -> () {
        io::dup3(fd.as_fd(), new_fd.as_fd().as_raw_fd(), cloexec)
    }

    /// `dup2(fd, newFd)`.
    sync dup2(fd: Fd, new_fd: Fd) -> () {
        io::dup2(fd.as_fd(), new_fd.as_fd().as_raw_fd())
    }

    /// `fcntl(fd, F_GETFD)`.
    sync fcntl_get_fd(fd: Fd) -> u32 {
        io::fd_flags(fd.as_fd()).map(|flags| flags.bits())
    }

    /// `fcntl(fd, F_SETFD, flags)`.
    sync fcntl_set_fd(fd: Fd, flags: Uint) -> () {
        io::set_fd_flags(fd.as_fd(), FdFlags::from_bits_retain(flags.0))
    }

    /// `fcntl(fd, F_GETFL)`.
    sync fcntl_get_fl(fd: Fd) -> u32 {
        io::status_flags(fd.as_fd()).map(|flags| flags.bits())
    }

    /// `fcntl(fd, F_SETFL, flags)`.
    sync fcntl_set_fl(fd: Fd, flags: Uint) -> () {
        io::set_status_flags(fd.as_fd(), OFlags::from_bits_retain(flags.0))
    }

    /// `ioctl(fd, FIONREAD)`.
    sync fionread(fd: Fd) -> f64 {
        io::fionread(fd.as_fd()).map(|n| n as f64)
    }
}
