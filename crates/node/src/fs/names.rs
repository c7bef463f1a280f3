//! Names in directories.

use napi::bindgen_prelude::AsyncTask;
use napi::Env;
use napi_derive::napi;
use sysix_core::fs::names::{self, RenameFlags};

use crate::arg::{DirArg, HeldDir, HeldView, Offset, PathArg, View};
use crate::copied::Bytes;
use crate::error::sync;
use crate::task::Blocking;

blocking_pair! {
    /// `renameat2(oldDir, old, newDir, new, flags)`.
    renameat2_sync / renameat2 (
        old_dir: DirArg | HeldDir = "number",
        old_path: PathArg | PathArg = "string | Uint8Array",
        new_dir: DirArg | HeldDir = "number",
        new_path: PathArg | PathArg = "string | Uint8Array",
        flags: u32 | u32 = "number",
    ) -> () = "void" / "Promise<void>" =>
        names::renameat2(old_dir.as_fd(), old_path.as_path(), new_dir.as_fd(), new_path.as_path(), RenameFlags::from_bits_retain(flags))
}

blocking_pair! {
    /// `linkat(oldDir, old, newDir, new, flags)`.
    linkat_sync / linkat (
        old_dir: DirArg | HeldDir = "number",
        old_path: PathArg | PathArg = "string | Uint8Array",
        new_dir: DirArg | HeldDir = "number",
        new_path: PathArg | PathArg = "string | Uint8Array",
        follow: bool | bool = "boolean",
        empty_path: bool | bool = "boolean",
    ) -> () = "void" / "Promise<void>" =>
        names::linkat(old_dir.as_fd(), old_path.as_path(), new_dir.as_fd(), new_path.as_path(), follow, empty_path)
}

blocking_pair! {
    /// Gives the file `fd` holds a name (`linkat` through `/proc/self/fd`).
    link_fd_sync / link_fd (
        fd: DirArg | HeldDir = "number",
        new_dir: DirArg | HeldDir = "number",
        new_path: PathArg | PathArg = "string | Uint8Array",
    ) -> () = "void" / "Promise<void>" => names::link_fd(fd.as_fd(), new_dir.as_fd(), new_path.as_path())
}

blocking_pair! {
    /// `symlinkat(target, dir, path)`.
    symlinkat_sync / symlinkat (
        target: PathArg | PathArg = "string | Uint8Array",
        dir: DirArg | HeldDir = "number",
        path: PathArg | PathArg = "string | Uint8Array",
    ) -> () = "void" / "Promise<void>" => names::symlinkat(target.as_path(), dir.as_fd(), path.as_path())
}

blocking_pair! {
    /// `readlinkat(dir, path)`: the target's bytes.
    readlinkat_sync / readlinkat (dir: DirArg | HeldDir = "number", path: PathArg | PathArg = "string | Uint8Array")
        -> Bytes = "Buffer" / "Promise<Buffer>" => names::readlinkat(dir.as_fd(), path.as_path()).map(Bytes)
}

blocking_pair! {
    /// `mkdirat(dir, path, mode)`.
    mkdirat_sync / mkdirat (dir: DirArg | HeldDir = "number", path: PathArg | PathArg = "string | Uint8Array", mode: u32 | u32 = "number")
        -> () = "void" / "Promise<void>" => names::mkdirat(dir.as_fd(), path.as_path(), mode)
}

blocking_pair! {
    /// `mknodat(dir, path, mode, dev)`.
    mknodat_sync / mknodat (
        dir: DirArg | HeldDir = "number",
        path: PathArg | PathArg = "string | Uint8Array",
        mode: u32 | u32 = "number",
        dev: Offset | Offset = "number | bigint",
    ) -> () = "void" / "Promise<void>" => names::mknodat(dir.as_fd(), path.as_path(), mode, dev.0)
}

blocking_pair! {
    /// `mkfifoat(dir, path, mode)`.
    mkfifoat_sync / mkfifoat (dir: DirArg | HeldDir = "number", path: PathArg | PathArg = "string | Uint8Array", mode: u32 | u32 = "number")
        -> () = "void" / "Promise<void>" => names::mkfifoat(dir.as_fd(), path.as_path(), mode)
}

blocking_pair! {
    /// `unlinkat(dir, path, removeDir ? AT_REMOVEDIR : 0)`.
    unlinkat_sync / unlinkat (dir: DirArg | HeldDir = "number", path: PathArg | PathArg = "string | Uint8Array", remove_dir: bool | bool = "boolean")
        -> () = "void" / "Promise<void>" => names::unlinkat(dir.as_fd(), path.as_path(), remove_dir)
}

blocking_pair! {
    /// `fchmodat(dir, path, mode, flags)`.
    fchmodat_sync / fchmodat (
        dir: DirArg | HeldDir = "number",
        path: PathArg | PathArg = "string | Uint8Array",
        mode: u32 | u32 = "number",
        follow: bool | bool = "boolean",
    ) -> () = "void" / "Promise<void>" => names::fchmodat(dir.as_fd(), path.as_path(), mode, follow)
}

/// An id of `fchownat`: -1 leaves it as it is.
fn id(raw: i64) -> Option<u32> {
    u32::try_from(raw).ok()
}

blocking_pair! {
    /// `fchownat(dir, path, uid, gid, flags)`; -1 leaves an id.
    fchownat_sync / fchownat (
        dir: DirArg | HeldDir = "number",
        path: PathArg | PathArg = "string | Uint8Array",
        uid: i64 | i64 = "number",
        gid: i64 | i64 = "number",
        follow: bool | bool = "boolean",
    ) -> () = "void" / "Promise<void>" => names::fchownat(dir.as_fd(), path.as_path(), id(uid), id(gid), follow)
}

/// Replaces `path` with `data`, whole or not at all.
#[napi]
pub fn write_file_atomic_sync(
    env: Env,
    #[napi(ts_arg_type = "string | Uint8Array")] path: PathArg,
    #[napi(ts_arg_type = "ArrayBufferView")] data: View,
    mode: u32,
    fsync: bool,
) -> napi::Result<()> {
    // SAFETY: the view is alive and JavaScript is paused for this call.
    let bytes = unsafe { data.as_slice() };
    sync(
        &env,
        names::write_file_atomic(path.as_path(), bytes, mode, fsync),
    )
}

/// `writeFileAtomicSync` on the threadpool.
#[napi(ts_return_type = "Promise<void>")]
pub fn write_file_atomic(
    #[napi(ts_arg_type = "string | Uint8Array")] path: PathArg,
    #[napi(ts_arg_type = "ArrayBufferView")] data: HeldView,
    mode: u32,
    fsync: bool,
) -> AsyncTask<Blocking<()>> {
    let bytes = data.view;
    Blocking::spawn_holding(
        vec![data.reference],
        // SAFETY: the reference held by the task keeps the view alive until
        // the promise settles.
        move || names::write_file_atomic(path.as_path(), unsafe { bytes.as_slice() }, mode, fsync),
        Ok,
    )
}
