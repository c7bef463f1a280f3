//! Offsets and lengths: a `number` (a non-negative integer, exact up to
//! 2^53) or a `bigint` (up to 2^63 - 1), as Node's `fs` takes positions.

use napi::bindgen_prelude::{BigInt, FromNapiValue};
use napi::{sys, ValueType};

use super::value_type;
use crate::error::invalid_arg;

/// A file offset or length.
#[derive(Clone, Copy)]
pub struct Offset(pub u64);

impl FromNapiValue for Offset {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        let out_of_range = || invalid_arg("offsets are integers from 0 to 2^63 - 1");
        match value_type(env, value)? {
            ValueType::BigInt => {
                // SAFETY: `value` is a BigInt of this environment.
                let big = unsafe { BigInt::from_napi_value(env, value) }?;
                let (signed, value, lossless) = big.get_u64();
                if signed || !lossless || value > i64::MAX as u64 {
                    return Err(out_of_range());
                }
                Ok(Offset(value))
            }
            _ => {
                // SAFETY: `value` comes straight from the napi callback; a
                // value that is not a number is refused by napi.
                let number = unsafe { f64::from_napi_value(env, value) }?;
                if number.fract() != 0.0 || !(0.0..=9_007_199_254_740_991.0).contains(&number) {
                    return Err(out_of_range());
                }
                Ok(Offset(number as u64))
            }
        }
    }
}

/// An offset, or `null`/`undefined` for "the file position".
#[derive(Clone, Copy)]
pub struct MaybeOffset(pub Option<u64>);

impl FromNapiValue for MaybeOffset {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        match value_type(env, value)? {
            ValueType::Null | ValueType::Undefined => Ok(MaybeOffset(None)),
            // SAFETY: `value` comes straight from the napi callback.
            _ => Ok(MaybeOffset(Some(
                unsafe { Offset::from_napi_value(env, value) }?.0,
            ))),
        }
    }
}
