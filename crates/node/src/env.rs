//! What each JavaScript environment (the main thread, each worker thread)
//! keeps of its own: the [`Owner`] of the descriptors it holds, which are
//! closed when the environment is torn down.
//!
//! Garbage collection never runs at teardown, so without this a worker that
//! exits with open `OwnedFd`s would leak them into the process for good.

use std::sync::{Arc, Mutex};

use napi::bindgen_prelude::{FnArgs, Function, JsObjectValue, Object};
use napi::{Env, JsValue};
use napi_derive::napi;
use sysix_core::fd::registry::{self, Owner};

use crate::arg::{RawView, Scratch};

/// The state of one environment, kept as its Node-API instance data.
struct EnvState {
    owner: Owner,
    gate: Gate,
    scratch: Scratch,
}

/// Whether an environment is still alive, for threads of sysix's own that
/// settle its promises: a threadsafe function must not be called once its
/// environment is torn down (Node frees it then, and a call would use freed
/// memory). Settling happens with the gate locked, and teardown locks it to
/// close it, so no call can start after, or run across, teardown.
#[derive(Clone, Default)]
pub(crate) struct Gate(Arc<Mutex<bool>>);

impl Gate {
    /// Runs `settle` if the environment is alive, with the gate held.
    pub(crate) fn run(&self, settle: impl FnOnce()) {
        let alive = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if *alive {
            settle();
        }
    }

    fn open(&self) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = true;
    }

    fn close(&self) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = false;
    }
}

/// Sets up a new environment as the addon is loaded into it: an owner for
/// its descriptors and waits, which a cleanup hook calls off and closes when
/// the environment goes away (a worker exits or is terminated, the process
/// exits). Waits first: they lease descriptors, whose close then follows the
/// end of each wait.
#[napi(module_exports)]
pub fn init(exports: Object, env: Env) -> napi::Result<()> {
    crate::bind::register(&env, &exports)?;
    // On the main thread, before any batch runs on a pool thread.
    sysix_core::fs::batch::read_environment();
    // SAFETY: `env` is the module's, as it is initialised.
    let (scratch, buffer) = unsafe { Scratch::new(env.raw()) }?;
    // A C literal, NUL-terminated, so that scripts/cross/check.mjs finds the
    // name in the addon, as it finds the calls'.
    // SAFETY: `exports` and `buffer` are values of this environment, and the
    // name a C string.
    napi::check_status!(unsafe {
        napi::sys::napi_set_named_property(env.raw(), exports.raw(), c"scratch".as_ptr(), buffer)
    })?;
    let owner = Owner::new();
    let gate = Gate::default();
    gate.open();
    env.set_instance_data(
        EnvState {
            owner,
            gate: gate.clone(),
            scratch,
        },
        (),
        |_| {},
    )?;
    env.add_env_cleanup_hook((owner, gate), |(owner, gate)| {
        gate.close();
        sysix_core::wait::cancel_all(owner);
        registry::teardown(owner);
    })?;
    Ok(())
}

fn state(env: &Env) -> napi::Result<&'static EnvState> {
    match env.get_instance_data::<EnvState>()? {
        Some(state) => Ok(state),
        None => Err(napi::Error::from_reason(
            "sysix was not initialised in this environment",
        )),
    }
}

/// The owner of the descriptors of the environment `env`.
pub(crate) fn owner(env: &Env) -> napi::Result<Owner> {
    state(env).map(|state| state.owner)
}

/// The scratch memory of the environment `env` (see [`Scratch`]).
///
/// # Safety
///
/// `env` is the current callback's.
pub(crate) unsafe fn scratch(env: napi::sys::napi_env) -> napi::Result<RawView> {
    let state = state(&Env::from_raw(env))?;
    // SAFETY: per this function's contract; the state is this environment's.
    unsafe { state.scratch.view(env) }
}

/// The gate of the environment `env`, for settling its promises from other threads.
pub(crate) fn gate(env: &Env) -> napi::Result<Gate> {
    state(env).map(|state| state.gate.clone())
}

/// `process.emitWarning(message, { code, detail })`.
pub(crate) fn emit_warning(env: &Env, message: &str, code: &str, detail: &str) -> napi::Result<()> {
    let process: Object = env.get_global()?.get_named_property("process")?;
    let emit: Function<FnArgs<(&str, Object)>, ()> = process.get_named_property("emitWarning")?;
    let mut options = Object::new(env)?;
    options.set_named_property("code", code)?;
    options.set_named_property("detail", detail)?;
    emit.apply(process.to_unknown(), FnArgs::from((message, options)))?;
    Ok(())
}

/// Reports, as process warnings, the closes that waited for a call in flight
/// and failed: `close()` had returned long before, so nothing else can.
pub(crate) fn report_deferred_close_failures(env: &Env) -> napi::Result<()> {
    for failure in registry::take_deferred_failures(owner(env)?) {
        emit_warning(
            env,
            &format!(
                "Closing a file descriptor after the call that used it failed: {}",
                crate::error::message(&failure)
            ),
            "SYSIX_CLOSE_FAILED",
            "close() was called while a Promise call still used the descriptor, so the close waited for that call to settle, and the kernel then reported this error. The descriptor is closed all the same.",
        )?;
    }
    Ok(())
}
