//! Byte views: a `Buffer`, any `TypedArray` or a `DataView`, read or written
//! in place, where it lies (respecting its `byteOffset` and `byteLength`).

use std::ptr;

use napi::bindgen_prelude::FromNapiValue;
use napi::{check_status, sys, Env};

use crate::error::invalid_arg;

/// The bytes a view covers, borrowed from its `ArrayBuffer`.
#[derive(Clone, Copy)]
pub struct View {
    data: *mut u8,
    len: usize,
}

// SAFETY: a `View` is an address and a length; what may be done with them
// is governed by `as_slice`/`as_mut_slice`, whose callers keep the memory
// alive (a synchronous call, or a `ViewRef` held until the task settles).
unsafe impl Send for View {}

/// The size in bytes of one element of a typed array of `kind`, for the
/// kinds this Node-API version names; `None` for a newer kind (Float16Array),
/// whose size is not guessed.
fn element_size(kind: sys::napi_typedarray_type) -> Option<usize> {
    match kind {
        sys::TypedarrayType::int8_array
        | sys::TypedarrayType::uint8_array
        | sys::TypedarrayType::uint8_clamped_array => Some(1),
        sys::TypedarrayType::int16_array | sys::TypedarrayType::uint16_array => Some(2),
        sys::TypedarrayType::int32_array
        | sys::TypedarrayType::uint32_array
        | sys::TypedarrayType::float32_array => Some(4),
        sys::TypedarrayType::float64_array
        | sys::TypedarrayType::bigint64_array
        | sys::TypedarrayType::biguint64_array => Some(8),
        _ => None,
    }
}

impl View {
    /// The view's bytes, for the length of a synchronous call (JavaScript
    /// does not run meanwhile) or while a `ViewRef` holds the view.
    ///
    /// # Safety
    ///
    /// The view's memory must still be alive and not detached.
    pub unsafe fn as_slice<'a>(self) -> &'a [u8] {
        if self.len == 0 {
            return &[];
        }
        // SAFETY: per this function's contract, `data` points at `len`
        // initialised bytes of a live ArrayBuffer.
        unsafe { std::slice::from_raw_parts(self.data, self.len) }
    }

    /// The view's bytes, writable; as [`View::as_slice`].
    ///
    /// # Safety
    ///
    /// As [`View::as_slice`]. JavaScript may see the bytes change while a
    /// call on another thread writes them, as with Node's `fs.read`; they
    /// are plain bytes, any value of which is valid.
    pub unsafe fn as_mut_slice<'a>(self) -> &'a mut [u8] {
        if self.len == 0 {
            return &mut [];
        }
        // SAFETY: per this function's contract.
        unsafe { std::slice::from_raw_parts_mut(self.data, self.len) }
    }
}

impl FromNapiValue for View {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        let mut is_typed = false;
        // SAFETY: `env` and `value` come straight from the napi callback.
        check_status!(unsafe { sys::napi_is_typedarray(env, value, &mut is_typed) })?;
        if is_typed {
            let (mut kind, mut length, mut data) = (0, 0, ptr::null_mut());
            // SAFETY: `value` is a typed array; the out pointers are valid and
            // the ArrayBuffer and offset outputs may be null.
            check_status!(unsafe {
                sys::napi_get_typedarray_info(
                    env,
                    value,
                    &mut kind,
                    &mut length,
                    &mut data,
                    ptr::null_mut(),
                    ptr::null_mut(),
                )
            })?;
            let size = element_size(kind).ok_or_else(|| {
                invalid_arg("this kind of TypedArray is not supported: pass a Uint8Array view of its buffer")
            })?;
            return Ok(View {
                data: data.cast(),
                len: length * size,
            });
        }
        let mut is_view = false;
        // SAFETY: as above.
        check_status!(unsafe { sys::napi_is_dataview(env, value, &mut is_view) })?;
        if is_view {
            let (mut length, mut data) = (0, ptr::null_mut());
            // SAFETY: `value` is a DataView; the out pointers are valid and
            // the ArrayBuffer and offset outputs may be null.
            check_status!(unsafe {
                sys::napi_get_dataview_info(
                    env,
                    value,
                    &mut length,
                    &mut data,
                    ptr::null_mut(),
                    ptr::null_mut(),
                )
            })?;
            return Ok(View {
                data: data.cast(),
                len: length,
            });
        }
        Err(invalid_arg("expected a Buffer, TypedArray or DataView"))
    }
}

/// A view kept alive (a strong reference to it) until a task that uses its
/// memory on another thread settles; released on the main thread.
pub struct ViewRef {
    env: sys::napi_env,
    reference: sys::napi_ref,
}

// SAFETY: the reference is only created and deleted on the main thread (in
// `from_napi_value` and `release`); in between it is only carried.
unsafe impl Send for ViewRef {}

impl ViewRef {
    /// Deletes the reference, letting the view be collected.
    pub fn release(self, env: &Env) {
        debug_assert_eq!(env.raw(), self.env);
        // SAFETY: on the main thread (a task's `finally`), with the
        // environment that created the reference.
        unsafe { sys::napi_delete_reference(self.env, self.reference) };
    }
}

/// A view held for a task: the bytes, and the reference that keeps them.
pub struct HeldView {
    /// The bytes.
    pub view: View,
    /// What keeps them alive.
    pub reference: ViewRef,
}

impl FromNapiValue for HeldView {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        // SAFETY: `value` comes straight from the napi callback.
        let view = unsafe { View::from_napi_value(env, value) }?;
        let mut reference = ptr::null_mut();
        // SAFETY: as above; a count of 1 makes the reference strong.
        check_status!(unsafe { sys::napi_create_reference(env, value, 1, &mut reference) })?;
        Ok(HeldView {
            view,
            reference: ViewRef { env, reference },
        })
    }
}
