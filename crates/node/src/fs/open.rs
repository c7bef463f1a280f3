//! Opening files.

use sysix_core::fs::open::{self, OFlags, ResolveFlags};

use crate::arg::{Dir, PathArg, Token, Uint};
use crate::out::NewFd;

use std::os::fd::AsFd;

crate::bindings! {
    /// `open(path, flags | O_CLOEXEC, mode)`.
    pair open(path: PathArg, flags: Uint, mode: Uint, token: Token) -> NewFd {
        open::open(path.as_path(), OFlags::from_bits_retain(flags.0), mode.0).map(|fd| NewFd(fd, token))
    }

    /// `openat(dir, path, flags | O_CLOEXEC, mode)`.
    pair openat(dir_fd: Dir, path: PathArg, flags: Uint, mode: Uint, token: Token) -> NewFd {
        open::openat(dir_fd.as_fd(), path.as_path(), OFlags::from_bits_retain(flags.0), mode.0).map(|fd| NewFd(fd, token))
    }

    /// `openat2(dir, path, { flags | O_CLOEXEC, mode, resolve })`.
    pair openat2(dir_fd: Dir, path: PathArg, flags: Uint, mode: Uint, resolve: Uint, token: Token) -> NewFd {
        let resolve = ResolveFlags::from_bits_retain(u64::from(resolve.0));
        open::openat2(dir_fd.as_fd(), path.as_path(), OFlags::from_bits_retain(flags.0), mode.0, resolve).map(|fd| NewFd(fd, token))
    }
}
