//! The file a call acts on: a path or a descriptor.

use std::os::fd::AsFd;

use napi::bindgen_prelude::FromNapiValue;
use napi::{sys, ValueType};
use sysix_core::Target;

use super::{value_type, Fd, HeldFd, PathArg};

/// The file a synchronous call acts on: a path (`string` or bytes) or a
/// descriptor number.
#[allow(clippy::large_enum_variant)] // see `PathArg`
pub enum TargetArg {
    /// A path.
    Path(PathArg),
    /// A descriptor, borrowed for the call.
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

impl FromNapiValue for TargetArg {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        Ok(match value_type(env, value)? {
            // SAFETY: `value` comes straight from the napi callback.
            ValueType::Number => TargetArg::Fd(unsafe { Fd::from_napi_value(env, value) }?),
            // SAFETY: as above; anything but a path is refused there.
            _ => TargetArg::Path(unsafe { PathArg::from_napi_value(env, value) }?),
        })
    }
}

/// The file a call on another thread acts on: a path, or a descriptor held
/// open for the whole call ([`HeldFd`]).
#[allow(clippy::large_enum_variant)] // see `PathArg`
pub enum HeldTarget {
    /// A path.
    Path(PathArg),
    /// A descriptor, held for the call.
    Fd(HeldFd),
}

impl HeldTarget {
    /// The core's view of this argument.
    pub fn as_target(&self) -> Target<'_> {
        match self {
            HeldTarget::Path(path) => Target::Path(path.as_path()),
            HeldTarget::Fd(fd) => Target::Fd(fd.as_fd()),
        }
    }
}

impl FromNapiValue for HeldTarget {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        Ok(match value_type(env, value)? {
            // SAFETY: `value` comes straight from the napi callback, on the
            // calling thread, which `HeldFd` needs to duplicate a number.
            ValueType::Number => HeldTarget::Fd(unsafe { HeldFd::from_napi_value(env, value) }?),
            // SAFETY: as above; anything but a path is refused there.
            _ => HeldTarget::Path(unsafe { PathArg::from_napi_value(env, value) }?),
        })
    }
}
