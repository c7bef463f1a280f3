//! The one way a call is bound: [`bindings!`](crate::bindings) declares every
//! export of the binding, with its arguments by kind ([`crate::arg`]) and its
//! result ([`crate::out::Output`]).
//!
//! Each declaration is a *pair* (`fooSync` on the calling thread and `foo` on
//! the libuv threadpool, for calls of bounded length), a *sync* call (one that
//! never blocks, or blocks by request only), or a *wait* (a call of unbounded
//! length, on a thread of its own, called off through its id; see
//! [`crate::wait`]). The macro writes each export's Node-API callback, which
//! converts the arguments (descriptors last), runs the body, settles what the
//! arguments must deliver and converts the result; and it records the export
//! in its module's table, from which the module is registered
//! ([`register`]), the typings are written (`scripts/binding-typings.mjs`) and
//! the TypeScript layer learns which arguments are descriptors
//! (`bindingTable()`).

mod macros;
mod run;
pub(crate) mod table;

pub(crate) use run::{args, callback, finish, start_promise, Raw};
pub(crate) use table::{register, Binding, Form, Param};
