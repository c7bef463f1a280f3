//! Running blocking calls on the libuv threadpool and settling a promise.
//!
//! Only calls of bounded length belong here: the pool has four threads by
//! default and every `fs` call of the program shares them.
//!
//! A job owns its arguments, so descriptors it was given stay open until it
//! is done ([`crate::arg::HeldFd`]); a close that waited for it is reported,
//! if it fails, once the promise has settled.

use napi::bindgen_prelude::{AsyncTask, ToNapiValue, TypeName};
use napi::{Env, Status, Task};

use crate::arg::ViewRef;
use crate::{env, error};

type Job<T> = Box<dyn FnOnce() -> sysix_core::Result<T> + Send>;
type Finish<T, R> = Box<dyn FnOnce(T) -> napi::Result<R> + Send>;

/// A core call run on the threadpool; its value is turned into the promise's
/// (on the main thread, where JavaScript values may be touched), or its error
/// into a Node-style rejection.
pub struct Blocking<T, R = T> {
    job: Option<Job<T>>,
    finish: Option<Finish<T, R>>,
    /// Byte views the job reads or writes in place, kept alive until the
    /// promise settles and released then, on the main thread.
    held: Vec<ViewRef>,
}

impl<T: ToNapiValue + TypeName + Send + 'static> Blocking<T, T> {
    /// Queues `job` on the threadpool; the promise resolves to its value.
    pub fn spawn(job: impl FnOnce() -> sysix_core::Result<T> + Send + 'static) -> AsyncTask<Self> {
        Blocking::spawn_then(job, Ok)
    }
}

impl<T: Send + 'static, R: ToNapiValue + TypeName + 'static> Blocking<T, R> {
    /// Queues `job` on the threadpool; `finish` turns its value into the
    /// promise's on the main thread (writing into a caller's typed array, say).
    pub fn spawn_then(
        job: impl FnOnce() -> sysix_core::Result<T> + Send + 'static,
        finish: impl FnOnce(T) -> napi::Result<R> + Send + 'static,
    ) -> AsyncTask<Self> {
        Blocking::spawn_holding(Vec::new(), job, finish)
    }

    /// [`Blocking::spawn_then`] for a job that works in the memory of byte
    /// views: `held` keeps them alive until the promise settles.
    pub fn spawn_holding(
        held: Vec<ViewRef>,
        job: impl FnOnce() -> sysix_core::Result<T> + Send + 'static,
        finish: impl FnOnce(T) -> napi::Result<R> + Send + 'static,
    ) -> AsyncTask<Self> {
        AsyncTask::new(Self {
            job: Some(Box::new(job)),
            finish: Some(Box::new(finish)),
            held,
        })
    }
}

fn ran_twice() -> napi::Error {
    napi::Error::new(Status::GenericFailure, "task already ran")
}

impl<T: Send + 'static, R: ToNapiValue + TypeName + 'static> Task for Blocking<T, R> {
    type Output = sysix_core::Result<T>;
    type JsValue = R;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let job = self.job.take().ok_or_else(ran_twice)?;
        Ok(job())
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<R> {
        let finish = self.finish.take().ok_or_else(ran_twice)?;
        finish(output.map_err(|failure| error::to_js(&env, &failure))?)
    }

    fn finally(self, env: Env) -> napi::Result<()> {
        for view in self.held {
            view.release(&env);
        }
        env::report_deferred_close_failures(&env)
    }
}
