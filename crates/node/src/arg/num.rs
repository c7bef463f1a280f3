//! Numbers: flags and counts (`number`), signed ids, and file offsets and
//! lengths (a `number`, exact up to 2^53, or a `bigint` up to 2^63 - 1, as
//! Node's `fs` takes positions); and booleans.

use std::borrow::Cow;

use napi::bindgen_prelude::BigInt;
use napi::bindgen_prelude::FromNapiValue;
use napi::{sys, ValueType};

use super::{number, value_type, Arg};
use crate::error::invalid_arg;

/// The largest integer a `number` holds exactly.
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

/// An integer `number` from `min` to `max`, or an error naming `what`.
fn integer(
    env: sys::napi_env,
    value: sys::napi_value,
    min: f64,
    max: f64,
    what: &str,
) -> napi::Result<f64> {
    let n = number(env, value)?;
    if n.fract() != 0.0 || !(min..=max).contains(&n) {
        return Err(invalid_arg(format!(
            "{what} must be an integer from {min} to {max}"
        )));
    }
    Ok(n)
}

impl Arg for bool {
    fn ts() -> Cow<'static, str> {
        "boolean".into()
    }

    unsafe fn sync(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        let mut flag = false;
        // SAFETY: per `Arg::sync`'s contract; anything but a boolean is refused.
        napi::check_status!(unsafe { sys::napi_get_value_bool(env, value, &mut flag) })?;
        Ok(flag)
    }
}

/// Flags, a mode, a count: an integer from 0 to 2^32 - 1.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Uint(pub u32);

impl Arg for Uint {
    fn ts() -> Cow<'static, str> {
        "number".into()
    }

    unsafe fn sync(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        integer(env, value, 0.0, f64::from(u32::MAX), "a flag or count").map(|n| Uint(n as u32))
    }
}

/// A signed integer (an id where -1 means "leave it"), exact in a `number`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Int(pub i64);

impl Arg for Int {
    fn ts() -> Cow<'static, str> {
        "number".into()
    }

    unsafe fn sync(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        integer(env, value, -MAX_SAFE, MAX_SAFE, "an integer").map(|n| Int(n as i64))
    }
}

/// A file offset or length.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Offset(pub u64);

impl Offset {
    /// The offset as a length of memory: saturated, since no call can move
    /// more bytes than the address space holds.
    pub(crate) fn as_len(self) -> usize {
        usize::try_from(self.0).unwrap_or(usize::MAX)
    }
}

impl Arg for Offset {
    fn ts() -> Cow<'static, str> {
        "number | bigint".into()
    }

    unsafe fn sync(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        let out_of_range = || invalid_arg("offsets are integers from 0 to 2^63 - 1");
        if value_type(env, value)? == ValueType::BigInt {
            // SAFETY: `value` is a BigInt of this environment.
            let big = unsafe { BigInt::from_napi_value(env, value) }?;
            let (signed, value, lossless) = big.get_u64();
            if signed || !lossless || value > i64::MAX as u64 {
                return Err(out_of_range());
            }
            return Ok(Offset(value));
        }
        integer(env, value, 0.0, MAX_SAFE, "an offset").map(|n| Offset(n as u64))
    }
}

/// Offsets, one a request of a batch.
#[derive(Debug, Clone)]
pub(crate) struct Offsets(pub Vec<u64>);

impl Arg for Offsets {
    fn ts() -> Cow<'static, str> {
        "Array<number | bigint>".into()
    }

    unsafe fn sync(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        // SAFETY: per `Arg::sync`'s contract, for each element too.
        unsafe { super::elements(env, value, "offsets", |offset| Offset::sync(env, offset)) }
            .map(|offsets| Offsets(offsets.into_iter().map(|offset| offset.0).collect()))
    }
}

/// An offset, or `null`/`undefined` for "the file position".
#[derive(Debug, Clone, Copy)]
pub(crate) struct MaybeOffset(pub Option<u64>);

impl Arg for MaybeOffset {
    fn ts() -> Cow<'static, str> {
        "number | bigint | null".into()
    }

    unsafe fn sync(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        match value_type(env, value)? {
            ValueType::Null | ValueType::Undefined => Ok(MaybeOffset(None)),
            // SAFETY: per this function's contract.
            _ => Ok(MaybeOffset(Some(unsafe { Offset::sync(env, value) }?.0))),
        }
    }
}
