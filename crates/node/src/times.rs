//! File timestamps in nanoseconds.
//!
//! Times come back through a caller's `BigInt64Array` rather than a new
//! object: building an object of four `bigint`s through Node-API costs more
//! than the `statx` call itself, while JavaScript reads a typed array almost
//! for free (Node's own `fs.statSync` works the same way).

use napi::bindgen_prelude::{AsyncTask, BigInt64Array, BigInt64ArraySlice};
use napi::Env;
use napi_derive::napi;
use sysix_core::times::{self, FileTime};

use crate::arg::{TargetArg, TimeArg};
use crate::error::{invalid_arg, sync};
use crate::task::Blocking;

/// How many `bigint`s the file-time functions write: the seconds and the
/// nanoseconds of the access, modification, change and birth times, then 1
/// when there is a birth time (0 otherwise).
const FILE_TIMES_LEN: usize = 9;

/// Writes `times` into `out` in the [`FILE_TIMES_LEN`] layout.
fn write(out: &mut [i64], times: &times::FileTimes) -> napi::Result<()> {
    let out: &mut [i64; FILE_TIMES_LEN] = out
        .get_mut(..FILE_TIMES_LEN)
        .and_then(|head| head.try_into().ok())
        .ok_or_else(|| invalid_arg("out must hold 9 bigints"))?;
    let zero = FileTime::from_unix_time(0, 0);
    let parts = |time: FileTime| [time.unix_seconds(), i64::from(time.nanoseconds())];
    let [a, m, c, b] = [
        times.accessed,
        times.modified,
        times.changed,
        times.created.unwrap_or(zero),
    ]
    .map(parts);
    *out = [
        a[0],
        a[1],
        m[0],
        m[1],
        c[0],
        c[1],
        b[0],
        b[1],
        i64::from(times.created.is_some()),
    ];
    Ok(())
}

fn file_times_impl(
    target: TargetArg,
    follow_symlinks: bool,
) -> sysix_core::Result<times::FileTimes> {
    times::file_times(target.as_target(), follow_symlinks)
}

/// `statx`—Writes the timestamps of a file, by path or descriptor, into `out`.
#[napi]
pub fn file_times_sync(
    env: Env,
    #[napi(ts_arg_type = "string | Uint8Array | number")] target: TargetArg,
    follow_symlinks: bool,
    #[napi(ts_arg_type = "BigInt64Array")] mut out: BigInt64ArraySlice,
) -> napi::Result<()> {
    let times = sync(&env, file_times_impl(target, follow_symlinks))?;
    // SAFETY: JavaScript is paused for the length of this synchronous call,
    // so nothing else reads or writes the array while it is filled.
    write(unsafe { out.as_mut() }, &times)
}

/// `statx` on the threadpool; `out` is filled before the promise resolves.
#[napi(ts_return_type = "Promise<void>")]
pub fn file_times(
    #[napi(ts_arg_type = "string | Uint8Array | number")] target: TargetArg,
    follow_symlinks: bool,
    mut out: BigInt64Array,
) -> AsyncTask<Blocking<times::FileTimes, ()>> {
    Blocking::spawn_then(
        move || file_times_impl(target, follow_symlinks),
        // SAFETY: this runs on the main thread, between two turns of
        // JavaScript, so nothing else touches the array while it is filled.
        move |times| write(unsafe { out.as_mut() }, &times),
    )
}

fn set_file_times_impl(
    target: TargetArg,
    atime: TimeArg,
    mtime: TimeArg,
    follow_symlinks: bool,
) -> sysix_core::Result<()> {
    times::set_file_times(target.as_target(), atime.0, mtime.0, follow_symlinks)
}

/// `utimensat`/`futimens`—Sets or keeps each of the access and modification times.
#[napi]
pub fn set_file_times_sync(
    env: Env,
    #[napi(ts_arg_type = "string | Uint8Array | number")] target: TargetArg,
    #[napi(ts_arg_type = "bigint | 'now' | undefined")] atime: TimeArg,
    #[napi(ts_arg_type = "bigint | 'now' | undefined")] mtime: TimeArg,
    follow_symlinks: bool,
) -> napi::Result<()> {
    sync(
        &env,
        set_file_times_impl(target, atime, mtime, follow_symlinks),
    )
}

/// `utimensat`/`futimens` on the threadpool.
#[napi(ts_return_type = "Promise<void>")]
pub fn set_file_times(
    #[napi(ts_arg_type = "string | Uint8Array | number")] target: TargetArg,
    #[napi(ts_arg_type = "bigint | 'now' | undefined")] atime: TimeArg,
    #[napi(ts_arg_type = "bigint | 'now' | undefined")] mtime: TimeArg,
    follow_symlinks: bool,
) -> AsyncTask<Blocking<(), ()>> {
    Blocking::spawn(move || set_file_times_impl(target, atime, mtime, follow_symlinks))
}
