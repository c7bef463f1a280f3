//! Reads and writes in place, in the caller's `Buffer`, `TypedArray` or
//! `DataView`, and the descriptor-level controls.

use std::io::{IoSlice, IoSliceMut};
use std::os::fd::AsFd;

use napi::bindgen_prelude::AsyncTask;
use napi::Env;
use napi_derive::napi;
use sysix_core::fs::io::{self, FdFlags, OFlags, ReadWriteFlags};

use crate::arg::{Fd, HeldFd, HeldView, MaybeOffset, Offset, View, ViewRef};
use crate::error::sync;
use crate::task::Blocking;

/// Splits held views into their bytes and the references that keep them.
fn unzip(views: Vec<HeldView>) -> (Vec<View>, Vec<ViewRef>) {
    views
        .into_iter()
        .map(|held| (held.view, held.reference))
        .unzip()
}

/// `pread(fd, view, position)`: bytes read into the view.
#[napi]
pub fn pread_sync(
    env: Env,
    #[napi(ts_arg_type = "number")] fd: Fd,
    #[napi(ts_arg_type = "ArrayBufferView")] view: View,
    #[napi(ts_arg_type = "number | bigint")] position: Offset,
) -> napi::Result<f64> {
    // SAFETY: the view is alive and JavaScript is paused for this call.
    let buffer = unsafe { view.as_mut_slice() };
    sync(&env, io::pread(fd.as_fd(), buffer, position.0)).map(|n| n as f64)
}

/// `preadSync` on the threadpool.
#[napi(ts_return_type = "Promise<number>")]
pub fn pread(
    #[napi(ts_arg_type = "number")] fd: HeldFd,
    #[napi(ts_arg_type = "ArrayBufferView")] view: HeldView,
    #[napi(ts_arg_type = "number | bigint")] position: Offset,
) -> AsyncTask<Blocking<f64>> {
    let bytes = view.view;
    Blocking::spawn_holding(
        vec![view.reference],
        move || {
            // SAFETY: the reference held by the task keeps the view alive
            // until the promise settles (see `View::as_mut_slice`).
            let buffer = unsafe { bytes.as_mut_slice() };
            io::pread(fd.as_fd(), buffer, position.0).map(|n| n as f64)
        },
        Ok,
    )
}

/// `pwrite(fd, view, position)`: bytes written from the view.
#[napi]
pub fn pwrite_sync(
    env: Env,
    #[napi(ts_arg_type = "number")] fd: Fd,
    #[napi(ts_arg_type = "ArrayBufferView")] view: View,
    #[napi(ts_arg_type = "number | bigint")] position: Offset,
) -> napi::Result<f64> {
    // SAFETY: the view is alive and JavaScript is paused for this call.
    let buffer = unsafe { view.as_slice() };
    sync(&env, io::pwrite(fd.as_fd(), buffer, position.0)).map(|n| n as f64)
}

/// `pwriteSync` on the threadpool.
#[napi(ts_return_type = "Promise<number>")]
pub fn pwrite(
    #[napi(ts_arg_type = "number")] fd: HeldFd,
    #[napi(ts_arg_type = "ArrayBufferView")] view: HeldView,
    #[napi(ts_arg_type = "number | bigint")] position: Offset,
) -> AsyncTask<Blocking<f64>> {
    let bytes = view.view;
    Blocking::spawn_holding(
        vec![view.reference],
        // SAFETY: as for `pread`.
        move || io::pwrite(fd.as_fd(), unsafe { bytes.as_slice() }, position.0).map(|n| n as f64),
        Ok,
    )
}

/// Reads into several views in turn (`readv`, or `preadv2` with a position
/// or flags): bytes read.
fn read_into(
    fd: std::os::fd::BorrowedFd<'_>,
    views: &[View],
    position: Option<u64>,
    flags: u32,
    vectored2: bool,
) -> sysix_core::Result<f64> {
    // SAFETY: each view is alive for the call (paused JavaScript, or a
    // reference the task holds); they may overlap, as with readv(2).
    let mut slices: Vec<IoSliceMut<'_>> = views
        .iter()
        .map(|v| IoSliceMut::new(unsafe { v.as_mut_slice() }))
        .collect();
    if vectored2 {
        io::preadv2(
            fd,
            &mut slices,
            position,
            ReadWriteFlags::from_bits_retain(flags),
        )
    } else {
        io::readv(fd, &mut slices)
    }
    .map(|n| n as f64)
}

/// Writes several views in turn: bytes written.
fn write_from(
    fd: std::os::fd::BorrowedFd<'_>,
    views: &[View],
    position: Option<u64>,
    flags: u32,
    vectored2: bool,
) -> sysix_core::Result<f64> {
    // SAFETY: as for `read_into`.
    let slices: Vec<IoSlice<'_>> = views
        .iter()
        .map(|v| IoSlice::new(unsafe { v.as_slice() }))
        .collect();
    if vectored2 {
        io::pwritev2(
            fd,
            &slices,
            position,
            ReadWriteFlags::from_bits_retain(flags),
        )
    } else {
        io::writev(fd, &slices)
    }
    .map(|n| n as f64)
}

/// `readv(fd, views)` (`vectored2` false) or `preadv2(fd, views, position,
/// flags)`: bytes read.
#[napi]
pub fn readv_sync(
    env: Env,
    #[napi(ts_arg_type = "number")] fd: Fd,
    #[napi(ts_arg_type = "ArrayBufferView[]")] views: Vec<View>,
    #[napi(ts_arg_type = "number | bigint | null")] position: MaybeOffset,
    flags: u32,
    vectored2: bool,
) -> napi::Result<f64> {
    sync(
        &env,
        read_into(fd.as_fd(), &views, position.0, flags, vectored2),
    )
}

/// `readvSync` on the threadpool.
#[napi(ts_return_type = "Promise<number>")]
pub fn readv(
    #[napi(ts_arg_type = "number")] fd: HeldFd,
    #[napi(ts_arg_type = "ArrayBufferView[]")] views: Vec<HeldView>,
    #[napi(ts_arg_type = "number | bigint | null")] position: MaybeOffset,
    flags: u32,
    vectored2: bool,
) -> AsyncTask<Blocking<f64>> {
    let (views, held) = unzip(views);
    Blocking::spawn_holding(
        held,
        move || read_into(fd.as_fd(), &views, position.0, flags, vectored2),
        Ok,
    )
}

/// `writev(fd, views)` (`vectored2` false) or `pwritev2(fd, views,
/// position, flags)`: bytes written.
#[napi]
pub fn writev_sync(
    env: Env,
    #[napi(ts_arg_type = "number")] fd: Fd,
    #[napi(ts_arg_type = "ArrayBufferView[]")] views: Vec<View>,
    #[napi(ts_arg_type = "number | bigint | null")] position: MaybeOffset,
    flags: u32,
    vectored2: bool,
) -> napi::Result<f64> {
    sync(
        &env,
        write_from(fd.as_fd(), &views, position.0, flags, vectored2),
    )
}

/// `writevSync` on the threadpool.
#[napi(ts_return_type = "Promise<number>")]
pub fn writev(
    #[napi(ts_arg_type = "number")] fd: HeldFd,
    #[napi(ts_arg_type = "ArrayBufferView[]")] views: Vec<HeldView>,
    #[napi(ts_arg_type = "number | bigint | null")] position: MaybeOffset,
    flags: u32,
    vectored2: bool,
) -> AsyncTask<Blocking<f64>> {
    let (views, held) = unzip(views);
    Blocking::spawn_holding(
        held,
        move || write_from(fd.as_fd(), &views, position.0, flags, vectored2),
        Ok,
    )
}

/// `dup3(fd, target, cloexec ? O_CLOEXEC : 0)`.
#[napi]
pub fn dup3(
    env: Env,
    #[napi(ts_arg_type = "number")] fd: Fd,
    #[napi(ts_arg_type = "number")] target: Fd,
    cloexec: bool,
) -> napi::Result<()> {
    sync(&env, io::dup3(fd.as_fd(), target.0, cloexec))
}

/// `dup2(fd, target)`.
#[napi]
pub fn dup2(
    env: Env,
    #[napi(ts_arg_type = "number")] fd: Fd,
    #[napi(ts_arg_type = "number")] target: Fd,
) -> napi::Result<()> {
    sync(&env, io::dup2(fd.as_fd(), target.0))
}

/// `fcntl(fd, F_GETFD)`.
#[napi]
pub fn fcntl_get_fd(env: Env, #[napi(ts_arg_type = "number")] fd: Fd) -> napi::Result<u32> {
    sync(&env, io::fd_flags(fd.as_fd())).map(|flags| flags.bits())
}

/// `fcntl(fd, F_SETFD, flags)`.
#[napi]
pub fn fcntl_set_fd(
    env: Env,
    #[napi(ts_arg_type = "number")] fd: Fd,
    flags: u32,
) -> napi::Result<()> {
    sync(
        &env,
        io::set_fd_flags(fd.as_fd(), FdFlags::from_bits_retain(flags)),
    )
}

/// `fcntl(fd, F_GETFL)`.
#[napi]
pub fn fcntl_get_fl(env: Env, #[napi(ts_arg_type = "number")] fd: Fd) -> napi::Result<u32> {
    sync(&env, io::status_flags(fd.as_fd())).map(|flags| flags.bits())
}

/// `fcntl(fd, F_SETFL, flags)`.
#[napi]
pub fn fcntl_set_fl(
    env: Env,
    #[napi(ts_arg_type = "number")] fd: Fd,
    flags: u32,
) -> napi::Result<()> {
    sync(
        &env,
        io::set_status_flags(fd.as_fd(), OFlags::from_bits_retain(flags)),
    )
}

/// `ioctl(fd, FIONREAD)`.
#[napi]
pub fn fionread(env: Env, #[napi(ts_arg_type = "number")] fd: Fd) -> napi::Result<f64> {
    sync(&env, io::fionread(fd.as_fd())).map(|n| n as f64)
}
