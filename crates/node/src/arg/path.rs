//! Path arguments: a string or the bytes of a `Uint8Array`, copied (both
//! forms of a call own their path).

use std::borrow::Cow;
use std::ffi::{CStr, OsStr};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use napi::bindgen_prelude::FromNapiValue;
use napi::{sys, ValueType};

use super::{value_type, view, Arg};
use crate::error::invalid_arg;

/// How long a path may be and still be kept inline, without allocating.
const INLINE_PATH: usize = 256;

/// A path argument's bytes: inline when short (nearly every path), so that a
/// call allocates nothing for it, or on the heap.
#[allow(clippy::large_enum_variant)] // inline on purpose: that is the point
pub(crate) enum PathArg {
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
    pub(crate) fn as_path(&self) -> &Path {
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

impl Arg for PathArg {
    fn ts() -> Cow<'static, str> {
        "string | Uint8Array".into()
    }

    unsafe fn sync(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        match value_type(env, value)? {
            // SAFETY: `value` is a string of this environment.
            ValueType::String => unsafe { PathArg::from_string(env, value) },
            // SAFETY: per `Arg::sync`'s contract.
            ValueType::Object => match unsafe { view::uint8_array_bytes(env, value) }? {
                Some(bytes) if bytes.len() > INLINE_PATH => Ok(PathArg::Heap(bytes)),
                Some(bytes) => Ok(PathArg::from_bytes(&bytes)),
                None => Err(invalid_arg("path must be a string or a Uint8Array")),
            },
            _ => Err(invalid_arg("path must be a string or a Uint8Array")),
        }
    }
}

/// Paths, one a request of a batch: their bytes one after another, each
/// NUL-terminated, in one allocation. JavaScript passes an array of paths,
/// or, when every path is a string, one string of them all joined by NULs
/// (which no path can hold), read in one call.
pub(crate) struct Paths {
    bytes: Vec<u8>,
    /// Where each path starts in `bytes`.
    starts: Vec<usize>,
}

impl Paths {
    /// The paths, as the kernel takes them.
    pub(crate) fn c_strs(&self) -> Vec<&CStr> {
        let ends = self
            .starts
            .iter()
            .skip(1)
            .copied()
            .chain([self.bytes.len()]);
        self.starts
            .iter()
            .zip(ends)
            .map(|(&start, end)| {
                // SAFETY: each path was pushed whole, checked to hold no
                // NUL, and followed by one (see `sync`).
                unsafe { CStr::from_bytes_with_nul_unchecked(&self.bytes[start..end]) }
            })
            .collect()
    }
}

impl Arg for Paths {
    fn ts() -> Cow<'static, str> {
        "Array<string | Uint8Array> | string".into()
    }

    unsafe fn sync(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        if value_type(env, value)? == ValueType::String {
            // Every path a string: all of them joined by NULs, read at once.
            // SAFETY: `value` is a string of this environment.
            let joined = unsafe { String::from_napi_value(env, value) }?;
            let mut bytes = joined.into_bytes();
            let mut starts = vec![0];
            starts.extend(
                bytes
                    .iter()
                    .enumerate()
                    .filter(|(_, &b)| b == 0)
                    .map(|(i, _)| i + 1),
            );
            bytes.push(0);
            return Ok(Paths { bytes, starts });
        }
        let mut paths = Paths {
            bytes: Vec::new(),
            starts: Vec::new(),
        };
        // SAFETY: per `Arg::sync`'s contract, for each element too.
        unsafe {
            super::elements(env, value, "paths", |path| {
                let path = PathArg::sync(env, path)?;
                let bytes = path.as_path().as_os_str().as_bytes();
                if bytes.contains(&0) {
                    return Err(invalid_arg("a path holds a NUL byte"));
                }
                paths.starts.push(paths.bytes.len());
                paths.bytes.extend_from_slice(bytes);
                paths.bytes.push(0);
                Ok(())
            })
        }?;
        Ok(paths)
    }
}
