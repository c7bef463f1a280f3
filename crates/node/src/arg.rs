//! Arguments as the TypeScript layer passes them, converted once here.
//!
//! The TypeScript layer has already validated types and ranges and raised
//! Node's `TypeError`/`RangeError`; these conversions only defend against a
//! direct call into the internal binding, with a plain error.

use std::ffi::OsString;
use std::os::fd::{AsFd, BorrowedFd, RawFd};
use std::os::unix::ffi::OsStringExt;
use std::path::PathBuf;
use std::sync::Arc;

use napi::bindgen_prelude::{
    BigInt, FromNapiValue, TypeName, Uint8Array, ValidateNapiValue,
};
use napi::{sys, ValueType};
use sysix_core::times::{FileTime, SetTime};
use sysix_core::Target;

use crate::error::invalid_arg;
use crate::fd::{NativeFd, SharedFd};

/// A descriptor argument: a number the caller vouches for, or a `NativeFd`
/// whose descriptor stays open until the call is done.
pub enum FdArg {
    /// A plain number, borrowed.
    Raw(RawFd),
    /// A reference to an owned descriptor.
    Shared(Arc<SharedFd>),
}

impl FdArg {
    /// The descriptor, for the length of a call.
    pub fn borrow(&self) -> BorrowedFd<'_> {
        match self {
            // SAFETY: a number passed from JavaScript is the caller's
            // promise that it is open, as for Node's `fs.fstat(fd)`; if it is
            // not, the kernel answers EBADF.
            FdArg::Raw(raw) => unsafe { BorrowedFd::borrow_raw(*raw) },
            FdArg::Shared(shared) => shared.as_fd(),
        }
    }
}

/// The file a call acts on: a path (`string` or bytes) or a descriptor.
pub enum TargetArg {
    /// A path.
    Path(PathBuf),
    /// A descriptor.
    Fd(FdArg),
}

impl TargetArg {
    /// The core's view of this argument.
    pub fn as_target(&self) -> Target<'_> {
        match self {
            TargetArg::Path(path) => Target::Path(path),
            TargetArg::Fd(fd) => Target::Fd(fd.borrow()),
        }
    }
}

fn value_type(env: sys::napi_env, value: sys::napi_value) -> napi::Result<ValueType> {
    let mut kind = 0;
    // SAFETY: `env` and `value` come straight from the napi callback.
    napi::check_status!(unsafe { sys::napi_typeof(env, value, &mut kind) })?;
    Ok(ValueType::from(kind))
}

impl FromNapiValue for FdArg {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        match value_type(env, value)? {
            ValueType::Number => {
                // SAFETY: `value` is a number of this environment.
                let number = unsafe { f64::from_napi_value(env, value) }?;
                if number.fract() != 0.0 || !(0.0..=f64::from(i32::MAX)).contains(&number) {
                    return Err(invalid_arg("fd must be an integer from 0 to 2147483647"));
                }
                Ok(FdArg::Raw(number as RawFd))
            }
            ValueType::Object => {
                // SAFETY: `validate` checks `instanceof NativeFd` before the
                // object is unwrapped as one.
                unsafe { <&NativeFd>::validate(env, value) }?;
                // SAFETY: as above: `value` is a NativeFd instance.
                let native = unsafe { <&NativeFd>::from_napi_value(env, value) }?;
                native
                    .lease()
                    .map(FdArg::Shared)
                    .ok_or_else(|| invalid_arg("descriptor is closed"))
            }
            _ => Err(invalid_arg("fd must be a number or a NativeFd")),
        }
    }
}

impl FromNapiValue for TargetArg {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        match value_type(env, value)? {
            // SAFETY: `value` is a string of this environment.
            ValueType::String => Ok(TargetArg::Path(unsafe { String::from_napi_value(env, value) }?.into())),
            // SAFETY: `validate` checks for a Uint8Array (Buffer included)
            // before it is read; its bytes are copied at once.
            ValueType::Object if unsafe { Uint8Array::validate(env, value) }.is_ok() => {
                let bytes = unsafe { Uint8Array::from_napi_value(env, value) }?;
                Ok(TargetArg::Path(OsString::from_vec(bytes.to_vec()).into()))
            }
            // SAFETY: `value` comes straight from the napi callback.
            _ => unsafe { FdArg::from_napi_value(env, value) }.map(TargetArg::Fd),
        }
    }
}

impl TypeName for TargetArg {
    fn type_name() -> &'static str {
        "string | Uint8Array | number | NativeFd"
    }

    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

impl TypeName for FdArg {
    fn type_name() -> &'static str {
        "number | NativeFd"
    }

    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

/// One timestamp to set: `undefined` to leave it, `'now'`, or a `bigint` of
/// nanoseconds since the epoch.
pub struct TimeArg(pub SetTime);

impl FromNapiValue for TimeArg {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        match value_type(env, value)? {
            ValueType::Undefined | ValueType::Null => Ok(TimeArg(SetTime::Omit)),
            // SAFETY: `value` is a string of this environment.
            ValueType::String if unsafe { String::from_napi_value(env, value) }? == "now" => {
                Ok(TimeArg(SetTime::Now))
            }
            ValueType::BigInt => {
                // SAFETY: `value` is a BigInt of this environment.
                let bigint = unsafe { BigInt::from_napi_value(env, value) }?;
                file_time_from_nanos(&bigint)
                    .map(|time| TimeArg(SetTime::At(time)))
                    .ok_or_else(|| invalid_arg("time out of range"))
            }
            _ => Err(invalid_arg("time must be undefined, 'now' or a bigint")),
        }
    }
}

impl TypeName for TimeArg {
    fn type_name() -> &'static str {
        "bigint | 'now' | undefined"
    }

    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

const NANOS_PER_SEC: i128 = 1_000_000_000;

/// Nanoseconds since the epoch as a `FileTime`, when its seconds fit an `i64`.
fn file_time_from_nanos(bigint: &BigInt) -> Option<FileTime> {
    let magnitude = match bigint.words.as_slice() {
        [low] => u128::from(*low),
        [low, high] => u128::from(*low) | (u128::from(*high) << 64),
        _ => return None,
    };
    let magnitude = i128::try_from(magnitude).ok()?;
    let nanos = if bigint.sign_bit { -magnitude } else { magnitude };
    let secs = i64::try_from(nanos.div_euclid(NANOS_PER_SEC)).ok()?;
    let subsec = u32::try_from(nanos.rem_euclid(NANOS_PER_SEC)).ok()?;
    Some(FileTime::from_unix_time(secs, subsec))
}

/// A `FileTime` as nanoseconds since the epoch.
pub fn nanos_from_file_time(time: FileTime) -> i128 {
    i128::from(time.unix_seconds()) * NANOS_PER_SEC + i128::from(time.nanoseconds())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn big(nanos: i128) -> BigInt {
        let magnitude = nanos.unsigned_abs();
        BigInt {
            sign_bit: nanos < 0,
            words: vec![magnitude as u64, (magnitude >> 64) as u64],
        }
    }

    #[test]
    fn nanos_round_trip_across_the_epoch_and_the_i64_limits() {
        let max = i128::from(i64::MAX) * NANOS_PER_SEC + NANOS_PER_SEC - 1;
        let min = i128::from(i64::MIN) * NANOS_PER_SEC;
        for nanos in [0, 1, -1, -1_500_000_000, 1_700_000_000_123_456_789, max, min] {
            let time = file_time_from_nanos(&big(nanos)).unwrap();
            assert_eq!(nanos_from_file_time(time), nanos, "{nanos}");
        }
        let before_epoch = file_time_from_nanos(&big(-1_500_000_000)).unwrap();
        assert_eq!((before_epoch.unix_seconds(), before_epoch.nanoseconds()), (-2, 500_000_000));
        assert!(file_time_from_nanos(&big(max + 1)).is_none());
        assert!(file_time_from_nanos(&big(min - 1)).is_none());
        let huge = BigInt { sign_bit: false, words: vec![0, 0, 1] };
        assert!(file_time_from_nanos(&huge).is_none());
    }
}
