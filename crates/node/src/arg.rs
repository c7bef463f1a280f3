//! Arguments as the TypeScript layer passes them, converted once here.
//!
//! The TypeScript layer has already validated types and ranges and raised
//! Node's `TypeError`/`RangeError`; these conversions only defend against a
//! direct call into the internal binding, with a plain error.

use std::ffi::OsStr;
use std::os::fd::{BorrowedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use napi::bindgen_prelude::{BigInt, FromNapiValue, ValidateNapiValue};
use napi::{sys, ValueType};
use sysix_core::times::{FileTime, SetTime};
use sysix_core::Target;

use crate::error::invalid_arg;

/// A descriptor number, from 0 to `i32::MAX`.
///
/// The TypeScript layer passes an `OwnedFd`'s number only while it owns it,
/// and keeps it open until a threadpool call using it settles.
pub struct Fd(pub RawFd);

impl Fd {
    /// The descriptor, for the length of a call.
    pub fn borrow(&self) -> BorrowedFd<'_> {
        // SAFETY: a number passed from JavaScript is open for the length of
        // the call: an `OwnedFd` defers its close until the call settles, and
        // a plain number is the caller's promise, as for Node's
        // `fs.fstat(fd)`. If it is not open, the kernel answers EBADF.
        unsafe { BorrowedFd::borrow_raw(self.0) }
    }
}

impl FromNapiValue for Fd {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        // SAFETY: `value` comes straight from the napi callback; a value
        // that is not a number is refused by napi_get_value_double.
        let number = unsafe { f64::from_napi_value(env, value) }?;
        if number.fract() != 0.0 || !(0.0..=f64::from(i32::MAX)).contains(&number) {
            return Err(invalid_arg("fd must be an integer from 0 to 2147483647"));
        }
        Ok(Fd(number as RawFd))
    }
}

/// How long a path may be and still be kept inline, without allocating.
const INLINE_PATH: usize = 256;

/// A path argument's bytes: inline when short (nearly every path), so that a
/// call allocates nothing for it, or on the heap.
#[allow(clippy::large_enum_variant)] // inline on purpose: that is the point
pub enum PathArg {
    /// The first `len` bytes of `bytes`.
    Inline {
        len: usize,
        bytes: [u8; INLINE_PATH],
    },
    /// A path too long to keep inline.
    Heap(Vec<u8>),
}

impl PathArg {
    /// The path.
    pub fn as_path(&self) -> &Path {
        let bytes = match self {
            PathArg::Inline { len, bytes } => &bytes[..*len],
            PathArg::Heap(bytes) => bytes,
        };
        Path::new(OsStr::from_bytes(bytes))
    }

    fn from_bytes(source: &[u8]) -> Self {
        if source.len() <= INLINE_PATH {
            let mut bytes = [0; INLINE_PATH];
            bytes[..source.len()].copy_from_slice(source);
            PathArg::Inline {
                len: source.len(),
                bytes,
            }
        } else {
            PathArg::Heap(source.to_vec())
        }
    }

    /// The UTF-8 bytes of a JavaScript string, copied in one call when they fit inline.
    ///
    /// # Safety
    ///
    /// `value` must be a string of `env`.
    unsafe fn from_string(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        // Node-API writes at most `size - 1` bytes and a NUL, and never part
        // of a character: a string cut short fills all but at most three of
        // those bytes. One that may have been is read again whole.
        const MAX_UTF8_CHAR: usize = 4;
        let mut bytes = [0u8; INLINE_PATH + 1];
        let mut len = 0;
        // SAFETY: per this function's contract; `bytes` has the size passed.
        napi::check_status!(unsafe {
            sys::napi_get_value_string_utf8(
                env,
                value,
                bytes.as_mut_ptr().cast(),
                bytes.len(),
                &mut len,
            )
        })?;
        if len + MAX_UTF8_CHAR <= INLINE_PATH {
            return Ok(Self::from_bytes(&bytes[..len]));
        }
        // SAFETY: per this function's contract.
        let string = unsafe { String::from_napi_value(env, value) }?;
        Ok(Self::from_bytes(string.as_bytes()))
    }
}

/// The file a call acts on: a path (`string` or bytes) or a descriptor.
#[allow(clippy::large_enum_variant)] // see `PathArg`
pub enum TargetArg {
    /// A path.
    Path(PathArg),
    /// A descriptor.
    Fd(Fd),
}

impl TargetArg {
    /// The core's view of this argument.
    pub fn as_target(&self) -> Target<'_> {
        match self {
            TargetArg::Path(path) => Target::Path(path.as_path()),
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

impl FromNapiValue for TargetArg {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        match value_type(env, value)? {
            // SAFETY: `value` is a string of this environment.
            ValueType::String => Ok(TargetArg::Path(unsafe {
                PathArg::from_string(env, value)
            }?)),
            // SAFETY: `validate` checks for a Uint8Array (Buffer included)
            // before it is read; its bytes are copied at once.
            ValueType::Object if unsafe { <&[u8]>::validate(env, value) }.is_ok() => {
                let bytes = unsafe { <&[u8]>::from_napi_value(env, value) }?;
                Ok(TargetArg::Path(PathArg::from_bytes(bytes)))
            }
            // SAFETY: `value` comes straight from the napi callback.
            _ => unsafe { Fd::from_napi_value(env, value) }.map(TargetArg::Fd),
        }
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
                let nanos = unsafe { bigint_nanos(env, value) }?;
                nanos
                    .and_then(file_time_from_nanos)
                    .map(|time| TimeArg(SetTime::At(time)))
                    .ok_or_else(|| invalid_arg("time out of range"))
            }
            _ => Err(invalid_arg("time must be undefined, 'now' or a bigint")),
        }
    }
}

const NANOS_PER_SEC: i128 = 1_000_000_000;

/// The value of a `bigint`, or `None` beyond the range of an `i128`.
///
/// # Safety
///
/// `value` must be a BigInt of `env`.
unsafe fn bigint_nanos(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Option<i128>> {
    let mut small = 0i64;
    let mut lossless = false;
    // SAFETY: per this function's contract; the out pointers are valid.
    napi::check_status!(unsafe {
        sys::napi_get_value_bigint_int64(env, value, &mut small, &mut lossless)
    })?;
    if lossless {
        // Every time from 1677 to 2262: the common case, without allocating.
        return Ok(Some(i128::from(small)));
    }
    // SAFETY: per this function's contract.
    let bigint = unsafe { BigInt::from_napi_value(env, value) }?;
    Ok(i128_of(&bigint))
}

fn i128_of(bigint: &BigInt) -> Option<i128> {
    let magnitude = match bigint.words.as_slice() {
        [low] => u128::from(*low),
        [low, high] => u128::from(*low) | (u128::from(*high) << 64),
        _ => return None,
    };
    let magnitude = i128::try_from(magnitude).ok()?;
    Some(if bigint.sign_bit {
        -magnitude
    } else {
        magnitude
    })
}

/// Nanoseconds since the epoch as a `FileTime`, when its seconds fit an `i64`.
fn file_time_from_nanos(nanos: i128) -> Option<FileTime> {
    let secs = i64::try_from(nanos.div_euclid(NANOS_PER_SEC)).ok()?;
    let subsec = u32::try_from(nanos.rem_euclid(NANOS_PER_SEC)).ok()?;
    Some(FileTime::from_unix_time(secs, subsec))
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

    fn nanos_of(time: FileTime) -> i128 {
        i128::from(time.unix_seconds()) * NANOS_PER_SEC + i128::from(time.nanoseconds())
    }

    #[test]
    fn nanos_round_trip_across_the_epoch_and_the_i64_limits() {
        let max = i128::from(i64::MAX) * NANOS_PER_SEC + NANOS_PER_SEC - 1;
        let min = i128::from(i64::MIN) * NANOS_PER_SEC;
        for nanos in [
            0,
            1,
            -1,
            -1_500_000_000,
            1_700_000_000_123_456_789,
            max,
            min,
        ] {
            assert_eq!(i128_of(&big(nanos)), Some(nanos));
            let time = file_time_from_nanos(nanos).unwrap();
            assert_eq!(nanos_of(time), nanos, "{nanos}");
        }
        let before_epoch = file_time_from_nanos(-1_500_000_000).unwrap();
        assert_eq!(
            (before_epoch.unix_seconds(), before_epoch.nanoseconds()),
            (-2, 500_000_000)
        );
        assert!(file_time_from_nanos(max + 1).is_none());
        assert!(file_time_from_nanos(min - 1).is_none());
        let huge = BigInt {
            sign_bit: false,
            words: vec![0, 0, 1],
        };
        assert!(i128_of(&huge).is_none());
    }
}
