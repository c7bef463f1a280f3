//! Arguments as the TypeScript layer passes them, converted once here.
//!
//! The TypeScript layer has already validated types and ranges and raised
//! Node's `TypeError`/`RangeError`; these conversions only defend against a
//! direct call into the internal binding, with a plain error.
//!
//! One module per kind of argument: descriptors ([`fd`]), directories of the
//! `*at` calls ([`dir`]), paths ([`path`]), either a path or a descriptor
//! ([`target`]), times ([`time`]), offsets ([`num`]) and byte views ([`buf`]).

mod buf;
mod dir;
mod fd;
mod num;
mod path;
mod target;
mod time;

pub use buf::{HeldView, View, ViewRef};
pub use dir::{DirArg, HeldDir};
pub use fd::{Fd, HeldFd};
pub use num::{MaybeOffset, Offset};
pub use path::PathArg;
pub use target::{HeldTarget, TargetArg};
pub use time::TimeArg;

use napi::{sys, ValueType};

/// The type of a JavaScript value.
fn value_type(env: sys::napi_env, value: sys::napi_value) -> napi::Result<ValueType> {
    let mut kind = 0;
    // SAFETY: `env` and `value` come straight from the napi callback.
    napi::check_status!(unsafe { sys::napi_typeof(env, value, &mut kind) })?;
    Ok(ValueType::from(kind))
}
