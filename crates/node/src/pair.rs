//! `blocking_pair!`: the sync export and its Promise twin of one core call.

/// Declares `fooSync`, which makes a core call on the calling thread, and
/// `foo`, which makes the same call on the libuv threadpool, from one
/// expression. Each argument is written `name: SyncType | AsyncType = "ts"`:
/// the async form takes the kind that holds its descriptor for the whole call
/// ([`crate::arg::HeldFd`], [`crate::arg::HeldDir`], ...), which offers the
/// same methods, so that one expression serves both. The result's Rust
/// type is followed by its TypeScript types, sync and async. (Callers
/// `use napi::Env`: napi-derive knows the environment argument by that name.)
macro_rules! blocking_pair {
    (
        $(#[$doc:meta])*
        $sync:ident / $async:ident ($($arg:ident : $sty:ty | $aty:ty = $ts:literal),* $(,)?)
            -> $out:ty = $ts_sync:literal / $ts_async:literal => $call:expr
    ) => {
        $(#[$doc])*
        #[napi_derive::napi(ts_return_type = $ts_sync)]
        pub fn $sync(env: Env, $(#[napi(ts_arg_type = $ts)] $arg: $sty),*) -> napi::Result<$out> {
            crate::error::sync(&env, $call)
        }

        #[doc = concat!("`", stringify!($sync), "` on the threadpool.")]
        #[napi_derive::napi(ts_return_type = $ts_async)]
        pub fn $async($(#[napi(ts_arg_type = $ts)] $arg: $aty),*) -> napi::bindgen_prelude::AsyncTask<crate::task::Blocking<$out>> {
            crate::task::Blocking::spawn(move || $call)
        }
    };
}
