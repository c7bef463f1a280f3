//! Unbounded waits from JavaScript: each runs on a thread of its own
//! ([`sysix_core::wait`]) and settles a promise. It is known by an id the
//! TypeScript layer takes from its reserved tokens (unique in the process),
//! which `waitCancel(id)` calls off (the TypeScript
//! layer ties that to an `AbortSignal`); closing a descriptor it waits on
//! ends it too, and so does the environment's teardown.

use napi::{sys, Env, JsValue};
use sysix_core::wait::{Cancel, Interrupted, Waited, Waiter};

use crate::arg::WaitId;
use crate::env::{gate, owner};
use crate::error::{abort_error, closed_while_waiting, to_js};
use crate::out::Output;

crate::bindings! {
    /// Calls off the wait of this environment known by `id`, if it is still
    /// waiting: its promise rejects with an `AbortError` soon after.
    sync wait_cancel(id: WaitId) -> () {
        sysix_core::wait::cancel(id.0);
        Ok(())
    }
}

/// Starts `job(args)` on a wait thread of its own under `waiter`, known to
/// its environment as `id`, and returns the promise it settles: with the
/// job's value on the main thread, with a Node-style error if it failed, an
/// `AbortError` if called off, or `EBADF` if its descriptor was closed.
pub(crate) fn start<A: Send + 'static, O: Output>(
    env: &Env,
    waiter: Waiter,
    id: WaitId,
    args: A,
    job: fn(A, &Cancel) -> Waited<O>,
) -> napi::Result<sys::napi_value> {
    type Settle = Box<dyn FnOnce(Env) -> napi::Result<crate::bind::Raw>>;
    let (deferred, promise) = env.create_deferred::<crate::bind::Raw, Settle>()?;
    let gate = gate(env)?;
    waiter
        .spawn(
            owner(env)?,
            id.0,
            move |cancel| job(args, cancel),
            move |result: Waited<O>| {
                // Not once the environment is gone: see `Gate`.
                gate.run(move || {
                    deferred.resolve(Box::new(move |env: Env| match result {
                        Ok(value) => value.to_js(&env).map(crate::bind::Raw),
                        Err(Interrupted::Cancelled) => Err(abort_error(&env)),
                        Err(Interrupted::Closed) => Err(closed_while_waiting(&env)),
                        Err(Interrupted::Failed(error)) => Err(to_js(&env, &error)),
                    }))
                });
            },
        )
        .map_err(|error| {
            napi::Error::from_reason(format!("cannot start a wait thread: {error}"))
        })?;
    Ok(promise.raw())
}
