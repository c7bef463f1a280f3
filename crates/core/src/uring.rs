//! A small io_uring of our own, on rustix's raw `io_uring` calls: a ring a
//! batch ([`crate::fs::batch`]), its entries submitted and reaped to the
//! last before [`Ring::run`] returns, closed with the batch.
//!
//! No crate here wraps io_uring for every target sysix builds for (the
//! `io-uring` crate has layouts for five architectures, not armv7 or
//! mips64el); rustix's `io_uring` module has the kernel's layouts for all of
//! them, so the ring is the few things liburing's `io_uring_queue_init`,
//! `io_uring_get_sqe` and `io_uring_wait_cqe` do, and no more.
//!
//! # References
//!  - [Linux `io_uring_setup(2)`](https://man7.org/linux/man-pages/man2/io_uring_setup.2.html)
//!  - [Linux `io_uring_enter(2)`](https://man7.org/linux/man-pages/man2/io_uring_enter.2.html)

use std::ffi::c_void;
use std::os::fd::OwnedFd;
use std::ptr::{self, NonNull};
use std::sync::atomic::{AtomicU32, Ordering};

use rustix::io::Errno;
use rustix::io_uring::{
    io_uring_cqe, io_uring_enter, io_uring_params, io_uring_setup, io_uring_sqe, IoringEnterFlags,
    IoringFeatureFlags, IoringSetupFlags, IORING_OFF_CQ_RING, IORING_OFF_SQES, IORING_OFF_SQ_RING,
};
use rustix::mm::{mmap, munmap, MapFlags, ProtFlags};

/// Submission queue entries a ring has: how many entries of a batch are in
/// the kernel's hands at once. The completion queue is twice as long (the
/// kernel's default), so it never overflows.
const ENTRIES: u32 = 256;

/// The most kernel worker threads (io-wq) a ring may start for entries
/// that can block (every `statx` is one), bounded and unbounded: without a
/// cap the kernel may start one an entry in flight, each a task counted
/// against `pids.max` and `RLIMIT_NPROC`.
const MAX_WORKERS: [u32; 2] = [8, 8];

/// How many times in a row `io_uring_enter` may say `EAGAIN`/`EBUSY` with
/// nothing in flight to wait for before the batch gives up on the ring.
const MAX_RETRIES: u32 = 64;

/// One mapping of the ring's memory, unmapped when dropped.
struct Mapping {
    base: NonNull<c_void>,
    len: usize,
}

impl Mapping {
    /// Maps `len` bytes of the ring `fd` at the kernel's `offset`.
    fn new(fd: &OwnedFd, len: usize, offset: u64) -> Result<Self, Errno> {
        // SAFETY: a fresh shared mapping of the ring's memory, at an address
        // the kernel picks: nothing else is mapped over.
        let base = unsafe {
            mmap(
                ptr::null_mut(),
                len,
                ProtFlags::READ | ProtFlags::WRITE,
                MapFlags::SHARED,
                fd,
                offset,
            )
        }?;
        NonNull::new(base)
            .map(|base| Self { base, len })
            .ok_or(Errno::NOMEM)
    }

    /// The address `offset` bytes in, as a `T`.
    fn at<T>(&self, offset: u32) -> *mut T {
        // SAFETY: the kernel's offsets (`io_uring_params`) lie within the
        // mapping it sized, and are aligned for the fields they locate.
        unsafe { self.base.as_ptr().cast::<u8>().add(offset as usize).cast() }
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: the mapping made in `new`, used by nobody once dropped
        // (the ring, its one user, is being dropped).
        let _ = unsafe { munmap(self.base.as_ptr(), self.len) };
    }
}

/// A queue's head and tail and its mask, in the ring's shared memory.
struct Queue {
    head: *const AtomicU32,
    tail: *const AtomicU32,
    mask: u32,
}

impl Queue {
    fn head(&self) -> &AtomicU32 {
        // SAFETY: a field of the mapped ring, alive as long as the ring,
        // shared with the kernel through atomic accesses only.
        unsafe { &*self.head }
    }

    fn tail(&self) -> &AtomicU32 {
        // SAFETY: as `head`.
        unsafe { &*self.tail }
    }
}

/// An io_uring instance: its descriptor, its two queues and its entries.
pub(crate) struct Ring {
    // Declared before the mappings, so closed first (harmless either way:
    // the kernel keeps the memory until both are gone).
    fd: OwnedFd,
    sq: Queue,
    cq: Queue,
    sqes: *mut io_uring_sqe,
    cqes: *const io_uring_cqe,
    /// Entries of the submission queue.
    entries: u32,
    _rings: Vec<Mapping>,
}

/// The entry that an operation of a batch becomes, and where its result goes.
pub(crate) trait Entry {
    /// The submission queue entry, its `user_data` left for the ring to set.
    fn sqe(&mut self) -> io_uring_sqe;
    /// The operation's result: a count, or the error the kernel returned.
    fn complete(&mut self, result: Result<u32, Errno>);
}

impl Ring {
    /// A new ring, or the error that says io_uring is not to be had here:
    /// `ENOSYS` (an old kernel, a seccomp filter), `EPERM`
    /// (`kernel.io_uring_disabled`, a seccomp filter), `ENOMEM`, ...
    pub(crate) fn new() -> Result<Self, Errno> {
        // Completions are reaped by the thread that submits, when it waits:
        // the kernel need not interrupt it (6.1 and later; older kernels
        // refuse the flags, and get a plain ring).
        let fast = IoringSetupFlags::CLAMP
            | IoringSetupFlags::SINGLE_ISSUER
            | IoringSetupFlags::DEFER_TASKRUN;
        match Self::with_flags(fast) {
            Err(Errno::INVAL) => Self::with_flags(IoringSetupFlags::CLAMP),
            other => other,
        }
    }

    fn with_flags(flags: IoringSetupFlags) -> Result<Self, Errno> {
        let mut params = io_uring_params::default();
        params.flags = flags;
        // SAFETY: `params` is a valid, zeroed `io_uring_params` but for
        // `flags`, which ask for nothing that needs more of it.
        let fd = unsafe { io_uring_setup(ENTRIES, &mut params) }?;
        let sq_len = params.sq_off.array as usize + params.sq_entries as usize * 4;
        let cq_len = params.cq_off.cqes as usize
            + params.cq_entries as usize * std::mem::size_of::<io_uring_cqe>();
        let single = params.features.contains(IoringFeatureFlags::SINGLE_MMAP);
        let mut rings = Vec::with_capacity(3);
        let sq_ring = Mapping::new(
            &fd,
            if single { sq_len.max(cq_len) } else { sq_len },
            IORING_OFF_SQ_RING,
        )?;
        let cq_ring = if single {
            None
        } else {
            Some(Mapping::new(&fd, cq_len, IORING_OFF_CQ_RING)?)
        };
        let sqe_map = Mapping::new(
            &fd,
            params.sq_entries as usize * std::mem::size_of::<io_uring_sqe>(),
            IORING_OFF_SQES,
        )?;
        let cq_map = cq_ring.as_ref().unwrap_or(&sq_ring);
        let sq = Queue {
            head: sq_ring.at(params.sq_off.head),
            tail: sq_ring.at(params.sq_off.tail),
            // SAFETY: the ring's mask, written by the kernel at setup.
            mask: unsafe { *sq_ring.at::<u32>(params.sq_off.ring_mask) },
        };
        let cq = Queue {
            head: cq_map.at(params.cq_off.head),
            tail: cq_map.at(params.cq_off.tail),
            // SAFETY: as above.
            mask: unsafe { *cq_map.at::<u32>(params.cq_off.ring_mask) },
        };
        let cqes = cq_map.at(params.cq_off.cqes);
        // The submission queue's indirection: entry i at slot i, for good.
        let array = sq_ring.at::<u32>(params.sq_off.array);
        for i in 0..params.sq_entries {
            // SAFETY: the array has `sq_entries` slots, ours to write.
            unsafe { array.add(i as usize).write(i) };
        }
        let sqes = sqe_map.at(0);
        let mut workers = MAX_WORKERS;
        // SAFETY: the ring's own descriptor; the argument is two u32s, which
        // the kernel reads and overwrites with the previous limits. Kernels
        // before 5.15 refuse it, and keep their own limits.
        let _ = unsafe {
            rustix::io_uring::io_uring_register(
                &fd,
                rustix::io_uring::IoringRegisterOp::RegisterIowqMaxWorkers,
                workers.as_mut_ptr().cast(),
                2,
            )
        };
        rings.push(sq_ring);
        rings.extend(cq_ring);
        rings.push(sqe_map);
        Ok(Self {
            fd,
            sq,
            cq,
            sqes,
            cqes,
            entries: params.sq_entries,
            _rings: rings,
        })
    }

    /// Runs every entry and records each result, returning once the last
    /// has completed.
    ///
    /// On an error of `io_uring_enter` it stops submitting, waits for what
    /// the kernel already holds, and returns the error: entries without a
    /// result were never run, and the ring is not to be used again.
    ///
    /// # Safety
    ///
    /// The memory each entry's `sqe` points the kernel at stays valid until
    /// this returns.
    pub(crate) unsafe fn run(&mut self, entries: &mut [&mut dyn Entry]) -> Result<(), Errno> {
        let mut next = 0;
        let mut in_flight = 0u32;
        let mut unsubmitted = 0u32;
        let mut retries = 0;
        while next < entries.len() || in_flight > 0 {
            // Fill the free slots: at most `entries` are in flight, so the
            // queue (and the completion queue, twice as long) has room.
            let mut tail = self.sq.tail().load(Ordering::Relaxed);
            while next < entries.len() && in_flight < self.entries {
                let mut sqe = entries[next].sqe();
                sqe.user_data = rustix::io_uring::io_uring_user_data::from_u64(next as u64);
                // SAFETY: slot `tail & mask` is free: the kernel has consumed
                // every entry before the `in_flight` we count.
                unsafe { self.sqes.add((tail & self.sq.mask) as usize).write(sqe) };
                tail = tail.wrapping_add(1);
                next += 1;
                in_flight += 1;
                unsubmitted += 1;
            }
            self.sq.tail().store(tail, Ordering::Release);
            let wait = u32::from(unsubmitted == 0);
            // SAFETY: the ring's own descriptor; the entries' memory is valid
            // per this function's contract.
            match unsafe {
                io_uring_enter(&self.fd, unsubmitted, wait, IoringEnterFlags::GETEVENTS)
            } {
                Ok(submitted) => {
                    unsubmitted -= submitted.min(unsubmitted);
                    retries = 0;
                }
                // A signal: go on.
                Err(Errno::INTR) => {}
                // The kernel short of memory for requests: wait for one in
                // flight to finish, or, with none, retry a few times only.
                Err(errno @ (Errno::AGAIN | Errno::BUSY)) => {
                    if in_flight > unsubmitted {
                        // SAFETY: as above; submits nothing.
                        let _ =
                            unsafe { io_uring_enter(&self.fd, 0, 1, IoringEnterFlags::GETEVENTS) };
                    } else {
                        retries += 1;
                        if retries > MAX_RETRIES {
                            self.drain(entries, 0);
                            return Err(errno);
                        }
                        std::thread::yield_now();
                    }
                }
                Err(errno) => {
                    // What was never submitted stays unsubmitted (the ring
                    // is dropped); what was must finish before its memory
                    // can be given back.
                    in_flight -= self.reap(entries);
                    self.drain(entries, in_flight - unsubmitted);
                    return Err(errno);
                }
            }
            in_flight -= self.reap(entries);
        }
        Ok(())
    }

    /// Waits for the `left` entries the kernel still holds. If the kernel
    /// will not even report completions (an error other than a signal or a
    /// shortage), it may still write into their memory at any time: the
    /// process is aborted, as nothing else is safe.
    fn drain(&mut self, entries: &mut [&mut dyn Entry], mut left: u32) {
        while left > 0 {
            // SAFETY: the ring's own descriptor; submits nothing.
            match unsafe { io_uring_enter(&self.fd, 0, 1, IoringEnterFlags::GETEVENTS) } {
                Ok(_) | Err(Errno::INTR | Errno::AGAIN | Errno::BUSY) => {}
                Err(errno) => {
                    eprintln!("sysix: io_uring_enter failed ({errno}) with requests in flight: aborting, as their memory cannot be given back");
                    std::process::abort();
                }
            }
            left -= self.reap(entries).min(left);
        }
    }

    /// Hands each completion to its entry; returns how many there were.
    fn reap(&mut self, entries: &mut [&mut dyn Entry]) -> u32 {
        let mut head = self.cq.head().load(Ordering::Relaxed);
        let tail = self.cq.tail().load(Ordering::Acquire);
        let mut reaped = 0;
        while head != tail {
            // SAFETY: the kernel published entries up to `tail` (acquire);
            // slot `head & mask` is one of them.
            let cqe = unsafe { &*self.cqes.add((head & self.cq.mask) as usize) };
            let index = cqe.user_data.u64_() as usize;
            let result = u32::try_from(cqe.res).map_err(|_| Errno::from_raw_os_error(-cqe.res));
            if let Some(entry) = entries.get_mut(index) {
                entry.complete(result);
            }
            head = head.wrapping_add(1);
            reaped += 1;
        }
        self.cq.head().store(head, Ordering::Release);
        reaped
    }
}
