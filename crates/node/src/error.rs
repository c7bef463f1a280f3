//! System errors shaped like Node's `fs` errors.
//!
//! `ENOENT: no such file or directory, statx '/x'`, with `errno` (negative,
//! as Node has it), `code`, `syscall`, `path` and `dest` as own properties in
//! Node's order. Argument errors (`TypeError`, `RangeError`) are raised by the
//! TypeScript layer before any call reaches this crate.

use std::ptr;

use napi::bindgen_prelude::{JsObjectValue, Object, ToNapiValue};
use napi::{check_status, sys, Env, JsValue, Status};

use crate::errno;

/// The JavaScript `Error` for a failed system call, ready to be thrown or to
/// reject a promise.
pub(crate) fn to_js(env: &Env, error: &sysix_core::Error) -> napi::Error {
    match build(env, error) {
        Ok(object) => napi::Error::from(object.to_unknown()),
        Err(failure) => failure,
    }
}

/// The JavaScript `Error` for a failed system call, as a value (a batch
/// returns one for each request that failed).
pub(crate) fn value(env: &Env, error: &sysix_core::Error) -> napi::Result<sys::napi_value> {
    build(env, error).map(|object| object.raw())
}

/// The message Node would give this error:
/// `ENOENT: no such file or directory, statx '/x'`.
pub(crate) fn message(error: &sysix_core::Error) -> String {
    let (code, description) = errno::describe(error.errno);
    let mut message = format!("{code}: {description}, {}", error.syscall);
    if let Some(path) = &error.path {
        message.push_str(&format!(" '{}'", path.to_string_lossy()));
    }
    if let Some(dest) = &error.dest {
        message.push_str(&format!(" -> '{}'", dest.to_string_lossy()));
    }
    if let Some(detail) = error.detail {
        message.push_str(": ");
        message.push_str(detail);
    }
    message
}

fn build<'env>(env: &'env Env, error: &sysix_core::Error) -> napi::Result<Object<'env>> {
    let (code, _) = errno::describe(error.errno);
    let path = error.path.as_ref().map(|p| p.to_string_lossy());
    let dest = error.dest.as_ref().map(|p| p.to_string_lossy());
    let message = message(error);
    let mut object = new_error(env, &message)?;
    object.set_named_property("errno", -error.errno.raw_os_error())?;
    object.set_named_property("code", code)?;
    object.set_named_property("syscall", error.syscall)?;
    if let Some(path) = path {
        object.set_named_property("path", path.as_ref())?;
    }
    if let Some(dest) = dest {
        object.set_named_property("dest", dest.as_ref())?;
    }
    Ok(object)
}

/// `new Error(message)` without the `code` property `napi_create_error` would
/// add first, so that the properties come in Node's order.
fn new_error<'env>(env: &'env Env, message: &str) -> napi::Result<Object<'env>> {
    // SAFETY: `env` is the live environment of the current call, and
    // `to_napi_value` copies `message` into a new JavaScript string.
    let message = unsafe { ToNapiValue::to_napi_value(env.raw(), message) }?;
    let mut error = ptr::null_mut();
    check_status!(
        // SAFETY: napi_create_error accepts a null `code`, `message` is a
        // string value of this environment, and `error` is a valid place for
        // the result.
        unsafe { sys::napi_create_error(env.raw(), ptr::null_mut(), message, &mut error) },
        "Failed to create an Error"
    )?;
    Ok(Object::from_raw(env.raw(), error))
}

/// `AbortError`, `code: 'ABORT_ERR'`, as Node's APIs reject a called-off
/// operation; the TypeScript layer adds the signal's reason as `cause`.
pub(crate) fn abort_error(env: &Env) -> napi::Error {
    match env.create_error(napi::Error::from_reason("The operation was aborted")) {
        Ok(mut error) => {
            let _ = error.set_named_property("name", "AbortError");
            let _ = error.set_named_property("code", "ABORT_ERR");
            napi::Error::from(error.to_unknown())
        }
        Err(error) => error,
    }
}

/// What a wait ended by the close of its descriptor rejects with, when its
/// job did not name the call it waited in.
pub(crate) fn closed_while_waiting(env: &Env) -> napi::Error {
    to_js(env, &sysix_core::wait::closed("wait"))
}

/// An argument the TypeScript layer should have refused: only reachable by
/// calling the internal binding directly.
pub(crate) fn invalid_arg(message: impl Into<String>) -> napi::Error {
    napi::Error::new(Status::InvalidArg, message.into())
}
