//! The table of every export, and their registration.

use std::borrow::Cow;
use std::ffi::CStr;
use std::ptr;

use napi::bindgen_prelude::Object;
use napi::{check_status, sys, Env, JsValue};

use crate::arg::Kind;

/// The Node-API callback of an export.
pub(crate) type Callback =
    unsafe extern "C" fn(sys::napi_env, sys::napi_callback_info) -> sys::napi_value;

/// Which form of a call an export is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    /// The synchronous form of a pair: `nameSync`.
    PairSync,
    /// The Promise form of a pair, on the libuv threadpool: `name`.
    PairPromise,
    /// A call that is only synchronous: `name`.
    Sync,
    /// A call that is only a Promise, on the libuv threadpool: `name`.
    Promise,
    /// A wait of unbounded length, on a thread of its own: `name`.
    Wait,
}

impl Form {
    /// The name the TypeScript layer knows the form by.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Form::PairSync | Form::Sync => "sync",
            Form::PairPromise | Form::Promise => "promise",
            Form::Wait => "wait",
        }
    }
}

/// One parameter of an export.
pub(crate) struct Param {
    /// Its name, in snake case.
    pub(crate) name: &'static str,
    /// Its kind, for the TypeScript layer.
    pub(crate) kind: Kind,
    /// Its TypeScript type.
    pub(crate) ts: fn() -> Cow<'static, str>,
}

/// One export of the binding, as `bindings!` records it.
pub(crate) struct Binding {
    /// The name it is exported as: the Rust name in camel case, `Sync`
    /// after a pair's synchronous form ([`export_bytes`]).
    pub(crate) export: &'static CStr,
    /// The name its errors use, when it is not the export's (`Root.open`).
    pub(crate) display: Option<&'static str>,
    /// Which form it is.
    pub(crate) form: Form,
    /// Its Node-API callback.
    pub(crate) callback: Callback,
    /// Its parameters.
    pub(crate) params: &'static [Param],
    /// The TypeScript type of its result (a Promise's value).
    pub(crate) returns: fn() -> Cow<'static, str>,
    /// Its documentation.
    pub(crate) doc: &'static str,
}

/// The length of [`export_bytes`]`(snake, suffix)`.
pub(crate) const fn export_len(snake: &str, suffix: &str) -> usize {
    let bytes = snake.as_bytes();
    let (mut i, mut len) = (0, 0);
    while i < bytes.len() {
        if bytes[i] != b'_' {
            len += 1;
        }
        i += 1;
    }
    len + suffix.len() + 1
}

/// `snake_case` as `camelCase`, then `suffix` and a NUL: an export's name,
/// made at compile time. `N` is [`export_len`]`(snake, suffix)`.
pub(crate) const fn export_bytes<const N: usize>(snake: &str, suffix: &str) -> [u8; N] {
    let mut out = [0; N];
    let (snake, suffix) = (snake.as_bytes(), suffix.as_bytes());
    let (mut i, mut at, mut upper) = (0, 0, false);
    while i < snake.len() {
        if snake[i] == b'_' {
            upper = true;
        } else {
            out[at] = if upper {
                snake[i].to_ascii_uppercase()
            } else {
                snake[i]
            };
            upper = false;
            at += 1;
        }
        i += 1;
    }
    let mut j = 0;
    while j < suffix.len() {
        out[at] = suffix[j];
        at += 1;
        j += 1;
    }
    out
}

/// `snake_case` in `camelCase`.
pub(crate) fn camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

impl Binding {
    /// The name it is exported as.
    pub(crate) fn export_name(&self) -> &'static str {
        // Made from an identifier: ASCII.
        self.export.to_str().unwrap_or_default()
    }

    /// The name its errors use.
    pub(crate) fn display_name(&self) -> String {
        match (self.display, self.form) {
            (Some(display), Form::PairSync) => format!("{display}Sync"),
            (Some(display), _) => display.to_owned(),
            (None, _) => self.export_name().to_owned(),
        }
    }
}

/// Every module's table, for [`register`] and `bindingTable()`.
pub(crate) const TABLES: &[&[&[Binding]]] = &[
    crate::cpu::BINDINGS,
    crate::fd::BINDINGS,
    crate::fs::atomic::BINDINGS,
    crate::fs::batch::BINDINGS,
    crate::fs::constants::BINDINGS,
    crate::fs::data::BINDINGS,
    crate::fs::dir::BINDINGS,
    crate::fs::inotify::BINDINGS,
    crate::fs::io::BINDINGS,
    crate::fs::lock::BINDINGS,
    crate::fs::memfd::BINDINGS,
    crate::fs::names::BINDINGS,
    crate::fs::open::BINDINGS,
    crate::fs::root::BINDINGS,
    crate::fs::stat::BINDINGS,
    crate::fs::xattr::BINDINGS,
    crate::info::BINDINGS,
    crate::pipe::BINDINGS,
    crate::same_file::BINDINGS,
    crate::times::BINDINGS,
    crate::wait::BINDINGS,
    crate::bind::table::BINDINGS,
];

/// Every export, in the order of [`TABLES`].
pub(crate) fn all() -> impl Iterator<Item = &'static Binding> {
    TABLES
        .iter()
        .flat_map(|table| table.iter())
        .flat_map(|entry| entry.iter())
}

/// Defines every export on `exports`.
pub(crate) fn register(env: &Env, exports: &Object) -> napi::Result<()> {
    for binding in all() {
        let name = binding.export;
        let mut function = ptr::null_mut();
        // SAFETY: `env` is the module's environment, `name` a C string of
        // the length given, and `callback` a Node-API callback.
        check_status!(unsafe {
            sys::napi_create_function(
                env.raw(),
                name.as_ptr(),
                name.count_bytes() as isize,
                Some(binding.callback),
                ptr::null_mut(),
                &mut function,
            )
        })?;
        // SAFETY: `exports` and `function` are values of `env`.
        check_status!(unsafe {
            sys::napi_set_named_property(env.raw(), exports.raw(), name.as_ptr(), function)
        })?;
    }
    Ok(())
}

/// A parameter, as `bindingTable()` describes it.
#[napi_derive::napi(object, object_from_js = false)]
pub struct ParamInfo {
    /// Its name, in camel case.
    pub name: String,
    /// `'plain'`, `'fd'`, `'dir'` or `'target'`: what the TypeScript layer
    /// resolves before the call.
    pub kind: String,
    /// Its TypeScript type.
    pub ts: String,
}

/// An export, as `bindingTable()` describes it.
#[napi_derive::napi(object, object_from_js = false)]
pub struct BindingInfo {
    /// The name it is exported as.
    pub name: String,
    /// The name its errors use.
    pub display: String,
    /// `'sync'`, `'promise'` or `'wait'`.
    pub form: String,
    /// Its parameters, in order.
    pub params: Vec<ParamInfo>,
    /// The TypeScript type of its result (of a promise's value).
    pub returns: String,
    /// Its documentation.
    pub doc: String,
}

/// A choice list, as `bindingChoices()` describes it.
#[napi_derive::napi(object, object_from_js = false)]
pub struct ChoiceInfo {
    /// Its name (the TypeScript type of its union of names).
    pub name: String,
    /// Its names, in index order: the binding takes the index.
    pub names: Vec<String>,
}

crate::out::output_by_napi!(BindingInfo => "BindingInfo", ChoiceInfo => "ChoiceInfo");

/// Every module's choice lists, for `bindingChoices()`.
const CHOICES: &[&[(&str, &[&str])]] = &[
    crate::fs::data::CHOICES,
    crate::fs::lock::CHOICES,
    crate::fs::stat::CHOICES,
];

crate::bindings! {
    /// Every export of the binding made by `bindings!`: its name, form,
    /// parameters and their kinds and types, result type and documentation.
    /// The TypeScript layer learns from it which arguments are descriptors;
    /// `scripts/binding-typings.mjs` writes the typings from it.
    sync binding_table() -> Vec<BindingInfo> {
        Ok(all()
            .map(|binding| BindingInfo {
                name: binding.export_name().to_owned(),
                display: binding.display_name(),
                form: binding.form.name().to_owned(),
                params: binding
                    .params
                    .iter()
                    .map(|param| ParamInfo {
                        name: camel(param.name),
                        kind: param.kind.name().to_owned(),
                        ts: (param.ts)().into_owned(),
                    })
                    .collect(),
                returns: (binding.returns)().into_owned(),
                doc: binding.doc.trim().to_owned(),
            })
            .collect())
    }

    /// Every choice list the binding takes an index of: its name and names.
    sync binding_choices() -> Vec<ChoiceInfo> {
        Ok(CHOICES
            .iter()
            .flat_map(|list| list.iter())
            .map(|(name, names)| ChoiceInfo {
                name: (*name).to_owned(),
                names: names.iter().map(|n| (*n).to_owned()).collect(),
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Export names made at compile time: camel case, the suffix, a NUL.
    /// (That every export has a distinct name the JavaScript tests check,
    /// on the loaded addon: this test binary cannot link Node-API.)
    #[test]
    fn export_names_are_camel_case_with_the_suffix() {
        const SYNC: [u8; export_len("fs_constants", "Sync")] = export_bytes("fs_constants", "Sync");
        assert_eq!(&SYNC, b"fsConstantsSync\0");
        const PLAIN: [u8; export_len("pipe", "")] = export_bytes("pipe", "");
        assert_eq!(&PLAIN, b"pipe\0");
        const DIGITS: [u8; export_len("preadv2_at", "")] = export_bytes("preadv2_at", "");
        assert_eq!(&DIGITS, b"preadv2At\0");
    }
}
