//! Waits of unbounded length (a lock held elsewhere, events that may never
//! come) on threads of their own, which can be called off.
//!
//! Such a wait must not sit on the libuv threadpool: its four threads serve
//! every `fs` call of the program, and four waiting locks would stop them all
//! (fs-ext's `flock` deadlock). Each wait here gets a thread that blocks in
//! the kernel, where a released lock wakes it at once. Calling a wait off
//! ([`Waiter::cancel`]) interrupts that blocking call with a real-time signal
//! whose handler does nothing, so the call fails with `EINTR` and the wait
//! gives up. sysix installs that handler only if the signal is unclaimed
//! (its disposition is the default); otherwise waits poll instead, with a
//! backoff of 1 to 16 ms.
//!
//! Every wait belongs to an [`Owner`], whose [`cancel_all`] calls off what it
//! still waits for when its JavaScript environment goes away.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;
use std::time::Duration;

use rustix::io::Errno;

use crate::fd::registry::Owner;

/// What a wait's job is told: whether it has been called off.
#[derive(Debug)]
pub struct Cancel {
    cancelled: AtomicBool,
    finished: AtomicBool,
    /// The wait thread, as std names it (an integer on every C library:
    /// musl's `pthread_t` is a pointer, which is neither `Send` nor `Sync`).
    thread: OnceLock<std::os::unix::thread::RawPthread>,
}

/// Why a wait ended without its result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Interrupted<E> {
    /// It was called off.
    Cancelled,
    /// The call failed.
    Failed(E),
}

impl Interrupted<Errno> {
    /// The same, with a failure named after the system call that failed.
    pub fn named(self, syscall: &'static str) -> Interrupted<crate::Error> {
        match self {
            Interrupted::Cancelled => Interrupted::Cancelled,
            Interrupted::Failed(errno) => Interrupted::Failed(crate::Error::new(errno, syscall)),
        }
    }
}

/// The result of a wait: its value, or why it ended without one.
pub type Waited<T> = std::result::Result<T, Interrupted<crate::Error>>;

/// What sysix interrupts waits with, once known: a signal, or none (poll).
static SIGNAL: OnceLock<Option<i32>> = OnceLock::new();

extern "C" fn interrupted(_: libc::c_int) {
    // Nothing: its arrival interrupts the blocked call, which is the point.
}

/// The real-time signal waits are interrupted with, installing its handler
/// the first time, or `None` when another part of the process claims it.
fn signal() -> Option<i32> {
    *SIGNAL.get_or_init(|| {
        // SIGRTMIN and the next two are used by glibc and NPTL in some
        // versions; JavaScriptCore and V8 use none of the real-time ones.
        let signal = libc::SIGRTMIN() + 5;
        if signal > libc::SIGRTMAX() {
            return None;
        }
        // SAFETY: a zeroed sigaction is a valid value (SIG_DFL, no flags,
        // empty mask); `old` receives the current disposition.
        let mut old: libc::sigaction = unsafe { std::mem::zeroed() };
        // SAFETY: `signal` is a valid signal number; a null `act` only reads.
        if unsafe { libc::sigaction(signal, std::ptr::null(), &mut old) } != 0
            || old.sa_sigaction != libc::SIG_DFL
        {
            return None;
        }
        // SAFETY: as above.
        let mut action: libc::sigaction = unsafe { std::mem::zeroed() };
        action.sa_sigaction = interrupted as *const () as usize;
        // No SA_RESTART: the blocked call must return EINTR.
        action.sa_flags = 0;
        // SAFETY: `action` is fully initialised and its handler is async-signal-safe.
        (unsafe { libc::sigaction(signal, &action, std::ptr::null_mut()) } == 0).then_some(signal)
    })
}

/// How a job waits: by blocking in the kernel (interrupted by a signal), or
/// by polling a non-blocking attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Block in the call; [`Waiter::cancel`] interrupts it.
    Block,
    /// Retry the call without blocking until it succeeds or is called off.
    Poll,
}

impl Cancel {
    /// Whether the wait has been called off.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Acquire)
    }

    /// How this job should wait.
    pub fn mode(&self) -> Mode {
        if signal().is_some() {
            Mode::Block
        } else {
            Mode::Poll
        }
    }

    /// Runs `attempt` until it succeeds or fails with anything but `EINTR`
    /// (or `EAGAIN`/`EWOULDBLOCK` in [`Mode::Poll`], where each attempt
    /// does not block), giving up as soon as the wait is called off.
    /// `attempt` gets the mode: block, or try once.
    pub fn retry<T>(
        &self,
        mut attempt: impl FnMut(Mode) -> Result<T, Errno>,
    ) -> Result<T, Interrupted<Errno>> {
        let mode = self.mode();
        let mut pause = Duration::from_millis(1);
        loop {
            if self.is_cancelled() {
                return Err(Interrupted::Cancelled);
            }
            match attempt(mode) {
                Ok(value) => return Ok(value),
                Err(Errno::INTR) => continue,
                Err(Errno::AGAIN) if mode == Mode::Poll => {
                    thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(16));
                }
                Err(errno) => return Err(Interrupted::Failed(errno)),
            }
        }
    }
}

/// A wait in progress, which [`Waiter::cancel`] calls off.
#[derive(Debug, Clone)]
pub struct Waiter(Arc<Cancel>);

/// The waits in progress, by owner, for [`cancel_all`].
static WAITS: Mutex<Option<HashMap<Owner, Vec<Waiter>>>> = Mutex::new(None);

fn with_waits<T>(f: impl FnOnce(&mut HashMap<Owner, Vec<Waiter>>) -> T) -> T {
    let mut waits = WAITS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    f(waits.get_or_insert_with(HashMap::new))
}

impl Waiter {
    /// Runs `job` on a thread of its own, then `done` with its result (on
    /// that thread). The wait belongs to `owner`.
    pub fn spawn<T: Send + 'static>(
        owner: Owner,
        job: impl FnOnce(&Cancel) -> T + Send + 'static,
        done: impl FnOnce(T) + Send + 'static,
    ) -> std::io::Result<Waiter> {
        let cancel = Arc::new(Cancel {
            cancelled: AtomicBool::new(false),
            finished: AtomicBool::new(false),
            thread: OnceLock::new(),
        });
        let waiter = Waiter(cancel.clone());
        // Installed now, before the thread blocks, so that no interrupt can
        // arrive before the handler.
        signal();
        let registered = waiter.clone();
        with_waits(|waits| waits.entry(owner).or_default().push(registered));
        let handle = thread::Builder::new()
            .name("sysix-wait".into())
            .spawn(move || {
                if let Some(signal) = signal() {
                    unblock(signal);
                }
                let result = job(&cancel);
                cancel.finished.store(true, Ordering::Release);
                with_waits(|waits| {
                    if let Some(list) = waits.get_mut(&owner) {
                        list.retain(|w| !Arc::ptr_eq(&w.0, &cancel));
                    }
                });
                done(result);
            });
        match handle {
            Ok(handle) => {
                use std::os::unix::thread::JoinHandleExt;
                let _ = waiter.0.thread.set(handle.as_pthread_t());
                Ok(waiter)
            }
            Err(error) => {
                with_waits(|waits| {
                    if let Some(list) = waits.get_mut(&owner) {
                        list.retain(|w| !Arc::ptr_eq(&w.0, &waiter.0));
                    }
                });
                Err(error)
            }
        }
    }

    /// Calls the wait off: its job sees [`Cancel::is_cancelled`], and a
    /// blocked call is interrupted. Returns at once; the job ends soon after.
    pub fn cancel(&self) {
        let cancel = self.0.clone();
        if cancel.cancelled.swap(true, Ordering::AcqRel) {
            return;
        }
        let (Some(signal), Some(&thread)) = (signal(), cancel.thread.get()) else {
            return; // polling: the job sees the flag within 16 ms
        };
        // The job may be just about to block: interrupt until it has ended.
        // Done from a thread of its own so that the caller never waits. If
        // no thread can be made, the job still ends at its next check.
        let _ = thread::Builder::new()
            .name("sysix-cancel".into())
            .spawn(move || {
                while !cancel.finished.load(Ordering::Acquire) {
                    // SAFETY: `thread` is the live wait thread (it has not
                    // finished, so it has not exited), and `signal` has a
                    // handler that does nothing.
                    unsafe { libc::pthread_kill(thread as usize as libc::pthread_t, signal) };
                    thread::sleep(Duration::from_millis(2));
                }
            });
    }
}

/// Calls off every wait `owner` still has in progress.
pub fn cancel_all(owner: Owner) {
    for waiter in with_waits(|waits| waits.remove(&owner).unwrap_or_default()) {
        waiter.cancel();
    }
}

/// Lets `signal` reach the calling thread, whatever mask it inherited.
fn unblock(signal: i32) {
    // SAFETY: a zeroed sigset_t is a valid set for sigemptyset to initialise.
    let mut set: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: `set` is a valid sigset_t and `signal` a valid signal number;
    // pthread_sigmask accepts a null old set.
    unsafe {
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, signal);
        libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Instant;

    #[test]
    fn a_blocked_read_is_called_off() {
        let (reader, _writer) = crate::pipe::pipe(rustix::pipe::PipeFlags::empty()).unwrap();
        let (sender, receiver) = mpsc::channel();
        let waiter = Waiter::spawn(
            Owner::new(),
            move |cancel| {
                cancel.retry(|mode| {
                    if mode == Mode::Poll {
                        rustix::fs::fcntl_setfl(&reader, rustix::fs::OFlags::NONBLOCK)?;
                    }
                    rustix::io::read(&reader, &mut [0u8; 1])
                })
            },
            move |result| sender.send(result).unwrap(),
        )
        .unwrap();
        thread::sleep(Duration::from_millis(50));
        let started = Instant::now();
        waiter.cancel();
        let result = receiver.recv_timeout(Duration::from_secs(5)).unwrap();
        assert_eq!(result, Err(Interrupted::Cancelled));
        assert!(started.elapsed() < Duration::from_secs(1));
    }

    #[test]
    fn cancel_all_calls_off_an_owners_waits_only() {
        let (gone, staying) = (Owner::new(), Owner::new());
        let (sender, receiver) = mpsc::channel();
        let pipes: Vec<_> = (0..2)
            .map(|_| crate::pipe::pipe(rustix::pipe::PipeFlags::NONBLOCK).unwrap())
            .collect();
        let mut waiters = Vec::new();
        for (index, (owner, (reader, _))) in [gone, staying].into_iter().zip(&pipes).enumerate() {
            let reader = crate::fd::dup(std::os::fd::AsFd::as_fd(reader)).unwrap();
            let sender = sender.clone();
            waiters.push(
                Waiter::spawn(
                    owner,
                    move |cancel| {
                        cancel.retry(|_| {
                            // Polls in both modes: the pipe is non-blocking.
                            let got = rustix::io::read(&reader, &mut [0u8; 1]);
                            if got == Err(Errno::AGAIN) {
                                thread::sleep(Duration::from_millis(1));
                                return Err(Errno::INTR);
                            }
                            got
                        })
                    },
                    move |result| sender.send((index, result)).unwrap(),
                )
                .unwrap(),
            );
        }
        cancel_all(gone);
        let (index, result) = receiver.recv_timeout(Duration::from_secs(5)).unwrap();
        assert_eq!((index, result), (0, Err(Interrupted::Cancelled)));
        assert!(receiver.recv_timeout(Duration::from_millis(100)).is_err());
        waiters[1].cancel();
        assert_eq!(receiver.recv_timeout(Duration::from_secs(5)).unwrap().0, 1);
    }
}
