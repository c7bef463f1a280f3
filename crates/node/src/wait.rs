//! Unbounded waits from JavaScript: each runs on a thread of its own
//! ([`sysix_core::wait`]) and settles a promise; a [`Wait`] object, which
//! the TypeScript layer ties to an `AbortSignal`, calls it off.

use std::sync::Mutex;

use napi::bindgen_prelude::{JsObjectValue, ToNapiValue, TypeName};
use napi::{sys, Env, JsValue, ValueType};
use napi_derive::napi;
use sysix_core::wait::{Cancel, Interrupted, Waited, Waiter};

use crate::env::{gate, owner};
use crate::error::to_js;

#[derive(Default)]
enum State {
    /// Not started yet.
    #[default]
    Idle,
    /// Called off before it started.
    Cancelled,
    /// In progress.
    Waiting(Waiter),
}

/// The handle of one wait, made by JavaScript before the wait starts so
/// that it can call the wait off at any time.
#[napi]
pub struct Wait {
    state: Mutex<State>,
}

#[napi]
impl Wait {
    /// A wait not started yet.
    #[napi(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Self {
            state: Mutex::new(State::Idle),
        }
    }

    /// Calls the wait off: it rejects with an `AbortError` soon after,
    /// unless it has already finished.
    #[napi]
    pub fn cancel(&self) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        match &*state {
            State::Waiting(waiter) => waiter.cancel(),
            State::Idle => *state = State::Cancelled,
            State::Cancelled => {}
        }
    }
}

/// A promise made by [`start`], returned as it is.
pub struct RawPromise(sys::napi_value);

impl TypeName for RawPromise {
    fn type_name() -> &'static str {
        "Promise"
    }

    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl ToNapiValue for RawPromise {
    unsafe fn to_napi_value(_: sys::napi_env, value: Self) -> napi::Result<sys::napi_value> {
        Ok(value.0)
    }
}

/// `AbortError`, `code: 'ABORT_ERR'`, as Node's APIs reject a called-off
/// operation; the TypeScript layer adds the signal's reason as `cause`.
fn abort_error(env: &Env) -> napi::Error {
    match env.create_error(napi::Error::from_reason("The operation was aborted")) {
        Ok(mut error) => {
            let _ = error.set_named_property("name", "AbortError");
            let _ = error.set_named_property("code", "ABORT_ERR");
            napi::Error::from(error.to_unknown())
        }
        Err(error) => error,
    }
}

/// Starts `job` on a wait thread of its own, under `wait`, and returns the
/// promise it settles: with `finish` of its value on the main thread, with a
/// Node-style error if it failed, or with an `AbortError` if called off.
pub(crate) fn start<T, R>(
    env: &Env,
    wait: &Wait,
    job: impl FnOnce(&Cancel) -> Waited<T> + Send + 'static,
    finish: impl FnOnce(T) -> napi::Result<R> + Send + 'static,
) -> napi::Result<RawPromise>
where
    T: Send + 'static,
    R: ToNapiValue + 'static,
{
    type Settle<R> = Box<dyn FnOnce(Env) -> napi::Result<R>>;
    let (deferred, promise) = env.create_deferred::<R, Settle<R>>()?;
    let promise = RawPromise(promise.raw());
    let mut state = wait.state.lock().unwrap_or_else(|p| p.into_inner());
    let cancelled = matches!(*state, State::Cancelled);
    let gate = gate(env)?;
    let waiter = Waiter::spawn(owner(env)?, job, move |result: Waited<T>| {
        // Not once the environment is gone: see `Gate`.
        gate.run(move || {
            deferred.resolve(Box::new(move |env: Env| match result {
                Ok(value) => finish(value),
                Err(Interrupted::Cancelled) => Err(abort_error(&env)),
                Err(Interrupted::Failed(error)) => Err(to_js(&env, &error)),
            }))
        });
    })
    .map_err(|error| napi::Error::from_reason(format!("cannot start a wait thread: {error}")))?;
    if cancelled {
        waiter.cancel();
    }
    *state = State::Waiting(waiter);
    Ok(promise)
}
