//! `Root`: a directory nothing can escape. Each export takes the root's
//! directory descriptor and whether to resolve with the kernel's `openat2`
//! (the TypeScript `Root` holds both).

use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStringExt;

use napi::bindgen_prelude::AsyncTask;
use napi::Env;
use napi_derive::napi;
use sysix_core::fs::dir::{self, Entry};
use sysix_core::fs::names::RenameFlags;
use sysix_core::fs::open::OFlags;
use sysix_core::fs::root::{self, Resolver, Root};

use super::dir::{columns, DirEntries};
use super::stat::{write_stat, StatOut};
use crate::arg::{Fd, HeldFd, PathArg, TimeArg};
use crate::copied::Bytes;
use crate::env::owner;
use crate::error::sync;
use crate::fd::{hand_over, hand_over_to};
use crate::task::Blocking;

fn resolver(kernel: bool) -> Resolver {
    if kernel {
        Resolver::Kernel
    } else {
        Resolver::Userspace
    }
}

fn view(dir: BorrowedFd<'_>, kernel: bool) -> Root<'_> {
    Root::new(dir, resolver(kernel))
}

/// Whether this kernel resolves beneath a directory itself (`openat2`).
#[napi]
pub fn root_kernel_resolution() -> bool {
    Resolver::best() == Resolver::Kernel
}

/// Opens a directory as a root: returns its descriptor's handle.
#[napi]
pub fn root_open_sync(
    env: Env,
    #[napi(ts_arg_type = "string | Uint8Array")] path: PathArg,
) -> napi::Result<i64> {
    hand_over(&env, sync(&env, root::open_root(path.as_path()))?)
}

/// `rootOpenSync` on the threadpool.
#[napi(ts_return_type = "Promise<number>")]
pub fn root_open(
    env: Env,
    #[napi(ts_arg_type = "string | Uint8Array")] path: PathArg,
) -> napi::Result<AsyncTask<Blocking<OwnedFd, i64>>> {
    let owner = owner(&env)?;
    Ok(Blocking::spawn_then(
        move || root::open_root(path.as_path()),
        move |fd| Ok(hand_over_to(owner, fd)),
    ))
}

/// Opens a file beneath the root: returns the new descriptor's handle.
#[napi]
pub fn root_open_file_sync(
    env: Env,
    #[napi(ts_arg_type = "number")] dir: Fd,
    kernel: bool,
    #[napi(ts_arg_type = "string | Uint8Array")] path: PathArg,
    flags: u32,
    mode: u32,
) -> napi::Result<i64> {
    let fd =
        view(dir.borrow(), kernel).open_file(path.as_path(), OFlags::from_bits_retain(flags), mode);
    hand_over(&env, sync(&env, fd)?)
}

/// `rootOpenFileSync` on the threadpool.
#[napi(ts_return_type = "Promise<number>")]
pub fn root_open_file(
    env: Env,
    #[napi(ts_arg_type = "number")] dir: HeldFd,
    kernel: bool,
    #[napi(ts_arg_type = "string | Uint8Array")] path: PathArg,
    flags: u32,
    mode: u32,
) -> napi::Result<AsyncTask<Blocking<OwnedFd, i64>>> {
    let owner = owner(&env)?;
    Ok(Blocking::spawn_then(
        move || {
            view(dir.as_fd(), kernel).open_file(
                path.as_path(),
                OFlags::from_bits_retain(flags),
                mode,
            )
        },
        move |fd| Ok(hand_over_to(owner, fd)),
    ))
}

/// A root beneath this one: returns its descriptor's handle.
#[napi]
pub fn root_open_root_sync(
    env: Env,
    #[napi(ts_arg_type = "number")] dir: Fd,
    kernel: bool,
    #[napi(ts_arg_type = "string | Uint8Array")] path: PathArg,
) -> napi::Result<i64> {
    hand_over(
        &env,
        sync(&env, view(dir.borrow(), kernel).open_root(path.as_path()))?,
    )
}

/// `rootOpenRootSync` on the threadpool.
#[napi(ts_return_type = "Promise<number>")]
pub fn root_open_root(
    env: Env,
    #[napi(ts_arg_type = "number")] dir: HeldFd,
    kernel: bool,
    #[napi(ts_arg_type = "string | Uint8Array")] path: PathArg,
) -> napi::Result<AsyncTask<Blocking<OwnedFd, i64>>> {
    let owner = owner(&env)?;
    Ok(Blocking::spawn_then(
        move || view(dir.as_fd(), kernel).open_root(path.as_path()),
        move |fd| Ok(hand_over_to(owner, fd)),
    ))
}

/// `statx` beneath the root, into `out` (the `StatxSlot` layout).
#[napi]
pub fn root_stat_sync(
    env: Env,
    #[napi(ts_arg_type = "number")] dir: Fd,
    kernel: bool,
    #[napi(ts_arg_type = "string | Uint8Array")] path: PathArg,
    follow: bool,
    #[napi(ts_arg_type = "BigInt64Array")] out: StatOut,
) -> napi::Result<()> {
    let stat = sync(
        &env,
        view(dir.borrow(), kernel).stat(path.as_path(), follow),
    )?;
    out.fill(&stat)
}

/// `rootStatSync` on the threadpool.
#[napi(ts_return_type = "Promise<void>")]
pub fn root_stat(
    #[napi(ts_arg_type = "number")] dir: HeldFd,
    kernel: bool,
    #[napi(ts_arg_type = "string | Uint8Array")] path: PathArg,
    follow: bool,
    out: napi::bindgen_prelude::BigInt64Array,
) -> AsyncTask<Blocking<sysix_core::fs::stat::Stat, ()>> {
    Blocking::spawn_then(
        move || view(dir.as_fd(), kernel).stat(path.as_path(), follow),
        move |stat| write_stat(out, &stat),
    )
}

blocking_pair! {
    /// `mkdirat` beneath the root.
    root_mkdir_sync / root_mkdir (dir: Fd | HeldFd = "number", kernel: bool | bool = "boolean", path: PathArg | PathArg = "string | Uint8Array", mode: u32 | u32 = "number") -> () = "void" / "Promise<void>" =>
        view(dir.as_fd(), kernel).mkdir(path.as_path(), mode)
}

blocking_pair! {
    /// `unlinkat` beneath the root.
    root_unlink_sync / root_unlink (dir: Fd | HeldFd = "number", kernel: bool | bool = "boolean", path: PathArg | PathArg = "string | Uint8Array") -> () = "void" / "Promise<void>" =>
        view(dir.as_fd(), kernel).unlink(path.as_path())
}

blocking_pair! {
    /// `unlinkat(AT_REMOVEDIR)` beneath the root.
    root_rmdir_sync / root_rmdir (dir: Fd | HeldFd = "number", kernel: bool | bool = "boolean", path: PathArg | PathArg = "string | Uint8Array") -> () = "void" / "Promise<void>" =>
        view(dir.as_fd(), kernel).rmdir(path.as_path())
}

blocking_pair! {
    /// `symlinkat` beneath the root: `path` is created holding `target`.
    root_symlink_sync / root_symlink (dir: Fd | HeldFd = "number", kernel: bool | bool = "boolean", target: PathArg | PathArg = "string | Uint8Array", path: PathArg | PathArg = "string | Uint8Array") -> () = "void" / "Promise<void>" =>
        view(dir.as_fd(), kernel).symlink(target.as_path(), path.as_path())
}

blocking_pair! {
    /// `linkat` beneath the root.
    root_link_sync / root_link (dir: Fd | HeldFd = "number", kernel: bool | bool = "boolean", existing: PathArg | PathArg = "string | Uint8Array", new_path: PathArg | PathArg = "string | Uint8Array") -> () = "void" / "Promise<void>" =>
        view(dir.as_fd(), kernel).link(existing.as_path(), new_path.as_path())
}

blocking_pair! {
    /// `renameat2` beneath the root, with `RENAME_*` flags.
    root_rename_sync / root_rename (dir: Fd | HeldFd = "number", kernel: bool | bool = "boolean", from: PathArg | PathArg = "string | Uint8Array", to: PathArg | PathArg = "string | Uint8Array", flags: u32 | u32 = "number") -> () = "void" / "Promise<void>" =>
        view(dir.as_fd(), kernel).rename(from.as_path(), to.as_path(), RenameFlags::from_bits_retain(flags))
}

blocking_pair! {
    /// `chmod` beneath the root (following a final symlink beneath it).
    root_chmod_sync / root_chmod (dir: Fd | HeldFd = "number", kernel: bool | bool = "boolean", path: PathArg | PathArg = "string | Uint8Array", mode: u32 | u32 = "number") -> () = "void" / "Promise<void>" =>
        view(dir.as_fd(), kernel).chmod(path.as_path(), mode)
}

blocking_pair! {
    /// `utimensat` beneath the root.
    root_set_file_times_sync / root_set_file_times (dir: Fd | HeldFd = "number", kernel: bool | bool = "boolean",
        path: PathArg | PathArg = "string | Uint8Array",
        atime: TimeArg | TimeArg = "bigint | 'now' | undefined",
        mtime: TimeArg | TimeArg = "bigint | 'now' | undefined",
        follow: bool | bool = "boolean"
    ) -> () = "void" / "Promise<void>" => view(dir.as_fd(), kernel).set_file_times(path.as_path(), atime.0, mtime.0, follow)
}

/// `readlinkat` beneath the root: the target's bytes.
#[napi(ts_return_type = "Buffer")]
pub fn root_readlink_sync(
    env: Env,
    #[napi(ts_arg_type = "number")] dir: Fd,
    kernel: bool,
    #[napi(ts_arg_type = "string | Uint8Array")] path: PathArg,
) -> napi::Result<Bytes> {
    sync(&env, view(dir.borrow(), kernel).readlink(path.as_path())).map(|t| Bytes(t.into_vec()))
}

/// `rootReadlinkSync` on the threadpool.
#[napi(ts_return_type = "Promise<Buffer>")]
pub fn root_readlink(
    #[napi(ts_arg_type = "number")] dir: HeldFd,
    kernel: bool,
    #[napi(ts_arg_type = "string | Uint8Array")] path: PathArg,
) -> AsyncTask<Blocking<Bytes>> {
    Blocking::spawn(move || {
        view(dir.as_fd(), kernel)
            .readlink(path.as_path())
            .map(|t| Bytes(t.into_vec()))
    })
}

fn read_root_dir(root: Root<'_>, path: &std::path::Path) -> sysix_core::Result<Vec<Entry>> {
    let fd = root.open_dir(path)?;
    dir::read_all(fd.as_fd())
}

/// The entries of a directory beneath the root.
#[napi]
pub fn root_readdir_sync(
    env: Env,
    #[napi(ts_arg_type = "number")] dir: Fd,
    kernel: bool,
    #[napi(ts_arg_type = "string | Uint8Array")] path: PathArg,
    raw: bool,
) -> napi::Result<DirEntries> {
    sync(
        &env,
        read_root_dir(view(dir.borrow(), kernel), path.as_path()),
    )
    .map(|e| columns(e, raw))
}

/// `rootReaddirSync` on the threadpool.
#[napi(ts_return_type = "Promise<DirEntries>")]
pub fn root_readdir(
    #[napi(ts_arg_type = "number")] dir: HeldFd,
    kernel: bool,
    #[napi(ts_arg_type = "string | Uint8Array")] path: PathArg,
    raw: bool,
) -> AsyncTask<Blocking<Vec<Entry>, DirEntries>> {
    Blocking::spawn_then(
        move || read_root_dir(view(dir.as_fd(), kernel), path.as_path()),
        move |entries| Ok(columns(entries, raw)),
    )
}
