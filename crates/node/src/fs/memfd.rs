//! Anonymous files in memory and their seals.

use std::ffi::CString;
use std::os::fd::AsFd;

use napi::Env;
use napi_derive::napi;
use sysix_core::fs::memfd::{self, MemfdFlags, SealFlags};

use crate::arg::Fd;
use crate::error::{invalid_arg, sync};
use crate::fd::hand_over;

/// `memfd_create(name, flags | MFD_CLOEXEC)`: the new descriptor's handle.
#[napi]
pub fn memfd_create(env: Env, name: String, flags: u32) -> napi::Result<i64> {
    let name = CString::new(name).map_err(|_| invalid_arg("name must not contain NUL"))?;
    let fd = sync(
        &env,
        memfd::memfd_create(&name, MemfdFlags::from_bits_retain(flags)),
    )?;
    hand_over(&env, fd)
}

/// `fcntl(fd, F_ADD_SEALS, seals)`.
#[napi]
pub fn add_seals(env: Env, #[napi(ts_arg_type = "number")] fd: Fd, seals: u32) -> napi::Result<()> {
    sync(
        &env,
        memfd::add_seals(fd.as_fd(), SealFlags::from_bits_retain(seals)),
    )
}

/// `fcntl(fd, F_GET_SEALS)`.
#[napi]
pub fn get_seals(env: Env, #[napi(ts_arg_type = "number")] fd: Fd) -> napi::Result<u32> {
    sync(&env, memfd::get_seals(fd.as_fd())).map(|seals| seals.bits())
}
