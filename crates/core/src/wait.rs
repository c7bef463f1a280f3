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
//! A wait ends three ways besides its result: called off by its caller
//! ([`Interrupted::Cancelled`]), or because the descriptor it waits on was
//! closed ([`Interrupted::Closed`]: a wait leases its descriptor with the
//! [`Interrupt`] of its [`Cancel`], see [`crate::fd::registry`]), or because
//! its JavaScript environment went away ([`cancel_all`]).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::thread;
use std::time::Duration;

use rustix::io::Errno;

use crate::fd::registry::{Interrupt, Owner};

/// Why a wait was called off, as [`Cancel`] keeps it.
const RUNNING: u8 = 0;
const CANCELLED: u8 = 1;
const CLOSED: u8 = 2;

/// What a wait's job is told: whether it has been called off.
#[derive(Debug)]
pub struct Cancel {
    /// [`RUNNING`], or why it was called off.
    reason: AtomicU8,
    /// The wait thread, once it runs, and whether it has finished: a signal
    /// is sent only with this held and the thread not finished, and the
    /// thread marks itself finished with it held before it goes on to exit,
    /// so that no signal can reach a thread that has exited (whose id the
    /// C library may have given to another thread).
    thread: Mutex<Thread>,
}

#[derive(Debug, Default)]
struct Thread {
    /// `pthread_self()` of the wait thread, as an integer (musl's
    /// `pthread_t` is a pointer, which is not `Send`).
    id: Option<usize>,
    finished: bool,
}

/// Why a wait ended without its result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Interrupted<E> {
    /// It was called off.
    Cancelled,
    /// The descriptor it waited on was closed.
    Closed,
    /// The call failed.
    Failed(E),
}

impl Interrupted<Errno> {
    /// The same, with a failure named after the system call that failed; a
    /// wait ended by the close of its descriptor fails with `EBADF`, saying so.
    pub fn named(self, syscall: &'static str) -> Interrupted<crate::Error> {
        match self {
            Interrupted::Cancelled => Interrupted::Cancelled,
            Interrupted::Closed => Interrupted::Failed(closed(syscall)),
            Interrupted::Failed(errno) => Interrupted::Failed(crate::Error::new(errno, syscall)),
        }
    }
}

impl<E> Interrupted<E> {
    /// The same interruption, a failure's error changed by `f`.
    pub fn map<F>(self, f: impl FnOnce(E) -> F) -> Interrupted<F> {
        match self {
            Interrupted::Cancelled => Interrupted::Cancelled,
            Interrupted::Closed => Interrupted::Closed,
            Interrupted::Failed(error) => Interrupted::Failed(f(error)),
        }
    }
}

/// What a wait ended by the close of its descriptor fails with.
pub fn closed(syscall: &'static str) -> crate::Error {
    crate::Error::new(Errno::BADF, syscall)
        .because("the descriptor was closed while this call waited on it")
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
    fn new() -> Self {
        Self {
            reason: AtomicU8::new(RUNNING),
            thread: Mutex::new(Thread::default()),
        }
    }

    fn thread(&self) -> MutexGuard<'_, Thread> {
        self.thread
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Why the wait was called off, if it was.
    pub fn interrupted(&self) -> Option<Interrupted<crate::Error>> {
        match self.reason.load(Ordering::Acquire) {
            CANCELLED => Some(Interrupted::Cancelled),
            CLOSED => Some(Interrupted::Closed),
            _ => None,
        }
    }

    /// Whether the wait has been called off.
    pub fn is_cancelled(&self) -> bool {
        self.reason.load(Ordering::Acquire) != RUNNING
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
            match self.reason.load(Ordering::Acquire) {
                CANCELLED => return Err(Interrupted::Cancelled),
                CLOSED => return Err(Interrupted::Closed),
                _ => {}
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

    /// Calls the wait off for `reason` (the first reason stays), interrupting
    /// a blocked call until the job has ended. Returns at once.
    fn call_off(self: &Arc<Self>, reason: u8) {
        if self
            .reason
            .compare_exchange(RUNNING, reason, Ordering::AcqRel, Ordering::Acquire)
            .is_err()
        {
            return;
        }
        let Some(signal) = signal() else {
            return; // polling: the job sees the reason within 16 ms
        };
        // The job may be just about to block: interrupt it until it has
        // ended. From a thread of its own, so that the caller never waits;
        // if none can be made, a job that polls still ends at its next look.
        let cancel = self.clone();
        let _ = thread::Builder::new()
            .name("sysix-cancel".into())
            .spawn(move || loop {
                {
                    let thread = cancel.thread();
                    if thread.finished {
                        return;
                    }
                    if let Some(id) = thread.id {
                        // SAFETY: `id` is the wait thread's `pthread_self()`,
                        // and it has not finished: it marks itself finished
                        // with this lock held before it exits, so it is alive
                        // for this call. `signal`'s handler does nothing.
                        unsafe { libc::pthread_kill(id as libc::pthread_t, signal) };
                    }
                }
                thread::sleep(Duration::from_millis(2));
            });
    }
}

impl Interrupt for Cancel {
    fn interrupt(self: Arc<Self>) {
        self.call_off(CLOSED);
    }
}

/// A wait about to start, or in progress: [`Waiter::cancel`] calls it off.
#[derive(Debug, Clone)]
pub struct Waiter(Arc<Cancel>);

/// The waits in progress, by owner and the id their caller gave them, for
/// [`cancel`] and [`cancel_all`].
struct Waits(Mutex<Option<ByOwner>>);

/// Each owner's waits, with their ids.
type ByOwner = HashMap<Owner, Vec<(u64, Waiter)>>;

static WAITING: Waits = Waits(Mutex::new(None));

impl Waits {
    fn with<T>(&self, f: impl FnOnce(&mut ByOwner) -> T) -> T {
        let mut waits = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(waits.get_or_insert_with(HashMap::new))
    }

    fn remove(&self, owner: Owner, cancel: &Arc<Cancel>) {
        self.with(|waits| {
            if let Some(list) = waits.get_mut(&owner) {
                list.retain(|(_, w)| !Arc::ptr_eq(&w.0, cancel));
                if list.is_empty() {
                    waits.remove(&owner);
                }
            }
        });
    }
}

impl Default for Waiter {
    fn default() -> Self {
        Self::new()
    }
}

impl Waiter {
    /// A wait not started yet, so that its descriptors can be leased with
    /// its [`Waiter::interrupt`] before it starts.
    pub fn new() -> Self {
        Self(Arc::new(Cancel::new()))
    }

    /// What closing a descriptor this wait leases calls: it ends the wait
    /// with [`Interrupted::Closed`].
    pub fn interrupt(&self) -> Arc<dyn Interrupt> {
        self.0.clone()
    }

    /// Runs `job` on a thread of its own, then `done` with its result (on
    /// that thread). The wait belongs to `owner`, which knows it as `id`.
    pub fn spawn<T: Send + 'static>(
        self,
        owner: Owner,
        id: u64,
        job: impl FnOnce(&Cancel) -> T + Send + 'static,
        done: impl FnOnce(T) + Send + 'static,
    ) -> std::io::Result<Waiter> {
        // Installed now, before the thread blocks, so that no interrupt can
        // arrive before the handler.
        signal();
        let cancel = self.0.clone();
        WAITING.with(|waits| waits.entry(owner).or_default().push((id, self.clone())));
        let spawned = thread::Builder::new()
            .name("sysix-wait".into())
            .spawn(move || {
                if let Some(signal) = signal() {
                    unblock(signal);
                }
                // SAFETY: pthread_self has no preconditions.
                cancel.thread().id = Some(unsafe { libc::pthread_self() } as usize);
                let result = job(&cancel);
                cancel.thread().finished = true;
                WAITING.remove(owner, &cancel);
                done(result);
            });
        match spawned {
            Ok(_) => Ok(self),
            Err(error) => {
                WAITING.remove(owner, &self.0);
                Err(error)
            }
        }
    }

    /// Calls the wait off: its job sees [`Cancel::is_cancelled`], and a
    /// blocked call is interrupted. Returns at once; the job ends soon after.
    pub fn cancel(&self) {
        self.0.call_off(CANCELLED);
    }
}

/// Calls off the wait known as `id`, if it is still in progress. Ids are
/// the callers' to choose, unique in the process (sysix's JavaScript takes
/// them from [`crate::fd::registry::reserve_tokens`]).
pub fn cancel(id: u64) {
    let found = WAITING.with(|waits| {
        waits
            .values()
            .flatten()
            .find(|(i, _)| *i == id)
            .map(|(_, w)| w.clone())
    });
    if let Some(waiter) = found {
        waiter.cancel();
    }
}

/// Calls off every wait `owner` still has in progress.
pub fn cancel_all(owner: Owner) {
    let list = WAITING.with(|waits| waits.remove(&owner).unwrap_or_default());
    for (_, waiter) in list {
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

    fn blocked_read(
        cancel: &Cancel,
        reader: &std::os::fd::OwnedFd,
    ) -> Result<usize, Interrupted<Errno>> {
        cancel.retry(|mode| {
            if mode == Mode::Poll {
                rustix::fs::fcntl_setfl(reader, rustix::fs::OFlags::NONBLOCK)?;
            }
            rustix::io::read(reader, &mut [0u8; 1])
        })
    }

    #[test]
    fn a_blocked_read_is_called_off() {
        let (reader, _writer) = crate::pipe::pipe(rustix::pipe::PipeFlags::empty()).unwrap();
        let (sender, receiver) = mpsc::channel();
        let waiter = Waiter::new()
            .spawn(
                Owner::new(),
                1,
                move |cancel| blocked_read(cancel, &reader),
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
    fn an_interrupt_ends_the_wait_as_closed_and_cancel_by_id_finds_it() {
        let owner = Owner::new();
        // Ids unique in the process, as the callers' are.
        let ids = crate::fd::registry::reserve_tokens(2).unwrap().0;
        let (sender, receiver) = mpsc::channel();
        let mut waiters = Vec::new();
        let mut pipes = Vec::new();
        for id in [ids, ids + 1] {
            let (reader, writer) = crate::pipe::pipe(rustix::pipe::PipeFlags::empty()).unwrap();
            pipes.push(writer);
            let sender = sender.clone();
            waiters.push(
                Waiter::new()
                    .spawn(
                        owner,
                        id,
                        move |cancel| blocked_read(cancel, &reader),
                        move |result| sender.send((id, result)).unwrap(),
                    )
                    .unwrap(),
            );
        }
        waiters[0].interrupt().interrupt();
        assert_eq!(
            receiver.recv_timeout(Duration::from_secs(5)).unwrap(),
            (ids, Err(Interrupted::Closed))
        );
        cancel(ids + 1);
        assert_eq!(
            receiver.recv_timeout(Duration::from_secs(5)).unwrap(),
            (ids + 1, Err(Interrupted::Cancelled))
        );
    }

    #[test]
    fn cancel_all_calls_off_an_owners_waits_only() {
        let (gone, staying) = (Owner::new(), Owner::new());
        let (sender, receiver) = mpsc::channel();
        let mut waiters = Vec::new();
        let mut writers = Vec::new();
        for (index, owner) in [gone, staying].into_iter().enumerate() {
            let (reader, writer) = crate::pipe::pipe(rustix::pipe::PipeFlags::empty()).unwrap();
            writers.push(writer);
            let sender = sender.clone();
            waiters.push(
                Waiter::new()
                    .spawn(
                        owner,
                        index as u64,
                        move |cancel| blocked_read(cancel, &reader),
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

    #[test]
    fn calling_off_a_finished_wait_many_times_signals_no_stranger() {
        // Waits that end at once while being called off: every cancel thread
        // must see `finished` and stop, never signalling an exited thread.
        let (sender, receiver) = mpsc::channel();
        for id in 0..200 {
            let sender = sender.clone();
            let waiter = Waiter::new()
                .spawn(Owner::new(), id, |_| (), move |()| sender.send(()).unwrap())
                .unwrap();
            waiter.cancel();
            waiter.cancel();
        }
        for _ in 0..200 {
            receiver.recv_timeout(Duration::from_secs(5)).unwrap();
        }
    }
}
