//! Results returned as new JavaScript buffers and typed arrays, copied from
//! Rust memory. Never external: Electron's V8 memory cage forbids
//! ArrayBuffers over memory V8 did not allocate.

use std::ptr;

use napi::bindgen_prelude::{ToNapiValue, TypeName};
use napi::{check_status, sys, ValueType};

/// Bytes, as a new `Buffer`.
pub struct Bytes(pub Vec<u8>);

impl TypeName for Bytes {
    fn type_name() -> &'static str {
        "Buffer"
    }

    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl ToNapiValue for Bytes {
    unsafe fn to_napi_value(env: sys::napi_env, value: Self) -> napi::Result<sys::napi_value> {
        let mut buffer = ptr::null_mut();
        // SAFETY: `env` is the environment of the current call; the bytes
        // are copied into memory V8 allocates.
        check_status!(unsafe {
            sys::napi_create_buffer_copy(
                env,
                value.0.len(),
                value.0.as_ptr().cast(),
                ptr::null_mut(),
                &mut buffer,
            )
        })?;
        Ok(buffer)
    }
}

/// 64-bit unsigned integers, as a new `BigUint64Array`.
pub struct U64s(pub Vec<u64>);

impl TypeName for U64s {
    fn type_name() -> &'static str {
        "BigUint64Array"
    }

    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl ToNapiValue for U64s {
    unsafe fn to_napi_value(env: sys::napi_env, value: Self) -> napi::Result<sys::napi_value> {
        let bytes = value.0.len() * 8;
        let (mut buffer, mut data) = (ptr::null_mut(), ptr::null_mut());
        // SAFETY: `env` is the environment of the current call; V8 allocates
        // `bytes` bytes and `data` points at them.
        check_status!(unsafe { sys::napi_create_arraybuffer(env, bytes, &mut data, &mut buffer) })?;
        if bytes > 0 {
            // SAFETY: `data` has room for `bytes` bytes, which is the length
            // of the source; the two do not overlap.
            unsafe { ptr::copy_nonoverlapping(value.0.as_ptr().cast::<u8>(), data.cast(), bytes) };
        }
        let mut array = ptr::null_mut();
        // SAFETY: `buffer` holds `len` u64s from offset 0.
        check_status!(unsafe {
            sys::napi_create_typedarray(
                env,
                sys::TypedarrayType::biguint64_array,
                value.0.len(),
                buffer,
                0,
                &mut array,
            )
        })?;
        Ok(array)
    }
}
