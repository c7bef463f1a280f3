//! Times to set: `undefined`, `'now'` or `bigint` nanoseconds.

use std::borrow::Cow;

use napi::bindgen_prelude::{BigInt, FromNapiValue};
use napi::{sys, ValueType};
use sysix_core::times::{FileTime, SetTime};

use super::{value_type, Arg};
use crate::error::invalid_arg;

/// One timestamp to set: `undefined` to leave it, `'now'`, or a `bigint` of
/// nanoseconds since the epoch.
pub(crate) struct TimeArg(pub SetTime);

impl Arg for TimeArg {
    fn ts() -> Cow<'static, str> {
        "bigint | 'now' | undefined".into()
    }

    unsafe fn sync(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
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
