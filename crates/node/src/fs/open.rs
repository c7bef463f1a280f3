//! Opening files.

use std::os::fd::OwnedFd;

use napi::bindgen_prelude::AsyncTask;
use napi::Env;
use napi_derive::napi;
use sysix_core::fs::open::{self, OFlags, ResolveFlags};

use crate::arg::{DirArg, HeldDir, PathArg};
use crate::env::owner;
use crate::error::sync;
use crate::fd::{hand_over, hand_over_to};
use crate::task::Blocking;

fn flags(raw: u32) -> OFlags {
    OFlags::from_bits_retain(raw)
}

/// `open(path, flags | O_CLOEXEC, mode)`—Returns the new descriptor's handle.
#[napi]
pub fn open_sync(
    env: Env,
    #[napi(ts_arg_type = "string | Uint8Array")] path: PathArg,
    flags: u32,
    mode: u32,
) -> napi::Result<i64> {
    hand_over(
        &env,
        sync(&env, open::open(path.as_path(), self::flags(flags), mode))?,
    )
}

/// `openSync` on the threadpool.
#[napi(ts_return_type = "Promise<number>")]
pub fn open(
    env: Env,
    #[napi(ts_arg_type = "string | Uint8Array")] path: PathArg,
    flags: u32,
    mode: u32,
) -> napi::Result<AsyncTask<Blocking<OwnedFd, i64>>> {
    let owner = owner(&env)?;
    Ok(Blocking::spawn_then(
        move || open::open(path.as_path(), self::flags(flags), mode),
        move |fd| Ok(hand_over_to(owner, fd)),
    ))
}

/// `openat(dir, path, flags | O_CLOEXEC, mode)`.
#[napi]
pub fn openat_sync(
    env: Env,
    #[napi(ts_arg_type = "number")] dir: DirArg,
    #[napi(ts_arg_type = "string | Uint8Array")] path: PathArg,
    flags: u32,
    mode: u32,
) -> napi::Result<i64> {
    let fd = sync(
        &env,
        open::openat(dir.as_fd(), path.as_path(), self::flags(flags), mode),
    )?;
    hand_over(&env, fd)
}

/// `openatSync` on the threadpool.
#[napi(ts_return_type = "Promise<number>")]
pub fn openat(
    env: Env,
    #[napi(ts_arg_type = "number")] dir: HeldDir,
    #[napi(ts_arg_type = "string | Uint8Array")] path: PathArg,
    flags: u32,
    mode: u32,
) -> napi::Result<AsyncTask<Blocking<OwnedFd, i64>>> {
    let owner = owner(&env)?;
    Ok(Blocking::spawn_then(
        move || open::openat(dir.as_fd(), path.as_path(), self::flags(flags), mode),
        move |fd| Ok(hand_over_to(owner, fd)),
    ))
}

/// `openat2(dir, path, { flags | O_CLOEXEC, mode, resolve })`.
#[napi]
pub fn openat2_sync(
    env: Env,
    #[napi(ts_arg_type = "number")] dir: DirArg,
    #[napi(ts_arg_type = "string | Uint8Array")] path: PathArg,
    flags: u32,
    mode: u32,
    resolve: u32,
) -> napi::Result<i64> {
    let resolve = ResolveFlags::from_bits_retain(u64::from(resolve));
    let fd = sync(
        &env,
        open::openat2(
            dir.as_fd(),
            path.as_path(),
            self::flags(flags),
            mode,
            resolve,
        ),
    )?;
    hand_over(&env, fd)
}

/// `openat2Sync` on the threadpool.
#[napi(ts_return_type = "Promise<number>")]
pub fn openat2(
    env: Env,
    #[napi(ts_arg_type = "number")] dir: HeldDir,
    #[napi(ts_arg_type = "string | Uint8Array")] path: PathArg,
    flags: u32,
    mode: u32,
    resolve: u32,
) -> napi::Result<AsyncTask<Blocking<OwnedFd, i64>>> {
    let owner = owner(&env)?;
    let resolve = ResolveFlags::from_bits_retain(u64::from(resolve));
    Ok(Blocking::spawn_then(
        move || {
            open::openat2(
                dir.as_fd(),
                path.as_path(),
                self::flags(flags),
                mode,
                resolve,
            )
        },
        move |fd| Ok(hand_over_to(owner, fd)),
    ))
}
