//! Arguments by kind: the one table of what each kind of argument is in
//! JavaScript, how a synchronous call takes it, how a call on another thread
//! holds it, and its TypeScript type.
//!
//! Each kind is a type implementing [`Arg`]. The same type serves both
//! forms of a call: converted with [`Arg::sync`] it borrows what it can for
//! the length of the call (a descriptor number, the bytes of a view); with
//! [`Arg::held`] it holds everything the call needs for as long as it runs,
//! whatever JavaScript does meanwhile (a lease or a duplicate of a
//! descriptor, a copy of the bytes it reads, a buffer for the bytes it
//! writes, copied into the caller's view as the promise settles).
//!
//! The TypeScript layer has already validated types and ranges and raised
//! Node's `TypeError`/`RangeError`, and resolved descriptor objects to their
//! numbers last, after every other argument (`lib/binding.ts`); these
//! conversions defend against a direct call into the internal binding with a
//! plain error, and run no JavaScript.

mod choice;
mod fd;
mod num;
mod path;
mod time;
mod view;

use std::borrow::Cow;
use std::sync::Arc;

use napi::{sys, ValueType};
use sysix_core::fd::registry::Interrupt;

pub(crate) use choice::{Choice, Pick};
pub(crate) use fd::{Dir, Fd, FdNumber, Target, Token, WaitId};
pub(crate) use num::{Int, MaybeOffset, Offset, Offsets, Uint};
pub(crate) use path::{PathArg, Paths};
pub(crate) use time::TimeArg;
pub(crate) use view::{
    Data, I32Out, I64Out, RawView, Scratch, Sink, SinkEach, Sinks, U64Out, Views,
};

/// What kind of argument a parameter is, for the TypeScript layer, which
/// resolves descriptor objects (`OwnedFd`, `BorrowedFd`, `FileHandle`) to
/// numbers itself, last, just before the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A plain value, passed as it is.
    Plain,
    /// A descriptor.
    Fd,
    /// A directory descriptor or `AT_FDCWD`.
    Dir,
    /// A path (passed as it is) or a descriptor.
    Target,
}

impl Kind {
    /// The name the TypeScript layer knows the kind by.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Kind::Plain => "plain",
            Kind::Fd => "fd",
            Kind::Dir => "dir",
            Kind::Target => "target",
        }
    }

    fn is_descriptor(self) -> bool {
        self != Kind::Plain
    }
}

/// What an argument held for a call on another thread may need to know.
#[derive(Default)]
pub(crate) struct Hold {
    /// For a wait of unbounded length: what closing a descriptor it leases
    /// calls, to end the wait.
    pub(crate) wait: Option<Arc<dyn Interrupt>>,
}

/// A kind of argument. See the module's documentation.
pub(crate) trait Arg: Sized + Send + 'static {
    /// Which kind it is for the TypeScript layer.
    const KIND: Kind = Kind::Plain;

    /// The TypeScript type of the value the TypeScript layer passes.
    fn ts() -> Cow<'static, str>;

    /// The argument for a call made on the calling thread, before it returns.
    ///
    /// # Safety
    ///
    /// `env` and `value` come from the current Node-API callback, and the
    /// result is used and dropped before that callback returns, on its
    /// thread (it may borrow JavaScript memory for that long).
    unsafe fn sync(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self>;

    /// The argument for a call made on another thread: owns or holds all it
    /// needs. The default, for plain values, is [`Arg::sync`].
    ///
    /// # Safety
    ///
    /// `env` and `value` come from the current Node-API callback, on the
    /// main thread of `env`; the result may be sent to another thread, and
    /// is settled ([`Arg::settle`]) and dropped on this one.
    unsafe fn held(env: sys::napi_env, value: sys::napi_value, _hold: &Hold) -> napi::Result<Self> {
        // SAFETY: a plain value borrows nothing, so the contract of `sync`
        // holds for as long as the value lives.
        unsafe { Self::sync(env, value) }
    }

    /// Once the call has succeeded, on the calling thread (the main thread,
    /// as a promise settles): writes what the call produced into the
    /// caller's memory (a view read into, an array filled). `written` is the
    /// byte count of a read ([`crate::out::Output::written`]).
    fn settle(&mut self, _env: sys::napi_env, _written: Option<usize>) -> napi::Result<()> {
        Ok(())
    }
}

/// An argument between the two steps of conversion: plain values first,
/// descriptors last (see [`Kind`]), so that a descriptor is taken (leased,
/// duplicated) when nothing else can fail or run.
pub(crate) enum Step<T> {
    /// Converted.
    Done(T),
    /// A descriptor, still to convert.
    Later(sys::napi_value),
}

impl<T: Arg> Step<T> {
    /// Converts `value` now unless it is a descriptor.
    ///
    /// # Safety
    ///
    /// As [`Arg::sync`] (`hold` `None`) or [`Arg::held`].
    pub(crate) unsafe fn first(
        env: sys::napi_env,
        value: sys::napi_value,
        hold: Option<&Hold>,
    ) -> napi::Result<Self> {
        if T::KIND.is_descriptor() {
            return Ok(Step::Later(value));
        }
        // SAFETY: per this function's contract.
        unsafe { convert(env, value, hold) }.map(Step::Done)
    }

    /// The argument, converting a descriptor now.
    ///
    /// # Safety
    ///
    /// As [`Step::first`].
    pub(crate) unsafe fn last(self, env: sys::napi_env, hold: Option<&Hold>) -> napi::Result<T> {
        match self {
            Step::Done(value) => Ok(value),
            // SAFETY: per this function's contract.
            Step::Later(value) => unsafe { convert(env, value, hold) },
        }
    }
}

/// # Safety
///
/// As [`Arg::sync`] (`hold` `None`) or [`Arg::held`].
unsafe fn convert<T: Arg>(
    env: sys::napi_env,
    value: sys::napi_value,
    hold: Option<&Hold>,
) -> napi::Result<T> {
    match hold {
        // SAFETY: per this function's contract.
        None => unsafe { T::sync(env, value) },
        // SAFETY: per this function's contract.
        Some(hold) => unsafe { T::held(env, value, hold) },
    }
}

/// The type of a JavaScript value.
fn value_type(env: sys::napi_env, value: sys::napi_value) -> napi::Result<ValueType> {
    let mut kind = 0;
    // SAFETY: `env` and `value` come straight from the napi callback.
    napi::check_status!(unsafe { sys::napi_typeof(env, value, &mut kind) })?;
    Ok(ValueType::from(kind))
}

/// A JavaScript number's value; an error for anything else (never coerced).
fn number(env: sys::napi_env, value: sys::napi_value) -> napi::Result<f64> {
    let mut number = 0.0;
    // SAFETY: `env` and `value` come straight from the napi callback; a value
    // that is not a number is refused (`napi_number_expected`).
    napi::check_status!(unsafe { sys::napi_get_value_double(env, value, &mut number) })?;
    Ok(number)
}

/// The elements of the JavaScript array `value` (of `what`, for the error),
/// each converted by `each`.
///
/// # Safety
///
/// `env` and `value` come from the current Node-API callback.
unsafe fn elements<T>(
    env: sys::napi_env,
    value: sys::napi_value,
    what: &str,
    mut each: impl FnMut(sys::napi_value) -> napi::Result<T>,
) -> napi::Result<Vec<T>> {
    let mut is_array = false;
    // SAFETY: per this function's contract.
    napi::check_status!(unsafe { sys::napi_is_array(env, value, &mut is_array) })?;
    if !is_array {
        return Err(crate::error::invalid_arg(format!(
            "expected an array of {what}"
        )));
    }
    let mut length = 0;
    // SAFETY: `value` is an array.
    napi::check_status!(unsafe { sys::napi_get_array_length(env, value, &mut length) })?;
    (0..length)
        .map(|i| {
            let mut element = std::ptr::null_mut();
            // SAFETY: `value` is an array; `i` is below its length.
            napi::check_status!(unsafe { sys::napi_get_element(env, value, i, &mut element) })?;
            each(element)
        })
        .collect()
}

/// How a call's body sees an argument, which stays where the callback made
/// it: a plain number or flag by value, anything else by reference.
pub(crate) trait Body<'a> {
    /// What the body gets.
    type As;
    /// The argument for the body.
    fn body(self) -> Self::As;
}

macro_rules! body_by_value {
    ($($ty:ty),*) => {$(
        impl<'a> Body<'a> for &'a mut $ty {
            type As = $ty;
            fn body(self) -> $ty {
                *self
            }
        }
    )*};
}

macro_rules! body_by_reference {
    ($($ty:ty),*) => {$(
        impl<'a> Body<'a> for &'a mut $ty {
            type As = &'a mut $ty;
            fn body(self) -> &'a mut $ty {
                self
            }
        }
    )*};
}

body_by_value!(
    bool,
    Uint,
    Int,
    Offset,
    MaybeOffset,
    FdNumber,
    Token,
    WaitId
);
body_by_reference!(
    Data, Dir, Fd, PathArg, Paths, Sink, SinkEach, Sinks, Target, Views, Offsets, TimeArg, I32Out,
    I64Out, U64Out
);

impl<'a, C: Choice> Body<'a> for &'a mut Pick<C> {
    type As = &'a mut Pick<C>;
    fn body(self) -> Self::As {
        self
    }
}
