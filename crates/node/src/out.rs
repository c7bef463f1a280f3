//! Results: what a core call returns, turned into a JavaScript value on the
//! main thread by one trait, [`Output`], for both forms of a call (the
//! synchronous one returns the value, the Promise one resolves with it).
//!
//! Buffers and typed arrays are new and copied from Rust memory, never
//! external: Electron's V8 memory cage forbids ArrayBuffers over memory V8
//! did not allocate. A new descriptor is handed to its owner, the calling
//! environment, under the token its `OwnedFd` passed ([`NewFd`]).

use std::borrow::Cow;
use std::os::fd::{AsRawFd, OwnedFd};
use std::ptr;

use napi::bindgen_prelude::{Either, ToNapiValue, TypeName};
use napi::{check_status, sys, Env, ValueType};
use sysix_core::fd::registry;

use crate::arg::Token;
use crate::env::owner;

/// A core call's result, as JavaScript gets it.
pub(crate) trait Output: Send + 'static {
    /// Its TypeScript type.
    fn ts() -> Cow<'static, str>;

    /// How many bytes a read wrote into the views it was given, for them to
    /// be delivered ([`crate::arg::Arg::settle`]).
    fn written(&self) -> Option<usize> {
        None
    }

    /// The JavaScript value, made on the main thread.
    fn to_js(self, env: &Env) -> napi::Result<sys::napi_value>;
}

/// A value napi-rs converts itself, of the TypeScript type given.
macro_rules! output_by_napi {
    ($($ty:ty => $ts:literal),* $(,)?) => {
        $(
            impl $crate::out::Output for $ty {
                fn ts() -> std::borrow::Cow<'static, str> {
                    $ts.into()
                }

                fn to_js(self, env: &napi::Env) -> napi::Result<napi::sys::napi_value> {
                    // SAFETY: `env` is the environment of the current callback.
                    unsafe { napi::bindgen_prelude::ToNapiValue::to_napi_value(env.raw(), self) }
                }
            }
        )*
    };
}

output_by_napi! {
    () => "void",
    bool => "boolean",
    u32 => "number",
    i32 => "number",
    f64 => "number",
    String => "string",
}

pub(crate) use output_by_napi;

/// A count of bytes (or of anything else), as a `number`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Count(pub usize);

impl Output for Count {
    fn ts() -> Cow<'static, str> {
        "number".into()
    }

    fn written(&self) -> Option<usize> {
        Some(self.0)
    }

    fn to_js(self, env: &Env) -> napi::Result<sys::napi_value> {
        // Counts are far below 2^53: a double holds them exactly.
        (self.0 as f64).to_js(env)
    }
}

/// A file offset, as a `number` (offsets past 2^53 are not seen in practice,
/// and are rounded, as in Node's `fs`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Position(pub u64);

impl Output for Position {
    fn ts() -> Cow<'static, str> {
        "number".into()
    }

    fn to_js(self, env: &Env) -> napi::Result<sys::napi_value> {
        (self.0 as f64).to_js(env)
    }
}

impl<T: Output> Output for Option<T> {
    fn ts() -> Cow<'static, str> {
        format!("{} | null", T::ts()).into()
    }

    fn to_js(self, env: &Env) -> napi::Result<sys::napi_value> {
        match self {
            Some(value) => value.to_js(env),
            // SAFETY: `env` is the environment of the current callback.
            None => unsafe { ToNapiValue::to_napi_value(env.raw(), napi::bindgen_prelude::Null) },
        }
    }
}

impl<T: Output> Output for Vec<T> {
    fn ts() -> Cow<'static, str> {
        format!("Array<{}>", T::ts()).into()
    }

    fn to_js(self, env: &Env) -> napi::Result<sys::napi_value> {
        let mut array = ptr::null_mut();
        // SAFETY: `env` is the environment of the current callback.
        check_status!(unsafe {
            sys::napi_create_array_with_length(env.raw(), self.len(), &mut array)
        })?;
        for (index, value) in self.into_iter().enumerate() {
            let value = value.to_js(env)?;
            let index =
                u32::try_from(index).map_err(|_| napi::Error::from_reason("array too long"))?;
            // SAFETY: `array` is an array of this environment; `value` a value of it.
            check_status!(unsafe { sys::napi_set_element(env.raw(), array, index, value) })?;
        }
        Ok(array)
    }
}

impl<A: Output, B: Output> Output for Either<A, B> {
    fn ts() -> Cow<'static, str> {
        format!("{} | {}", A::ts(), B::ts()).into()
    }

    fn to_js(self, env: &Env) -> napi::Result<sys::napi_value> {
        match self {
            Either::A(a) => a.to_js(env),
            Either::B(b) => b.to_js(env),
        }
    }
}

/// Bytes, as a new `Buffer`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Bytes(pub Vec<u8>);

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
#[derive(Debug, Clone, Default)]
pub(crate) struct U64s(pub Vec<u64>);

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
            // SAFETY: `data` has room for `bytes` bytes, the length of the
            // source; the two do not overlap.
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

output_by_napi! {
    Bytes => "Buffer",
    U64s => "BigUint64Array",
}

/// A new descriptor, handed to the calling environment under the token its
/// `OwnedFd` passed; JavaScript gets its number.
pub(crate) struct NewFd(pub OwnedFd, pub Token);

impl Output for NewFd {
    fn ts() -> Cow<'static, str> {
        "number".into()
    }

    fn to_js(self, env: &Env) -> napi::Result<sys::napi_value> {
        let NewFd(fd, Token(token)) = self;
        let number = fd.as_raw_fd();
        registry::register(fd, owner(env)?, token);
        f64::from(number).to_js(env)
    }
}

/// Two new descriptors (a pipe's ends), handed over under the token passed
/// and the next one; JavaScript gets their numbers through the array the
/// call filled, and `undefined`.
pub(crate) struct NewFds(pub OwnedFd, pub OwnedFd, pub Token);

impl Output for NewFds {
    fn ts() -> Cow<'static, str> {
        "void".into()
    }

    fn to_js(self, env: &Env) -> napi::Result<sys::napi_value> {
        let NewFds(first, second, Token(token)) = self;
        let owner = owner(env)?;
        registry::register(first, owner, token);
        registry::register(second, owner, registry::Token(token.0 + 1));
        ().to_js(env)
    }
}

/// The results of a batch, one a request: a count (0 where there is
/// nothing to count), or the error that request alone failed with, shaped
/// as every sysix error is.
pub(crate) struct Outcomes(pub Vec<sysix_core::Result<usize>>);

impl Output for Outcomes {
    fn ts() -> Cow<'static, str> {
        "Array<number | Error>".into()
    }

    fn to_js(self, env: &Env) -> napi::Result<sys::napi_value> {
        let mut array = ptr::null_mut();
        // SAFETY: `env` is the environment of the current callback.
        check_status!(unsafe {
            sys::napi_create_array_with_length(env.raw(), self.0.len(), &mut array)
        })?;
        for (i, outcome) in self.0.into_iter().enumerate() {
            let value = match outcome {
                Ok(count) => Count(count).to_js(env)?,
                Err(failure) => crate::error::value(env, &failure)?,
            };
            // SAFETY: `array` is an array of this environment; `value` one of its values.
            check_status!(unsafe { sys::napi_set_element(env.raw(), array, i as u32, value) })?;
        }
        Ok(array)
    }
}
