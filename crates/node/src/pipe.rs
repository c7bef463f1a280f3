//! Pipes: `pipe`, capacities and duplicates of the standard streams.

use napi::Env;
use napi_derive::napi;
use sysix_core::pipe::{self, PipeFlags};

use crate::arg::FdArg;
use crate::error::sync;
use crate::fd::NativeFd;

/// The two ends of a new pipe.
#[napi(object, object_from_js = false)]
pub struct PipeEnds {
    /// The end to read from.
    pub reader: NativeFd,
    /// The end to write to.
    pub writer: NativeFd,
}

/// `pipe2(O_CLOEXEC | flags)`—A new anonymous pipe.
#[napi]
pub fn pipe(env: Env, non_blocking: bool, direct: bool) -> napi::Result<PipeEnds> {
    let mut flags = PipeFlags::empty();
    flags.set(PipeFlags::NONBLOCK, non_blocking);
    flags.set(PipeFlags::DIRECT, direct);
    let (reader, writer) = sync(&env, pipe::pipe(flags))?;
    Ok(PipeEnds {
        reader: NativeFd::new(reader),
        writer: NativeFd::new(writer),
    })
}

/// `fcntl(fd, F_GETPIPE_SZ)`—A pipe's capacity in bytes.
#[napi]
pub fn pipe_capacity(
    env: Env,
    #[napi(ts_arg_type = "number | NativeFd")] fd: FdArg,
) -> napi::Result<u32> {
    sync(&env, pipe::capacity(fd.borrow())).map(saturate)
}

/// `fcntl(fd, F_SETPIPE_SZ, bytes)`—Resizes a pipe, returning its new capacity.
#[napi]
pub fn set_pipe_capacity(
    env: Env,
    #[napi(ts_arg_type = "number | NativeFd")] fd: FdArg,
    bytes: u32,
) -> napi::Result<u32> {
    sync(&env, pipe::set_capacity(fd.borrow(), bytes as usize)).map(saturate)
}

/// The largest capacity an unprivileged process may set, if `/proc` shows it.
#[napi]
pub fn pipe_max_capacity() -> Option<u32> {
    pipe::max_capacity().map(saturate)
}

/// Duplicates standard input, close-on-exec.
#[napi]
pub fn dup_stdin(env: Env) -> napi::Result<NativeFd> {
    sync(&env, pipe::dup_stdin()).map(NativeFd::new)
}

/// Duplicates standard output, close-on-exec.
#[napi]
pub fn dup_stdout(env: Env) -> napi::Result<NativeFd> {
    sync(&env, pipe::dup_stdout()).map(NativeFd::new)
}

/// Duplicates standard error, close-on-exec.
#[napi]
pub fn dup_stderr(env: Env) -> napi::Result<NativeFd> {
    sync(&env, pipe::dup_stderr()).map(NativeFd::new)
}

/// Pipe capacities fit in a C `int`; this only guards the conversion.
fn saturate(bytes: usize) -> u32 {
    u32::try_from(bytes).unwrap_or(u32::MAX)
}
