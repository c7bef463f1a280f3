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

use crate::arg::{HeldTarget, TargetArg, TimeArg};
use crate::error::{invalid_arg, sync};
use crate::task::Blocking;

/// Where the file-time functions write each value in the caller's
/// `BigInt64Array`: the seconds and nanoseconds of each time, then whether
/// there is a birth time (1 or 0; its slots hold 0 when there is none).
#[napi]
pub enum FileTimesSlot {
    /// Seconds of the access time.
    AtimeSec,
    /// Nanoseconds of the access time.
    AtimeNsec,
    /// Seconds of the modification time.
    MtimeSec,
    /// Nanoseconds of the modification time.
    MtimeNsec,
    /// Seconds of the change time.
    CtimeSec,
    /// Nanoseconds of the change time.
    CtimeNsec,
    /// Seconds of the birth time.
    BirthtimeSec,
    /// Nanoseconds of the birth time.
    BirthtimeNsec,
    /// 1 when there is a birth time, 0 otherwise.
    HasBirthtime,
}

/// How many `bigint`s the file-time functions write (see [`FileTimesSlot`]).
#[napi]
pub const FILE_TIMES_LEN: u32 = FileTimesSlot::HasBirthtime as u32 + 1;

/// Writes `times` into `out` in the [`FileTimesSlot`] layout.
fn write(out: &mut [i64], times: &times::FileTimes) -> napi::Result<()> {
    if out.len() < FILE_TIMES_LEN as usize {
        return Err(invalid_arg(format!(
            "out must hold {FILE_TIMES_LEN} bigints"
        )));
    }
    let mut put = |slot: FileTimesSlot, value: i64| out[slot as usize] = value;
    let zero = FileTime::from_unix_time(0, 0);
    for (time, sec, nsec) in [
        (
            times.accessed,
            FileTimesSlot::AtimeSec,
            FileTimesSlot::AtimeNsec,
        ),
        (
            times.modified,
            FileTimesSlot::MtimeSec,
            FileTimesSlot::MtimeNsec,
        ),
        (
            times.changed,
            FileTimesSlot::CtimeSec,
            FileTimesSlot::CtimeNsec,
        ),
        (
            times.created.unwrap_or(zero),
            FileTimesSlot::BirthtimeSec,
            FileTimesSlot::BirthtimeNsec,
        ),
    ] {
        put(sec, time.unix_seconds());
        put(nsec, i64::from(time.nanoseconds()));
    }
    put(
        FileTimesSlot::HasBirthtime,
        i64::from(times.created.is_some()),
    );
    Ok(())
}

/// `statx`—Writes the timestamps of a file, by path or descriptor, into `out`.
#[napi]
pub fn file_times_sync(
    env: Env,
    #[napi(ts_arg_type = "string | Uint8Array | number")] target: TargetArg,
    follow_symlinks: bool,
    #[napi(ts_arg_type = "BigInt64Array")] mut out: BigInt64ArraySlice,
) -> napi::Result<()> {
    let times = sync(&env, times::file_times(target.as_target(), follow_symlinks))?;
    // SAFETY: JavaScript is paused for the length of this synchronous call,
    // so nothing else reads or writes the array while it is filled.
    write(unsafe { out.as_mut() }, &times)
}

/// `statx` on the threadpool; `out` is filled before the promise resolves.
#[napi(ts_return_type = "Promise<void>")]
pub fn file_times(
    #[napi(ts_arg_type = "string | Uint8Array | number")] target: HeldTarget,
    follow_symlinks: bool,
    mut out: BigInt64Array,
) -> AsyncTask<Blocking<times::FileTimes, ()>> {
    Blocking::spawn_then(
        move || times::file_times(target.as_target(), follow_symlinks),
        // SAFETY: this runs on the main thread, between two turns of
        // JavaScript, so nothing else touches the array while it is filled.
        move |times| write(unsafe { out.as_mut() }, &times),
    )
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
    let set = times::set_file_times(target.as_target(), atime.0, mtime.0, follow_symlinks);
    sync(&env, set)
}

/// `utimensat`/`futimens` on the threadpool.
#[napi(ts_return_type = "Promise<void>")]
pub fn set_file_times(
    #[napi(ts_arg_type = "string | Uint8Array | number")] target: HeldTarget,
    #[napi(ts_arg_type = "bigint | 'now' | undefined")] atime: TimeArg,
    #[napi(ts_arg_type = "bigint | 'now' | undefined")] mtime: TimeArg,
    follow_symlinks: bool,
) -> AsyncTask<Blocking<(), ()>> {
    Blocking::spawn(move || {
        times::set_file_times(target.as_target(), atime.0, mtime.0, follow_symlinks)
    })
}
