//! Byte views and typed arrays: a `Buffer`, any `TypedArray` or a
//! `DataView`, at its `byteOffset` for its `byteLength`.
//!
//! JavaScript memory is only ever borrowed for a synchronous call, during
//! which no JavaScript runs. Node-API cannot keep a buffer's memory alive
//! for a call on another thread (`transfer()`, a detach, or a resize of the
//! buffer frees or moves it however the view is referenced), so a Promise
//! call never touches JavaScript memory off the main thread: the bytes it
//! writes are copied as it starts, the bytes it reads land in a buffer of
//! its own and are copied into the view, as it is then, when the promise
//! settles ([`Arg::settle`]).
//!
//! Memory of a `SharedArrayBuffer` may change under any call, since other
//! threads run JavaScript on it. No Rust reference to it is ever made: it is
//! handed to the kernel as raw `iovec`s, or copied byte by byte with atomic
//! loads and stores.

use std::borrow::Cow;
use std::io::{IoSlice, IoSliceMut};
use std::ptr;
use std::sync::atomic::{AtomicU8, Ordering};
use std::thread::{self, ThreadId};

use napi::{check_status, sys};

use super::{elements, Arg, Hold};
use crate::error::invalid_arg;

/// Memory of a view: an address and a length, never turned into a Rust
/// reference unless the memory is known to be borrowed exclusively.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RawView {
    data: *mut u8,
    len: usize,
    /// Of a `SharedArrayBuffer`: other threads may access it at any time.
    shared: bool,
}

/// What a view's element type is, as far as a call cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Element {
    /// Any element type: the view's bytes.
    Bytes,
    /// `BigInt64Array` elements.
    I64,
    /// `BigUint64Array` elements.
    U64,
    /// `Int32Array` elements.
    I32,
}

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

/// Whether `buffer`, the buffer under a view, is a `SharedArrayBuffer`
/// (Node-API's `napi_is_arraybuffer` is false for those).
///
/// # Safety
///
/// `env` and `buffer` come from the current Node-API callback.
unsafe fn is_shared(env: sys::napi_env, buffer: sys::napi_value) -> napi::Result<bool> {
    let mut plain = false;
    // SAFETY: per this function's contract.
    check_status!(unsafe { sys::napi_is_arraybuffer(env, buffer, &mut plain) })?;
    Ok(!plain)
}

/// The memory of the view `value`, whose elements must be `element`.
///
/// # Safety
///
/// `env` and `value` come from the current Node-API callback.
unsafe fn raw_view(
    env: sys::napi_env,
    value: sys::napi_value,
    element: Element,
) -> napi::Result<RawView> {
    let (mut is_typed, mut is_view) = (false, false);
    // SAFETY: per this function's contract.
    check_status!(unsafe { sys::napi_is_typedarray(env, value, &mut is_typed) })?;
    if is_typed {
        let (mut kind, mut length, mut data, mut buffer) = (0, 0, ptr::null_mut(), ptr::null_mut());
        // SAFETY: `value` is a typed array; the out pointers are valid and
        // the offset output may be null.
        check_status!(unsafe {
            sys::napi_get_typedarray_info(
                env,
                value,
                &mut kind,
                &mut length,
                &mut data,
                &mut buffer,
                ptr::null_mut(),
            )
        })?;
        let wanted = match element {
            Element::Bytes => None,
            Element::I64 => Some(sys::TypedarrayType::bigint64_array),
            Element::U64 => Some(sys::TypedarrayType::biguint64_array),
            Element::I32 => Some(sys::TypedarrayType::int32_array),
        };
        if wanted.is_some_and(|wanted| wanted != kind) {
            return Err(invalid_arg(format!("expected a {}", element_ts(element))));
        }
        let size = element_size(kind).ok_or_else(|| {
            invalid_arg(
                "this kind of TypedArray is not supported: pass a Uint8Array view of its buffer",
            )
        })?;
        return Ok(RawView {
            data: data.cast(),
            len: length * size,
            // SAFETY: `buffer` is the typed array's buffer, of this callback.
            shared: unsafe { is_shared(env, buffer) }?,
        });
    }
    // SAFETY: per this function's contract.
    check_status!(unsafe { sys::napi_is_dataview(env, value, &mut is_view) })?;
    if is_view && element == Element::Bytes {
        let (mut length, mut data, mut buffer) = (0, ptr::null_mut(), ptr::null_mut());
        // SAFETY: `value` is a DataView; the out pointers are valid and the
        // offset output may be null.
        check_status!(unsafe {
            sys::napi_get_dataview_info(
                env,
                value,
                &mut length,
                &mut data,
                &mut buffer,
                ptr::null_mut(),
            )
        })?;
        return Ok(RawView {
            data: data.cast(),
            len: length,
            // SAFETY: `buffer` is the DataView's buffer, of this callback.
            shared: unsafe { is_shared(env, buffer) }?,
        });
    }
    Err(invalid_arg(format!("expected a {}", element_ts(element))))
}

fn element_ts(element: Element) -> &'static str {
    match element {
        Element::Bytes => "Buffer, TypedArray or DataView",
        Element::I64 => "BigInt64Array",
        Element::U64 => "BigUint64Array",
        Element::I32 => "Int32Array",
    }
}

impl RawView {
    /// The first `len` bytes of the memory at most.
    fn first(self, len: usize) -> Self {
        Self {
            len: self.len.min(len),
            ..self
        }
    }

    /// A copy of the bytes.
    ///
    /// # Safety
    ///
    /// The memory is alive: this is the Node-API callback (or settle step)
    /// that got the view, on its thread.
    pub(crate) unsafe fn copy(self) -> Vec<u8> {
        if self.len == 0 {
            return Vec::new();
        }
        if self.shared {
            return (0..self.len)
                // SAFETY: per this function's contract, `data` points at
                // `len` live bytes; other threads access them only through
                // JavaScript, and these loads are atomic.
                .map(|i| unsafe { AtomicU8::from_ptr(self.data.add(i)) }.load(Ordering::Relaxed))
                .collect();
        }
        // SAFETY: per this function's contract; a non-shared buffer is
        // touched by no other thread, and JavaScript is paused.
        unsafe { std::slice::from_raw_parts(self.data, self.len) }.to_vec()
    }

    /// Writes `bytes` (at most `len` of them) at the start of the memory.
    ///
    /// # Safety
    ///
    /// As [`RawView::copy`].
    unsafe fn write(self, bytes: &[u8]) {
        let n = bytes.len().min(self.len);
        if n == 0 {
            return;
        }
        if self.shared {
            for (i, byte) in bytes[..n].iter().enumerate() {
                // SAFETY: as in `copy`, with atomic stores.
                unsafe { AtomicU8::from_ptr(self.data.add(i)) }.store(*byte, Ordering::Relaxed);
            }
        } else {
            // SAFETY: as in `copy`; `bytes` is Rust memory, apart from the view.
            unsafe { ptr::copy_nonoverlapping(bytes.as_ptr(), self.data, n) };
        }
    }

    /// An `IoSliceMut` over the memory, for the kernel to write: no Rust
    /// reference to the memory is made, so views may overlap and other
    /// threads may share it.
    ///
    /// # Safety
    ///
    /// As [`RawView::copy`], for as long as the slice is used.
    unsafe fn io_slice_mut<'a>(self) -> IoSliceMut<'a> {
        let iov = libc::iovec {
            iov_base: self.data.cast(),
            iov_len: self.len,
        };
        // SAFETY: std guarantees that `IoSliceMut` is ABI-compatible with
        // `iovec` on Unix; the one made here is only handed to the kernel
        // (rustix passes the array's address), never dereferenced in Rust.
        unsafe { std::mem::transmute::<libc::iovec, IoSliceMut<'a>>(iov) }
    }
}

/// Memory of an environment's own that synchronous calls fill when no array
/// is passed (`undefined`): an `ArrayBuffer` made by the addon as it loads
/// (V8's memory, not external), held for the environment's life, which the
/// TypeScript layer reads the results from. It saves finding a typed array's
/// memory through Node-API on every call. Never used by a call on another
/// thread: JavaScript could read it between that call's settling and its
/// promise's continuation.
pub(crate) struct Scratch {
    buffer: sys::napi_ref,
    data: *mut u8,
    len: usize,
}

/// How many bytes the scratch memory has: a `statx` layout, with room.
pub(crate) const SCRATCH_BYTES: usize = INLINE_ELEMENTS * 8;

impl Scratch {
    /// Makes the memory, returning it and its `ArrayBuffer`.
    ///
    /// # Safety
    ///
    /// `env` is the current callback's (the module's initialisation).
    pub(crate) unsafe fn new(env: sys::napi_env) -> napi::Result<(Self, sys::napi_value)> {
        let (mut buffer, mut data) = (ptr::null_mut(), ptr::null_mut());
        // SAFETY: per this function's contract; the out pointers are valid.
        check_status!(unsafe {
            sys::napi_create_arraybuffer(env, SCRATCH_BYTES, &mut data, &mut buffer)
        })?;
        let mut reference = ptr::null_mut();
        // SAFETY: `buffer` was just made; a count of 1 keeps it for good.
        check_status!(unsafe { sys::napi_create_reference(env, buffer, 1, &mut reference) })?;
        Ok((
            Self {
                buffer: reference,
                data: data.cast(),
                len: SCRATCH_BYTES,
            },
            buffer,
        ))
    }

    /// The memory, for a synchronous call, unless its buffer has been
    /// detached (only code that reaches into the addon itself could).
    ///
    /// # Safety
    ///
    /// `env` is the current callback's, the environment that made this.
    pub(crate) unsafe fn view(&self, env: sys::napi_env) -> napi::Result<RawView> {
        let (mut buffer, mut detached) = (ptr::null_mut(), false);
        // SAFETY: per this function's contract.
        check_status!(unsafe { sys::napi_get_reference_value(env, self.buffer, &mut buffer) })?;
        // SAFETY: `buffer` is the ArrayBuffer made in `new`.
        check_status!(unsafe { sys::napi_is_detached_arraybuffer(env, buffer, &mut detached) })?;
        if detached {
            return Err(invalid_arg("sysix's own scratch memory was detached"));
        }
        Ok(RawView {
            data: self.data,
            len: self.len,
            shared: false,
        })
    }
}

/// A strong reference to a view, so that a call on another thread can find
/// it again as it settles, on the main thread; deleted there when dropped.
pub(crate) struct ViewRef {
    env: sys::napi_env,
    reference: sys::napi_ref,
    /// The main thread, the only one that may use `env`.
    thread: ThreadId,
    element: Element,
}

// SAFETY: a `ViewRef` is carried by a call to another thread and back, and
// used (`view`, `Drop`) only on the thread that made it, which `Drop` checks.
unsafe impl Send for ViewRef {}

impl ViewRef {
    /// # Safety
    ///
    /// `env` and `value` come from the current Node-API callback.
    unsafe fn new(
        env: sys::napi_env,
        value: sys::napi_value,
        element: Element,
    ) -> napi::Result<Self> {
        let mut reference = ptr::null_mut();
        // SAFETY: per this function's contract; a count of 1 makes it strong.
        check_status!(unsafe { sys::napi_create_reference(env, value, 1, &mut reference) })?;
        Ok(Self {
            env,
            reference,
            thread: thread::current().id(),
            element,
        })
    }

    /// The view's memory as it is now (empty once its buffer is detached).
    fn view(&self) -> napi::Result<RawView> {
        if thread::current().id() != self.thread {
            return Err(invalid_arg("a view was settled on the wrong thread"));
        }
        let mut value = ptr::null_mut();
        // SAFETY: on the thread of `env`, with the reference it made.
        check_status!(unsafe {
            sys::napi_get_reference_value(self.env, self.reference, &mut value)
        })?;
        // SAFETY: `value` is the view, a value of this environment, fetched
        // in the current callback (the settle step of the call).
        unsafe { raw_view(self.env, value, self.element) }
    }

    /// Copies `bytes` into the view as it is now, or fails if it has become
    /// too small (its buffer transferred, detached or resized meanwhile).
    fn write(&self, bytes: &[u8]) -> napi::Result<()> {
        let view = self.view()?;
        if view.len < bytes.len() {
            return Err(detached());
        }
        // SAFETY: `view` was fetched just now, on the main thread, where
        // JavaScript is paused while the call settles.
        unsafe { view.write(bytes) };
        Ok(())
    }
}

impl Drop for ViewRef {
    fn drop(&mut self) {
        // Off its thread it is left alone: Node-API may only be called there.
        if thread::current().id() == self.thread {
            // SAFETY: on the thread of `env`, with the reference it made.
            unsafe { sys::napi_delete_reference(self.env, self.reference) };
        }
    }
}

fn detached() -> napi::Error {
    invalid_arg(
        "the buffer given to this call was transferred, detached or shrunk before it settled: the bytes it read are lost",
    )
}

/// Bytes a call reads (writes to a file, an attribute's value): borrowed
/// in place for a synchronous call, copied for one on another thread.
pub(crate) enum Data {
    /// The view's memory, non-shared, for the length of a synchronous call.
    InPlace(RawView),
    /// A copy.
    Owned(Vec<u8>),
}

// SAFETY: `InPlace` is made only by `Arg::sync`, whose value stays on the
// calling thread for the length of the call (see `Arg::sync`); `Owned` is
// plain Rust memory.
unsafe impl Send for Data {}

impl Data {
    /// The bytes.
    pub(crate) fn as_slice(&self) -> &[u8] {
        match self {
            Data::InPlace(view) if view.len > 0 => {
                // SAFETY: made by `Arg::sync` over a non-shared buffer: for
                // the synchronous call, which this borrow cannot outlive (the
                // value does not), no JavaScript runs and no other thread
                // touches the buffer, so the bytes are alive and unchanged.
                unsafe { std::slice::from_raw_parts(view.data, view.len) }
            }
            Data::InPlace(_) => &[],
            Data::Owned(bytes) => bytes,
        }
    }
}

impl Arg for Data {
    fn ts() -> Cow<'static, str> {
        "ArrayBufferView".into()
    }

    unsafe fn sync(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        // SAFETY: per `Arg::sync`'s contract.
        let view = unsafe { raw_view(env, value, Element::Bytes) }?;
        if view.shared {
            // SAFETY: as above: the memory is alive during this callback.
            return Ok(Data::Owned(unsafe { view.copy() }));
        }
        Ok(Data::InPlace(view))
    }

    unsafe fn held(env: sys::napi_env, value: sys::napi_value, _: &Hold) -> napi::Result<Self> {
        // SAFETY: per `Arg::held`'s contract.
        let view = unsafe { raw_view(env, value, Element::Bytes) }?;
        // SAFETY: as above.
        Ok(Data::Owned(unsafe { view.copy() }))
    }
}

/// Several views a call reads in turn (`writev`).
pub(crate) struct Views(Vec<Data>);

impl Views {
    /// The views as the vectored calls take them.
    pub(crate) fn io_slices(&self) -> Vec<IoSlice<'_>> {
        self.0
            .iter()
            .map(|data| IoSlice::new(data.as_slice()))
            .collect()
    }
}

impl Arg for Views {
    fn ts() -> Cow<'static, str> {
        "ArrayBufferView[]".into()
    }

    unsafe fn sync(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        // SAFETY: per `Arg::sync`'s contract, for each element too.
        unsafe { elements(env, value, "views", |view| Data::sync(env, view)) }.map(Views)
    }

    unsafe fn held(env: sys::napi_env, value: sys::napi_value, hold: &Hold) -> napi::Result<Self> {
        // SAFETY: per `Arg::held`'s contract, for each element too.
        unsafe { elements(env, value, "views", |view| Data::held(env, view, hold)) }.map(Views)
    }
}

/// A view a call writes into (reads from a file): the view's memory itself
/// for a synchronous call, a buffer of its own for one on another thread,
/// copied into the view as the call settles.
pub(crate) enum Sink {
    /// The view's memory, for the length of a synchronous call.
    InPlace(RawView),
    /// A buffer of the view's length, and the view.
    Buffered(Vec<u8>, ViewRef),
}

// SAFETY: `InPlace` is made only by `Arg::sync` (see `Data`); a `ViewRef`
// may be carried between threads (see there).
unsafe impl Send for Sink {}

impl Sink {
    /// Where the kernel writes.
    pub(crate) fn io_slice_mut(&mut self) -> IoSliceMut<'_> {
        match self {
            // SAFETY: made by `Arg::sync`: the memory is alive for the
            // synchronous call, which the slice cannot outlive.
            Sink::InPlace(view) => unsafe { view.io_slice_mut() },
            Sink::Buffered(buffer, _) => IoSliceMut::new(buffer),
        }
    }

    fn len(&self) -> usize {
        match self {
            Sink::InPlace(view) => view.len,
            Sink::Buffered(buffer, _) => buffer.len(),
        }
    }

    /// Copies the first `n` bytes of its buffer into the view.
    fn deliver(&mut self, n: usize) -> napi::Result<()> {
        match self {
            Sink::InPlace(_) => Ok(()),
            Sink::Buffered(buffer, view) => view.write(&buffer[..n.min(buffer.len())]),
        }
    }
}

impl Arg for Sink {
    fn ts() -> Cow<'static, str> {
        "ArrayBufferView".into()
    }

    unsafe fn sync(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        // SAFETY: per `Arg::sync`'s contract.
        unsafe { raw_view(env, value, Element::Bytes) }.map(Sink::InPlace)
    }

    unsafe fn held(env: sys::napi_env, value: sys::napi_value, _: &Hold) -> napi::Result<Self> {
        // SAFETY: per `Arg::held`'s contract.
        let view = unsafe { raw_view(env, value, Element::Bytes) }?;
        // SAFETY: as above.
        let reference = unsafe { ViewRef::new(env, value, Element::Bytes) }?;
        Ok(Sink::Buffered(vec![0; view.len], reference))
    }

    fn settle(&mut self, _env: sys::napi_env, written: Option<usize>) -> napi::Result<()> {
        self.deliver(written.unwrap_or(0))
    }
}

/// Several views a call writes into in turn (`readv`).
pub(crate) struct Sinks(Vec<Sink>);

impl Sinks {
    /// The views as the vectored calls take them.
    pub(crate) fn io_slices_mut(&mut self) -> Vec<IoSliceMut<'_>> {
        self.0.iter_mut().map(Sink::io_slice_mut).collect()
    }
}

impl Arg for Sinks {
    fn ts() -> Cow<'static, str> {
        "ArrayBufferView[]".into()
    }

    unsafe fn sync(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        // SAFETY: per `Arg::sync`'s contract, for each element too.
        unsafe { elements(env, value, "views", |view| Sink::sync(env, view)) }.map(Sinks)
    }

    unsafe fn held(env: sys::napi_env, value: sys::napi_value, hold: &Hold) -> napi::Result<Self> {
        // SAFETY: per `Arg::held`'s contract, for each element too.
        unsafe { elements(env, value, "views", |view| Sink::held(env, view, hold)) }.map(Sinks)
    }

    fn settle(&mut self, _env: sys::napi_env, written: Option<usize>) -> napi::Result<()> {
        // The kernel fills the views in turn: so are the bytes delivered.
        let mut left = written.unwrap_or(0);
        for sink in &mut self.0 {
            let n = left.min(sink.len());
            sink.deliver(n)?;
            left -= n;
        }
        Ok(())
    }
}

/// Views a call writes into each on its own (a batch of reads): the bytes
/// each read delivered into it alone as the call settles.
pub(crate) struct SinkEach {
    sinks: Vec<Sink>,
    /// How many bytes landed in each, once the call has run.
    filled: Vec<usize>,
}

impl SinkEach {
    /// Where the kernel writes, one slice a view.
    pub(crate) fn io_slices_mut(&mut self) -> Vec<IoSliceMut<'_>> {
        self.sinks.iter_mut().map(Sink::io_slice_mut).collect()
    }

    /// How many views there are.
    pub(crate) fn len(&self) -> usize {
        self.sinks.len()
    }

    /// Records how many bytes landed in each view (0 for a read that failed).
    pub(crate) fn set_filled(&mut self, filled: Vec<usize>) {
        self.filled = filled;
    }
}

impl Arg for SinkEach {
    fn ts() -> Cow<'static, str> {
        "ArrayBufferView[]".into()
    }

    unsafe fn sync(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        // SAFETY: per `Arg::sync`'s contract, for each element too.
        let sinks = unsafe { elements(env, value, "views", |view| Sink::sync(env, view)) }?;
        Ok(Self {
            sinks,
            filled: Vec::new(),
        })
    }

    unsafe fn held(env: sys::napi_env, value: sys::napi_value, hold: &Hold) -> napi::Result<Self> {
        // SAFETY: per `Arg::held`'s contract, for each element too.
        let sinks = unsafe { elements(env, value, "views", |view| Sink::held(env, view, hold)) }?;
        Ok(Self {
            sinks,
            filled: Vec::new(),
        })
    }

    fn settle(&mut self, _env: sys::napi_env, _written: Option<usize>) -> napi::Result<()> {
        for (sink, &n) in self.sinks.iter_mut().zip(&self.filled) {
            sink.deliver(n)?;
        }
        Ok(())
    }
}

/// How many elements a filled typed array may have and still be filled in
/// place on the stack (a `statx` layout has fewer), without allocating.
const INLINE_ELEMENTS: usize = 64;

/// The elements a call fills: inline when few (every array sysix itself
/// passes), on the heap otherwise.
enum Values<T> {
    /// The first `len` of `values`.
    Inline {
        len: usize,
        values: [T; INLINE_ELEMENTS],
    },
    /// More than fit inline.
    Heap(Vec<T>),
}

impl<T: Copy + Default> Values<T> {
    fn zeroed(len: usize) -> Self {
        if len <= INLINE_ELEMENTS {
            Values::Inline {
                len,
                values: [T::default(); INLINE_ELEMENTS],
            }
        } else {
            Values::Heap(vec![T::default(); len])
        }
    }

    fn as_mut(&mut self) -> &mut [T] {
        match self {
            Values::Inline { len, values } => &mut values[..*len],
            Values::Heap(values) => values,
        }
    }

    fn as_slice(&self) -> &[T] {
        match self {
            Values::Inline { len, values } => &values[..*len],
            Values::Heap(values) => values,
        }
    }
}

/// Declares a typed array a call fills, element by element.
macro_rules! out_array {
    ($(#[$doc:meta])* $name:ident, $elem:ty, $element:expr, $ts:literal) => {
        $(#[$doc])*
        pub(crate) struct $name {
            /// What the call fills, as many elements as the array has.
            values: Values<$elem>,
            /// Where it goes: the view's memory for a synchronous call, or a
            /// reference to the view for one on another thread.
            dest: Dest,
        }

        impl $name {
            /// The elements to fill, as many as the array had.
            pub(crate) fn as_mut(&mut self) -> &mut [$elem] {
                self.values.as_mut()
            }
        }

        impl Arg for $name {
            fn ts() -> Cow<'static, str> {
                concat!($ts, " | undefined").into()
            }

            unsafe fn sync(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
                let view = if super::value_type(env, value)? == napi::ValueType::Undefined {
                    // SAFETY: per `Arg::sync`'s contract.
                    let scratch = unsafe { crate::env::scratch(env)? };
                    // As many elements as fit inline (an Int32Array view of
                    // the memory has more), so that nothing is allocated.
                    scratch.first(INLINE_ELEMENTS * std::mem::size_of::<$elem>())
                } else {
                    // SAFETY: per `Arg::sync`'s contract.
                    unsafe { raw_view(env, value, $element) }?
                };
                Ok(Self { values: Values::zeroed(view.len / std::mem::size_of::<$elem>()), dest: Dest::Now(view) })
            }

            unsafe fn held(env: sys::napi_env, value: sys::napi_value, _: &Hold) -> napi::Result<Self> {
                // SAFETY: per `Arg::held`'s contract.
                let view = unsafe { raw_view(env, value, $element) }?;
                // SAFETY: as above.
                let reference = unsafe { ViewRef::new(env, value, $element) }?;
                Ok(Self { values: Values::zeroed(view.len / std::mem::size_of::<$elem>()), dest: Dest::Later(reference) })
            }

            fn settle(&mut self, _env: sys::napi_env, _written: Option<usize>) -> napi::Result<()> {
                let values = self.values.as_slice();
                // SAFETY: the elements are integers, whose every byte is an
                // initialised `u8` (no padding); `u8` needs no alignment.
                let bytes = unsafe { std::slice::from_raw_parts(values.as_ptr().cast::<u8>(), std::mem::size_of_val(values)) };
                self.dest.write(bytes)
            }
        }
    };
}

/// Where a filled typed array's elements go.
enum Dest {
    /// The array's memory, for the length of a synchronous call.
    Now(RawView),
    /// The array, found again as the call settles.
    Later(ViewRef),
}

// SAFETY: `Now` is made only by `Arg::sync` (see `Data`); a `ViewRef` may be
// carried between threads (see there).
unsafe impl Send for Dest {}

impl Dest {
    fn write(&self, bytes: &[u8]) -> napi::Result<()> {
        match self {
            Dest::Now(view) => {
                // SAFETY: made by `Arg::sync`, settled in the same synchronous call.
                unsafe { view.write(bytes) };
                Ok(())
            }
            Dest::Later(view) => view.write(bytes),
        }
    }
}

out_array! {
    /// A `BigInt64Array` a call fills (a `statx` layout).
    I64Out, i64, Element::I64, "BigInt64Array"
}

out_array! {
    /// A `BigUint64Array` a call fills (a device and inode number).
    U64Out, u64, Element::U64, "BigUint64Array"
}

/// The bytes of a `Uint8Array` (a `Buffer`), copied; `None` for any other value.
///
/// # Safety
///
/// `env` and `value` come from the current Node-API callback.
pub(super) unsafe fn uint8_array_bytes(
    env: sys::napi_env,
    value: sys::napi_value,
) -> napi::Result<Option<Vec<u8>>> {
    let mut is_typed = false;
    // SAFETY: per this function's contract.
    check_status!(unsafe { sys::napi_is_typedarray(env, value, &mut is_typed) })?;
    if !is_typed {
        return Ok(None);
    }
    let mut kind = 0;
    // SAFETY: `value` is a typed array; the outputs other than its kind may be null.
    check_status!(unsafe {
        sys::napi_get_typedarray_info(
            env,
            value,
            &mut kind,
            ptr::null_mut(),
            ptr::null_mut(),
            ptr::null_mut(),
            ptr::null_mut(),
        )
    })?;
    if kind != sys::TypedarrayType::uint8_array {
        return Ok(None);
    }
    // SAFETY: per this function's contract; the copy is made now.
    Ok(Some(unsafe {
        raw_view(env, value, Element::Bytes)?.copy()
    }))
}

out_array! {
    /// An `Int32Array` a call fills (descriptor numbers).
    I32Out, i32, Element::I32, "Int32Array"
}
