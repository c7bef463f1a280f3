//! Pipes: `pipe`, capacities and duplicates of the standard streams.

use napi::bindgen_prelude::Float64ArraySlice;
use napi::Env;
use napi_derive::napi;
use sysix_core::pipe::{self, PipeFlags};

use crate::arg::Fd;
use crate::error::{invalid_arg, sync};
use crate::fd::hand_over;
use crate::num::saturate;

/// `pipe2(O_CLOEXEC | flags)`—A new anonymous pipe; writes the handles of
/// its reading and writing ends into `out`.
#[napi]
pub fn pipe(
    env: Env,
    non_blocking: bool,
    direct: bool,
    #[napi(ts_arg_type = "Float64Array")] mut out: Float64ArraySlice,
) -> napi::Result<()> {
    // SAFETY: JavaScript is paused for the length of this synchronous call,
    // so nothing else reads or writes the array.
    let out = unsafe { out.as_mut() };
    let [reader_out, writer_out] = out else {
        return Err(invalid_arg("out must hold 2 numbers"));
    };
    let mut flags = PipeFlags::empty();
    flags.set(PipeFlags::NONBLOCK, non_blocking);
    flags.set(PipeFlags::DIRECT, direct);
    let (reader, writer) = sync(&env, pipe::pipe(flags))?;
    // Handles have 53 bits: a double holds them exactly.
    *reader_out = hand_over(&env, reader)? as f64;
    *writer_out = hand_over(&env, writer)? as f64;
    Ok(())
}

/// `fcntl(fd, F_GETPIPE_SZ)`—A pipe's capacity in bytes.
#[napi]
pub fn pipe_capacity(env: Env, #[napi(ts_arg_type = "number")] fd: Fd) -> napi::Result<u32> {
    sync(&env, pipe::capacity(fd.borrow())).map(saturate)
}

/// `fcntl(fd, F_SETPIPE_SZ, bytes)`—Resizes a pipe, returning its new capacity.
#[napi]
pub fn set_pipe_capacity(
    env: Env,
    #[napi(ts_arg_type = "number")] fd: Fd,
    bytes: u32,
) -> napi::Result<u32> {
    sync(&env, pipe::set_capacity(fd.borrow(), bytes as usize)).map(saturate)
}

/// Duplicates standard input, close-on-exec.
#[napi]
pub fn dup_stdin(env: Env) -> napi::Result<i64> {
    hand_over(&env, sync(&env, pipe::dup_stdin())?)
}

/// Duplicates standard output, close-on-exec.
#[napi]
pub fn dup_stdout(env: Env) -> napi::Result<i64> {
    hand_over(&env, sync(&env, pipe::dup_stdout())?)
}

/// Duplicates standard error, close-on-exec.
#[napi]
pub fn dup_stderr(env: Env) -> napi::Result<i64> {
    hand_over(&env, sync(&env, pipe::dup_stderr())?)
}
