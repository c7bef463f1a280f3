//! What the callbacks `bindings!` writes have in common: reading their
//! arguments, throwing their errors, finishing a synchronous call and
//! starting a Promise one on the libuv threadpool.

use std::ptr;

use napi::bindgen_prelude::{ToNapiValue, TypeName};
use napi::{check_status, sys, Env, JsError, Task, ValueType};

use crate::out::Output;
use crate::{env, error};

/// The first `N` arguments of a call (`undefined` for those not passed).
///
/// # Safety
///
/// `env` and `info` are the current callback's.
pub(crate) unsafe fn args<const N: usize>(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> napi::Result<[sys::napi_value; N]> {
    let mut argv = [ptr::null_mut(); N];
    let mut argc = N;
    // SAFETY: per this function's contract; `argv` has room for `argc`
    // values, and Node-API fills those not passed with `undefined`.
    check_status!(unsafe {
        sys::napi_get_cb_info(
            env,
            info,
            &mut argc,
            argv.as_mut_ptr(),
            ptr::null_mut(),
            ptr::null_mut(),
        )
    })?;
    Ok(argv)
}

/// Runs a callback's work, throwing its error as the callback returns.
///
/// # Safety
///
/// `env` is the current callback's.
pub(crate) unsafe fn callback(
    env: sys::napi_env,
    work: impl FnOnce(&Env) -> napi::Result<sys::napi_value>,
) -> sys::napi_value {
    match work(&Env::from_raw(env)) {
        Ok(value) => value,
        Err(failure) => {
            // SAFETY: per this function's contract.
            unsafe { JsError::from(failure).throw_into(env) };
            ptr::null_mut()
        }
    }
}

/// Finishes a call on the calling thread: settles the arguments (on
/// success) and converts the result or the error.
pub(crate) fn finish<A, O: Output>(
    env: &Env,
    args: &mut A,
    settle: fn(&mut A, sys::napi_env, Option<usize>) -> napi::Result<()>,
    result: sysix_core::Result<O>,
) -> napi::Result<sys::napi_value> {
    let value = result.map_err(|failure| error::to_js(env, &failure))?;
    settle(args, env.raw(), value.written())?;
    value.to_js(env)
}

/// A JavaScript value made by [`Output::to_js`], handed on as it is.
pub(crate) struct Raw(pub sys::napi_value);

impl TypeName for Raw {
    fn type_name() -> &'static str {
        "unknown"
    }

    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

impl ToNapiValue for Raw {
    unsafe fn to_napi_value(_: sys::napi_env, value: Self) -> napi::Result<sys::napi_value> {
        Ok(value.0)
    }
}

/// A call on the libuv threadpool: its arguments (held, see
/// [`crate::arg::Arg::held`]) and its body, run there; its result settled
/// and converted on the main thread as the promise settles.
struct Pooled<A, O> {
    args: Option<A>,
    run: fn(&mut A) -> sysix_core::Result<O>,
    settle: fn(&mut A, sys::napi_env, Option<usize>) -> napi::Result<()>,
}

fn ran_twice() -> napi::Error {
    napi::Error::from_reason("a call ran twice")
}

impl<A: Send + 'static, O: Output> Task for Pooled<A, O> {
    type Output = sysix_core::Result<O>;
    type JsValue = Raw;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        // The arguments stay in the task, for `resolve` to settle.
        Ok((self.run)(self.args.as_mut().ok_or_else(ran_twice)?))
    }

    fn resolve(&mut self, env: Env, result: Self::Output) -> napi::Result<Raw> {
        let args = self.args.as_mut().ok_or_else(ran_twice)?;
        finish(&env, args, self.settle, result).map(Raw)
    }

    fn finally(self, env: Env) -> napi::Result<()> {
        // The arguments are dropped here, on the main thread: leases end
        // (and may close a descriptor whose owner closed it meanwhile),
        // references to views are deleted.
        drop(self.args);
        env::report_deferred_close_failures(&env)
    }
}

/// Queues `run(args)` on the libuv threadpool and returns its promise.
pub(crate) fn start_promise<A: Send + 'static, O: Output>(
    env: &Env,
    args: A,
    run: fn(&mut A) -> sysix_core::Result<O>,
    settle: fn(&mut A, sys::napi_env, Option<usize>) -> napi::Result<()>,
) -> napi::Result<sys::napi_value> {
    let task = napi::bindgen_prelude::AsyncTask::new(Pooled {
        args: Some(args),
        run,
        settle,
    });
    // SAFETY: `env` is the current callback's.
    unsafe { ToNapiValue::to_napi_value(env.raw(), task) }
}
