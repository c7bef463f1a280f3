//! `bindings!`: see [`crate::bind`].

/// Declares a module's exports, each as
///
/// ```text
/// /// Doc comment (the typings' JSDoc).
/// pair name(arg: Kind, ...) -> Output { body }
/// sync name as "Class.method"(arg: Kind, ...) -> Output { body }
/// promise name(arg: Kind, ...) -> Output { body }
/// wait name(arg: Kind, ...) -> Output |cancel| { body }
/// ```
///
/// The body is a block of the arguments, bound by value, that returns
/// `sysix_core::Result<Output>` (a wait's: `sysix_core::wait::Waited<Output>`,
/// with the named `&Cancel` in scope). A pair exports `nameSync` and `name`;
/// `as` gives the name its errors use (`Root.open`). A wait takes one more
/// argument, last: the id its environment calls it off by. A *promise* is the
/// pool form alone, for a call whose synchronous form nothing needs.
///
/// The module gets `BINDINGS`, its table, which `lib.rs` lists in
/// [`crate::bind::table::TABLES`].
#[macro_export]
macro_rules! bindings {
    ($(
        $(#[doc = $doc:expr])*
        $form:ident $name:ident $(as $display:literal)? ($($arg:ident: $ty:ty),* $(,)?) -> $out:ty $(|$cancel:ident|)? $body:block
    )*) => {
        /// This module's exports.
        pub(crate) const BINDINGS: &[&[$crate::bind::Binding]] = &[$({
            // Each export's items in a module of its own, named `entry` in
            // a block of its own, so that no name of the enclosing module
            // (an imported `pipe` module, say) is shadowed for the body.
            $crate::bindings!(@module $form ($($arg: $ty),*) -> $out $(|$cancel|)? $body);
            $crate::bindings!(@table [$($doc)*] $form $name [$($display)?] ($($arg: $ty),*) -> $out)
        }),*];
    };

    // The body, as one function of all the arguments, which returns them
    // with the result so that they can be settled.
    (@run ($($arg:ident: $ty:ty),*) -> $out:ty $body:block) => {
        // The arguments by reference: they stay where they were made (some
        // hold their bytes inline, and a move of them is a copy), and are
        // settled from there. Plain values are copied out for the body.
        #[allow(unused_mut, unused_variables, clippy::let_unit_value, clippy::redundant_closure_call)]
        pub(super) fn run(args: &mut ($($ty,)*)) -> sysix_core::Result<$out> {
            let ($($arg,)*) = args;
            $(let mut $arg = $crate::arg::Body::body($arg);)*
            // A closure, so that the body may `return` and use `?`.
            (|| -> sysix_core::Result<$out> { $body })()
        }

        #[allow(unused_variables)]
        pub(super) fn settle(
            args: &mut ($($ty,)*),
            env: napi::sys::napi_env,
            written: Option<usize>,
        ) -> napi::Result<()> {
            let ($($arg,)*) = args;
            $($crate::arg::Arg::settle($arg, env, written)?;)*
            Ok(())
        }
    };

    (@convert $env:ident $info:ident $hold:expr; $($arg:ident: $ty:ty),*) => {
        // SAFETY: `env` and `info` are this callback's.
        let [$($arg),*] = unsafe { $crate::bind::args::<{ <[&str]>::len(&[$(stringify!($arg)),*]) }>($env, $info) }?;
        // SAFETY: `env` and each value come from this callback, on its
        // thread; the arguments are used and settled within it (sync) or
        // held for the call on another thread (see `Arg::held`).
        $(let $arg = unsafe { $crate::arg::Step::<$ty>::first($env, $arg, $hold) }?;)*
        // SAFETY: as above. Descriptors last: nothing can fail after them.
        $(let $arg = unsafe { $arg.last($env, $hold) }?;)*
    };

    (@sync_callback ($($arg:ident: $ty:ty),*) -> $out:ty) => {
        pub(super) unsafe extern "C" fn sync_callback(
            env: napi::sys::napi_env,
            info: napi::sys::napi_callback_info,
        ) -> napi::sys::napi_value {
            let work = |js: &napi::Env| {
                $crate::bindings!(@convert env info None; $($arg: $ty),*);
                let mut args = ($($arg,)*);
                let result = run(&mut args);
                $crate::bind::finish(js, &mut args, settle, result)
            };
            // SAFETY: Node-API calls this with the callback's env.
            unsafe { $crate::bind::callback(env, work) }
        }
    };

    (@promise_callback ($($arg:ident: $ty:ty),*) -> $out:ty) => {
        pub(super) unsafe extern "C" fn promise_callback(
            env: napi::sys::napi_env,
            info: napi::sys::napi_callback_info,
        ) -> napi::sys::napi_value {
            let work = |js: &napi::Env| {
                let hold = $crate::arg::Hold::default();
                $crate::bindings!(@convert env info Some(&hold); $($arg: $ty),*);
                $crate::bind::start_promise(js, ($($arg,)*), run, settle)
            };
            // SAFETY: Node-API calls this with the callback's env.
            unsafe { $crate::bind::callback(env, work) }
        }
    };

    (@module pair ($($arg:ident: $ty:ty),*) -> $out:ty $body:block) => {
        mod entry {
            #[allow(unused_imports)]
            use super::*;

            $crate::bindings!(@run ($($arg: $ty),*) -> $out $body);
            $crate::bindings!(@sync_callback ($($arg: $ty),*) -> $out);

            $crate::bindings!(@promise_callback ($($arg: $ty),*) -> $out);
        }
    };

    (@module promise ($($arg:ident: $ty:ty),*) -> $out:ty $body:block) => {
        mod entry {
            #[allow(unused_imports)]
            use super::*;

            $crate::bindings!(@run ($($arg: $ty),*) -> $out $body);
            $crate::bindings!(@promise_callback ($($arg: $ty),*) -> $out);
        }
    };

    (@module sync ($($arg:ident: $ty:ty),*) -> $out:ty $body:block) => {
        mod entry {
            #[allow(unused_imports)]
            use super::*;

            $crate::bindings!(@run ($($arg: $ty),*) -> $out $body);
            $crate::bindings!(@sync_callback ($($arg: $ty),*) -> $out);
        }
    };

    (@module wait ($($arg:ident: $ty:ty),*) -> $out:ty |$cancel:ident| $body:block) => {
        mod entry {
            #[allow(unused_imports)]
            use super::*;

            #[allow(unused_mut, unused_variables)]
            fn job(args: ($($ty,)*), $cancel: &sysix_core::wait::Cancel) -> sysix_core::wait::Waited<$out> {
                let ($(mut $arg,)*) = args;
                $body
            }

            pub(super) unsafe extern "C" fn wait_callback(
                env: napi::sys::napi_env,
                info: napi::sys::napi_callback_info,
            ) -> napi::sys::napi_value {
                let work = |js: &napi::Env| {
                    let waiter = sysix_core::wait::Waiter::new();
                    let hold = $crate::arg::Hold { wait: Some(waiter.interrupt()) };
                    $crate::bindings!(@convert env info Some(&hold); $($arg: $ty,)* wait_id: $crate::arg::WaitId);
                    $crate::wait::start(js, waiter, wait_id, ($($arg,)*), job)
                };
                // SAFETY: Node-API calls this with the callback's env.
                unsafe { $crate::bind::callback(env, work) }
            }
        }
    };

    (@display) => { None };
    (@display $display:literal) => { Some($display) };

    (@params $($arg:ident: $ty:ty),*) => {
        &[$($crate::bind::Param {
            name: stringify!($arg),
            kind: <$ty as $crate::arg::Arg>::KIND,
            ts: <$ty as $crate::arg::Arg>::ts,
        }),*]
    };

    (@export $name:ident $suffix:literal) => {{
        // The name in camel case, NUL-terminated, made by the compiler: a
        // literal in the addon (which scripts/cross/check.mjs looks for on
        // targets no Node here can load) that registration passes as is.
        const BYTES: [u8; $crate::bind::table::export_len(stringify!($name), $suffix)] =
            $crate::bind::table::export_bytes(stringify!($name), $suffix);
        match ::std::ffi::CStr::from_bytes_with_nul(&BYTES) {
            Ok(name) => name,
            Err(_) => panic!("an export name holds a NUL"),
        }
    }};

    (@entry [$($doc:expr)*] $form:expr, $suffix:literal, $name:ident, $display:expr, $callback:expr, ($($arg:ident: $ty:ty),*) -> $out:ty) => {
        $crate::bind::Binding {
            export: $crate::bindings!(@export $name $suffix),
            display: $display,
            form: $form,
            callback: $callback,
            params: $crate::bindings!(@params $($arg: $ty),*),
            returns: <$out as $crate::out::Output>::ts,
            doc: concat!($($doc, "\n",)* ""),
        }
    };

    (@table [$($doc:expr)*] pair $name:ident [$($display:literal)?] ($($arg:ident: $ty:ty),*) -> $out:ty) => {
        &[
            $crate::bindings!(@entry [$($doc)*] $crate::bind::Form::PairSync, "Sync", $name, $crate::bindings!(@display $($display)?), entry::sync_callback, ($($arg: $ty),*) -> $out),
            $crate::bindings!(@entry [$($doc)*] $crate::bind::Form::PairPromise, "", $name, $crate::bindings!(@display $($display)?), entry::promise_callback, ($($arg: $ty),*) -> $out),
        ]
    };

    (@table [$($doc:expr)*] promise $name:ident [$($display:literal)?] ($($arg:ident: $ty:ty),*) -> $out:ty) => {
        &[$crate::bindings!(@entry [$($doc)*] $crate::bind::Form::Promise, "", $name, $crate::bindings!(@display $($display)?), entry::promise_callback, ($($arg: $ty),*) -> $out)]
    };

    (@table [$($doc:expr)*] sync $name:ident [$($display:literal)?] ($($arg:ident: $ty:ty),*) -> $out:ty) => {
        &[$crate::bindings!(@entry [$($doc)*] $crate::bind::Form::Sync, "", $name, $crate::bindings!(@display $($display)?), entry::sync_callback, ($($arg: $ty),*) -> $out)]
    };

    (@table [$($doc:expr)*] wait $name:ident [$($display:literal)?] ($($arg:ident: $ty:ty),*) -> $out:ty) => {
        &[$crate::bindings!(@entry [$($doc)*] $crate::bind::Form::Wait, "", $name, $crate::bindings!(@display $($display)?), entry::wait_callback, ($($arg: $ty,)* wait_id: $crate::arg::WaitId) -> $out)]
    };
}
