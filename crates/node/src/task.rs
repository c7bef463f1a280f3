//! Running blocking calls on the libuv threadpool and settling a promise.
//!
//! Only calls of bounded length belong here: the pool has four threads by
//! default and every `fs` call of the program shares them.

use napi::bindgen_prelude::{AsyncTask, ToNapiValue, TypeName};
use napi::{Env, Status, Task};

use crate::error;

type Job<T> = Box<dyn FnOnce() -> sysix_core::Result<T> + Send>;

/// A core call run on the threadpool, resolving to its value or rejecting
/// with a Node-style error.
pub struct Blocking<T> {
    job: Option<Job<T>>,
}

impl<T: ToNapiValue + TypeName + Send + 'static> Blocking<T> {
    /// Queues `job` on the threadpool; the promise settles on the main thread.
    pub fn spawn(
        job: impl FnOnce() -> sysix_core::Result<T> + Send + 'static,
    ) -> AsyncTask<Self> {
        AsyncTask::new(Self {
            job: Some(Box::new(job)),
        })
    }
}

impl<T: ToNapiValue + TypeName + Send + 'static> Task for Blocking<T> {
    type Output = sysix_core::Result<T>;
    type JsValue = T;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let job = self
            .job
            .take()
            .ok_or_else(|| napi::Error::new(Status::GenericFailure, "task already ran"))?;
        Ok(job())
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<T> {
        output.map_err(|failure| error::to_js(&env, &failure))
    }
}
