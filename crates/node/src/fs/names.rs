//! Names in directories.

use std::os::fd::AsFd;

use sysix_core::fs::names::{self, RenameFlags};

use crate::arg::{Dir, Int, Offset, PathArg, Uint};
use crate::out::Bytes;

/// An id of `fchownat`: -1 leaves it as it is.
fn id(raw: Int) -> Option<u32> {
    u32::try_from(raw.0).ok()
}

crate::bindings! {
    /// `renameat2(oldDir, oldPath, newDir, newPath, flags)`.
    pair renameat2(old_dir: Dir, old_path: PathArg, new_dir: Dir, new_path: PathArg, flags: Uint) -> () {
        names::renameat2(old_dir.as_fd(), old_path.as_path(), new_dir.as_fd(), new_path.as_path(), RenameFlags::from_bits_retain(flags.0))
    }

    /// `linkat(oldDir, oldPath, newDir, newPath, follow ? AT_SYMLINK_FOLLOW : 0)`.
    pair linkat(old_dir: Dir, old_path: PathArg, new_dir: Dir, new_path: PathArg, follow: bool) -> () {
        names::linkat(old_dir.as_fd(), old_path.as_path(), new_dir.as_fd(), new_path.as_path(), follow, false)
    }

    /// Gives the file `fd` holds a name (`linkat` through `/proc/self/fd`).
    pair link_fd(old_dir: Dir, new_dir: Dir, new_path: PathArg) -> () {
        names::link_fd(old_dir.as_fd(), new_dir.as_fd(), new_path.as_path())
    }

    /// `symlinkat(target, dir, path)`.
    pair symlinkat(target: PathArg, dir: Dir, path: PathArg) -> () {
        names::symlinkat(target.as_path(), dir.as_fd(), path.as_path())
    }

    /// `readlinkat(dir, path)`: the target's bytes.
    pair readlinkat(dir: Dir, path: PathArg) -> Bytes {
        names::readlinkat(dir.as_fd(), path.as_path()).map(Bytes)
    }

    /// `mkdirat(dir, path, mode)`.
    pair mkdirat(dir: Dir, path: PathArg, mode: Uint) -> () {
        names::mkdirat(dir.as_fd(), path.as_path(), mode.0)
    }

    /// `mknodat(dir, path, mode, dev)`.
    pair mknodat(dir: Dir, path: PathArg, mode: Uint, dev: Offset) -> () {
        names::mknodat(dir.as_fd(), path.as_path(), mode.0, dev.0)
    }

    /// `mkfifoat(dir, path, mode)`.
    pair mkfifoat(dir: Dir, path: PathArg, mode: Uint) -> () {
        names::mkfifoat(dir.as_fd(), path.as_path(), mode.0)
    }

    /// `unlinkat(dir, path, removeDir ? AT_REMOVEDIR : 0)`.
    pair unlinkat(dir: Dir, path: PathArg, remove_dir: bool) -> () {
        names::unlinkat(dir.as_fd(), path.as_path(), remove_dir)
    }

    /// `fchmodat(dir, path, mode, follow ? 0 : AT_SYMLINK_NOFOLLOW)`.
    pair fchmodat(dir: Dir, path: PathArg, mode: Uint, follow: bool) -> () {
        names::fchmodat(dir.as_fd(), path.as_path(), mode.0, follow)
    }

    /// `fchownat(dir, path, uid, gid, flags)`; -1 leaves an id.
    pair fchownat(dir: Dir, path: PathArg, uid: Int, gid: Int, follow: bool) -> () {
        names::fchownat(dir.as_fd(), path.as_path(), id(uid), id(gid), follow)
    }
}
