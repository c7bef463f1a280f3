//! Choices: one of a few names (`'shared'`, `'exclusive'`, `'unlock'`),
//! declared once in Rust ([`choices!`](crate::choices)) with the values its `match` gives
//! them. The TypeScript layer gets each list (`bindingChoices()`), validates
//! a name against it and passes its index; the typings' union of names is
//! generated from it.

use std::borrow::Cow;

use napi::sys;

use super::{number, Arg};
use crate::error::invalid_arg;

/// A list of names and the values they stand for.
pub(crate) trait Choice: Copy + Send + 'static {
    /// The name of the list (the TypeScript type of its union).
    const NAME: &'static str;
    /// The names, in index order.
    const NAMES: &'static [&'static str];
    /// The value of the name at `index`.
    fn at(index: usize) -> Option<Self>;
}

/// A choice argument: the index of a name of `C`.
pub(crate) struct Pick<C: Choice>(pub C);

impl<C: Choice> Pick<C> {
    /// The value chosen.
    pub(crate) fn get(&self) -> C {
        self.0
    }
}

impl<C: Choice> Arg for Pick<C> {
    fn ts() -> Cow<'static, str> {
        "number".into()
    }

    unsafe fn sync(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        let n = number(env, value)?;
        let index = (n.fract() == 0.0 && n >= 0.0).then_some(n as usize);
        index.and_then(C::at).map(Pick).ok_or_else(|| {
            invalid_arg(format!(
                "{} must be the index of one of: {}",
                C::NAME,
                C::NAMES.join(", ")
            ))
        })
    }
}

/// Declares choices: a list's name, then each name and its value (an
/// expression of the type given), in the order of their indices.
#[macro_export]
macro_rules! choices {
    ($(
        $(#[$doc:meta])*
        $name:ident: $ty:ty { $($label:literal => $value:expr),+ $(,)? }
    )*) => {
        $(
            $(#[$doc])*
            impl $crate::arg::Choice for $ty {
                const NAME: &'static str = stringify!($name);
                const NAMES: &'static [&'static str] = &[$($label),+];
                fn at(index: usize) -> Option<Self> {
                    [$($value),+].get(index).copied()
                }
            }
        )*

        /// The choice lists of this module, for `bindingChoices()`.
        pub(crate) const CHOICES: &[(&str, &[&str])] = &[
            $((<$ty as $crate::arg::Choice>::NAME, <$ty as $crate::arg::Choice>::NAMES)),*
        ];
    };
}
