//! `Root`: a directory nothing can escape. Each export takes the root's
//! directory descriptor and whether to resolve with the kernel's `openat2`
//! (the TypeScript `Root` holds both).

use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::ffi::OsStringExt;

use sysix_core::fs::dir;
use sysix_core::fs::names::RenameFlags;
use sysix_core::fs::open::OFlags;
use sysix_core::fs::root::{self, Resolver, Root};

use super::dir::{columns, DirEntries};
use super::stat::fill;
use crate::arg::{Fd, I64Out, PathArg, TimeArg, Token, Uint};
use crate::out::{Bytes, NewFd};

fn view(dir: BorrowedFd<'_>, kernel: bool) -> Root<'_> {
    let resolver = if kernel {
        Resolver::Kernel
    } else {
        Resolver::Userspace
    };
    Root::new(dir, resolver)
}

crate::bindings! {
    /// Whether this kernel resolves beneath a directory itself (`openat2`).
    sync root_kernel_resolution() -> bool {
        Ok(Resolver::best() == Resolver::Kernel)
    }

    /// Opens a directory as a root.
    pair root_open as "Root.open"(path: PathArg, token: Token) -> NewFd {
        root::open_root(path.as_path()).map(|fd| NewFd(fd, token))
    }

    /// Opens a file beneath the root.
    pair root_open_file as "Root.open"(dir: Fd, kernel: bool, path: PathArg, flags: Uint, mode: Uint, token: Token) -> NewFd {
        view(dir.as_fd(), kernel)
            .open_file(path.as_path(), OFlags::from_bits_retain(flags.0), mode.0)
            .map(|fd| NewFd(fd, token))
    }

    /// A root beneath this one.
    pair root_open_root as "Root.openRoot"(dir: Fd, kernel: bool, path: PathArg, token: Token) -> NewFd {
        view(dir.as_fd(), kernel).open_root(path.as_path()).map(|fd| NewFd(fd, token))
    }

    /// `statx` beneath the root, into `out` (the `StatxSlot` layout).
    pair root_stat as "Root.stat"(dir: Fd, kernel: bool, path: PathArg, follow: bool, out: I64Out) -> () {
        let stat = view(dir.as_fd(), kernel).stat(path.as_path(), follow)?;
        fill(out.as_mut(), &stat)
    }

    /// `mkdirat` beneath the root.
    pair root_mkdir as "Root.mkdir"(dir: Fd, kernel: bool, path: PathArg, mode: Uint) -> () {
        view(dir.as_fd(), kernel).mkdir(path.as_path(), mode.0)
    }

    /// `unlinkat` beneath the root.
    pair root_unlink as "Root.unlink"(dir: Fd, kernel: bool, path: PathArg) -> () {
        view(dir.as_fd(), kernel).unlink(path.as_path())
    }

    /// `unlinkat(AT_REMOVEDIR)` beneath the root.
    pair root_rmdir as "Root.rmdir"(dir: Fd, kernel: bool, path: PathArg) -> () {
        view(dir.as_fd(), kernel).rmdir(path.as_path())
    }

    /// `symlinkat` beneath the root: `path` is created holding `target`.
    pair root_symlink as "Root.symlink"(dir: Fd, kernel: bool, target: PathArg, path: PathArg) -> () {
        view(dir.as_fd(), kernel).symlink(target.as_path(), path.as_path())
    }

    /// `linkat` beneath the root.
    pair root_link as "Root.link"(dir: Fd, kernel: bool, existing_path: PathArg, new_path: PathArg) -> () {
        view(dir.as_fd(), kernel).link(existing_path.as_path(), new_path.as_path())
    }

    /// `renameat2` beneath the root, with `RENAME_*` flags.
    pair root_rename as "Root.rename"(dir: Fd, kernel: bool, from: PathArg, to: PathArg, flags: Uint) -> () {
        view(dir.as_fd(), kernel).rename(from.as_path(), to.as_path(), RenameFlags::from_bits_retain(flags.0))
    }

    /// `chmod` beneath the root (following a final symlink beneath it).
    pair root_chmod as "Root.chmod"(dir: Fd, kernel: bool, path: PathArg, mode: Uint) -> () {
        view(dir.as_fd(), kernel).chmod(path.as_path(), mode.0)
    }

    /// `utimensat` beneath the root.
    pair root_set_file_times as "Root.setFileTimes"(dir: Fd, kernel: bool, path: PathArg, atime: TimeArg, mtime: TimeArg, follow: bool) -> () {
        view(dir.as_fd(), kernel).set_file_times(path.as_path(), atime.0, mtime.0, follow)
    }

    /// `readlinkat` beneath the root: the target's bytes.
    pair root_readlink as "Root.readlink"(dir: Fd, kernel: bool, path: PathArg) -> Bytes {
        view(dir.as_fd(), kernel).readlink(path.as_path()).map(|t| Bytes(t.into_vec()))
    }

    /// The entries of a directory beneath the root.
    pair root_readdir as "Root.readdir"(dir: Fd, kernel: bool, path: PathArg, raw: bool) -> DirEntries {
        let fd = view(dir.as_fd(), kernel).open_dir(path.as_path())?;
        dir::read_all(fd.as_fd()).map(|entries| columns(entries, raw))
    }
}
