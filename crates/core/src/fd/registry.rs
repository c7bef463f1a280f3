//! Who owns which descriptor: one table for the whole process.
//!
//! Every descriptor sysix hands to JavaScript is registered here under its
//! [`Owner`] (one per JavaScript environment: the main thread and each worker
//! thread) with a [`Token`] that only the object holding it knows. The table is
//! what makes ownership hold at the edges, where a JavaScript object alone
//! cannot:
//!
//! - **Once only.** A descriptor is closed by whoever removes its entry, and
//!   only with its token, so a stale owner can never close a number that was
//!   closed behind its back and handed to someone else. Tokens come from one
//!   64-bit counter ([`reserve_tokens`]) and are never reused.
//! - **One owner.** [`adopt`] refuses a number that a live owner holds, in
//!   any environment of the process.
//! - **Teardown.** [`teardown`] closes what an environment still owns when it
//!   goes away (a worker that exits or is terminated), which garbage
//!   collection never gets the chance to do.
//! - **Calls in flight.** A [`Lease`] keeps a descriptor open while a call on
//!   another thread uses it: a close requested meanwhile (by its owner, or by
//!   teardown) happens when the last lease ends, so the number cannot be reused
//!   by another file under that call. [`release`] refuses to give up a leased
//!   descriptor. A lease belongs to the registration it was taken on: if the
//!   number was closed behind the table's back and registered again, the old
//!   lease's end touches nothing of the new one.
//! - **Waits end with their descriptor.** A wait of unbounded length (a lock,
//!   inotify events) leases its descriptor with an [`Interrupt`]: closing the
//!   descriptor interrupts the wait, whose end then closes it.
//!
//! The table is indexed by descriptor number: numbers are small and dense, as
//! the kernel hands out the lowest free one.

use std::os::fd::{AsRawFd, BorrowedFd, IntoRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::error::{Error, Result};
use crate::Errno;

/// An owner of descriptors: one JavaScript environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Owner(u64);

impl Owner {
    /// A new owner, distinct from every other of this process.
    pub fn new() -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        Self(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

impl Default for Owner {
    fn default() -> Self {
        Self::new()
    }
}

/// The proof of ownership of one registration: closing or releasing a
/// descriptor takes the token it was registered with.
///
/// Tokens are handed out by [`reserve_tokens`] from one counter for the whole
/// process, each once: a stale owner's token never matches a later
/// registration, however many come between. They stay below
/// [`Token::LIMIT`], so that a JavaScript number holds one exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Token(pub u64);

impl Token {
    /// One more than the largest token: 2<sup>53</sup>, the first integer a
    /// JavaScript number cannot tell from its neighbour. At a million
    /// registrations a second the counter would reach it in 285 years.
    pub const LIMIT: u64 = 1 << 53;
}

/// Reserves `count` tokens: returns the first of them, the others following
/// it, or `None` once the counter would pass [`Token::LIMIT`] (then no
/// registration can be made, rather than one whose token repeats).
pub fn reserve_tokens(count: u64) -> Option<Token> {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |next| {
        next.checked_add(count).filter(|end| *end <= Token::LIMIT)
    })
    .ok()
    .map(Token)
}

/// What a wait that leases a descriptor is told when the descriptor is
/// closed (by its owner or by its environment's teardown): it must stop
/// waiting, so that its lease ends and the close can happen.
pub trait Interrupt: Send + Sync {
    /// Stops the wait soon; returns at once.
    fn interrupt(self: Arc<Self>);
}

/// A registration's state.
#[derive(Clone)]
enum Slot {
    /// Not registered.
    Free,
    /// Registered.
    Held(Entry),
}

/// A registered descriptor.
#[derive(Clone)]
struct Entry {
    /// Who owns it, and, once closing, who asked (to be told of a failure).
    owner: Owner,
    token: Token,
    /// Calls in flight that use it.
    leases: u32,
    /// The waits among those calls.
    waits: Vec<(u64, Arc<dyn Interrupt>)>,
    /// Its owner closed it while it was leased: the last lease closes it.
    closing: bool,
}

struct Table {
    slots: Vec<Slot>,
    /// Numbers the leases of waits, to find them again when they end.
    next_wait: u64,
}

static TABLE: Mutex<Table> = Mutex::new(Table {
    slots: Vec::new(),
    next_wait: 0,
});

/// Failures of closes that waited for a lease, by owner, until collected.
static DEFERRED_FAILURES: Mutex<Vec<(Owner, Error)>> = Mutex::new(Vec::new());

fn table() -> MutexGuard<'static, Table> {
    // A panic while the lock was held cannot leave a slot half-written: every
    // update is a single assignment. Keep going with the table as it is.
    TABLE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Table {
    fn slot(&mut self, fd: RawFd) -> &mut Slot {
        let index = usize::try_from(fd).unwrap_or(0);
        if self.slots.len() <= index {
            self.slots.resize(index + 1, Slot::Free);
        }
        &mut self.slots[index]
    }

    /// The entry of `fd` if it is registered under `token`.
    fn entry(&mut self, fd: RawFd, token: Token) -> Option<&mut Entry> {
        match self.slots.get_mut(usize::try_from(fd).ok()?) {
            Some(Slot::Held(entry)) if entry.token == token => Some(entry),
            _ => None,
        }
    }
}

/// Closes `fd`, reporting what the kernel says.
///
/// # Safety
///
/// The caller must own `fd`: it removed the number's entry from the table
/// (or never registered it), so that no other code of sysix closes it or
/// uses it afterwards.
unsafe fn close_raw(fd: RawFd, syscall: &'static str) -> Result<()> {
    // SAFETY: per this function's contract, the caller owns `fd`.
    unsafe { rustix::io::try_close(fd) }.map_err(|errno| Error::new(errno, syscall))
}

/// Registers a descriptor sysix just created, owned by `owner`, under a token
/// of [`reserve_tokens`].
pub fn register(fd: OwnedFd, owner: Owner, token: Token) {
    let fd = fd.into_raw_fd();
    // The kernel just handed out this number, so no open descriptor has it:
    // whatever the slot says is stale (a registered descriptor closed behind
    // its owner's back), and the new token keeps that owner, and the leases
    // taken on that registration, away from this one.
    *table().slot(fd) = Slot::Held(Entry {
        owner,
        token,
        leases: 0,
        waits: Vec::new(),
        closing: false,
    });
}

/// Why [`adopt`] refused a descriptor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdoptError {
    /// The number is not an open descriptor (`fcntl` says `EBADF`).
    NotOpen(Error),
    /// A live owner already holds it.
    AlreadyOwned,
}

/// `fcntl(fd, F_GETFD)`, then registers a descriptor opened elsewhere,
/// owned by `owner` under `token`: from now on only its owner closes it.
pub fn adopt(fd: RawFd, owner: Owner, token: Token) -> std::result::Result<(), AdoptError> {
    let mut table = table();
    let slot = table.slot(fd);
    if matches!(slot, Slot::Held(_)) {
        return Err(AdoptError::AlreadyOwned);
    }
    // Checked with the table locked, so no other thread registers it meanwhile.
    // SAFETY: only borrowed for the check, which closes nothing.
    crate::fd::check_open(unsafe { BorrowedFd::borrow_raw(fd) }).map_err(AdoptError::NotOpen)?;
    *slot = Slot::Held(Entry {
        owner,
        token,
        leases: 0,
        waits: Vec::new(),
        closing: false,
    });
    Ok(())
}

/// What [`close`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum Closed {
    /// Closed now.
    Now,
    /// Leased by a call in flight: the last lease closes it (and the waits
    /// among those calls have been interrupted).
    Deferred,
}

/// Closes a registered descriptor, or, while calls in flight lease it, has
/// the last of them close it, interrupting the waits among them. Fails with
/// `EBADF` when `fd` is not registered under `token` (it was closed or
/// released already, or closed behind its owner's back and registered again
/// since); with what the kernel reports otherwise, the descriptor being
/// closed all the same.
pub fn close(fd: RawFd, token: Token, syscall: &'static str) -> Result<Closed> {
    let deferred = {
        let mut table = table();
        let Some(entry) = table.entry(fd, token).filter(|e| !e.closing) else {
            return Err(Error::new(Errno::BADF, syscall));
        };
        if entry.leases > 0 {
            entry.closing = true;
            Some(entry.waits.clone())
        } else {
            *table.slot(fd) = Slot::Free;
            None
        }
    };
    match deferred {
        // Interrupted outside the lock: a wait may take it to end.
        Some(waits) => {
            for (_, wait) in waits {
                wait.interrupt();
            }
            Ok(Closed::Deferred)
        }
        // SAFETY: the entry was removed above, so this caller owns `fd`.
        None => unsafe { close_raw(fd, syscall) }.map(|()| Closed::Now),
    }
}

/// Why [`release`] refused to give up a descriptor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReleaseError {
    /// Not registered under this token (see [`close`]).
    NotOwned,
    /// This many calls in flight still use it.
    Busy(u32),
}

/// Gives up ownership of a registered descriptor without closing it: the
/// caller now owns the number, and the table forgets it. Refused while a
/// call in flight leases it, since that call would go on using a number it
/// no longer owns.
pub fn release(fd: RawFd, token: Token) -> std::result::Result<(), ReleaseError> {
    let mut table = table();
    match table.entry(fd, token) {
        Some(entry) if entry.closing => Err(ReleaseError::NotOwned),
        Some(entry) if entry.leases > 0 => Err(ReleaseError::Busy(entry.leases)),
        Some(_) => {
            *table.slot(fd) = Slot::Free;
            Ok(())
        }
        None => Err(ReleaseError::NotOwned),
    }
}

/// Whether `fd` is registered to a live owner.
pub fn is_owned(fd: RawFd) -> bool {
    let table = table();
    matches!(
        usize::try_from(fd).ok().and_then(|i| table.slots.get(i)),
        Some(Slot::Held(_))
    )
}

/// Closes every descriptor `owner` still holds, as when its environment goes
/// away. Leased descriptors are closed by their last lease, and the waits
/// that lease them are interrupted.
pub fn teardown(owner: Owner) {
    let mut closing = Vec::new();
    let mut waits = Vec::new();
    {
        let mut table = table();
        for (fd, slot) in table.slots.iter_mut().enumerate() {
            let Slot::Held(entry) = slot else { continue };
            if entry.owner != owner || entry.closing {
                continue;
            }
            if entry.leases > 0 {
                entry.closing = true;
                waits.extend(entry.waits.iter().map(|(_, w)| w.clone()));
            } else {
                *slot = Slot::Free;
                closing.extend(RawFd::try_from(fd).ok());
            }
        }
    }
    for wait in waits {
        wait.interrupt();
    }
    for fd in closing {
        // Nobody is left to hear what close reports: the environment is gone.
        // SAFETY: the entry was removed above, so this caller owns `fd`.
        let _ = unsafe { close_raw(fd, "close") };
    }
}

/// Takes the failures of closes that waited for a lease and were asked for
/// by `owner`, for it to report.
pub fn take_deferred_failures(owner: Owner) -> Vec<Error> {
    let mut failures = DEFERRED_FAILURES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let (mine, others) = failures.drain(..).partition(|(o, _)| *o == owner);
    *failures = others;
    mine.into_iter().map(|(_, error)| error).collect()
}

/// A registered descriptor kept open for a call in flight.
#[derive(Debug)]
pub struct Lease {
    fd: RawFd,
    token: Token,
    /// The number of the wait this lease serves, if it does.
    wait: Option<u64>,
}

impl Lease {
    /// Leases `fd` if a live owner holds it (and has not asked to close it).
    pub fn new(fd: RawFd) -> Option<Self> {
        Self::take(fd, None)
    }

    /// Leases `fd` for a wait, which closing the descriptor interrupts.
    pub fn for_wait(fd: RawFd, wait: Arc<dyn Interrupt>) -> Option<Self> {
        Self::take(fd, Some(wait))
    }

    fn take(fd: RawFd, wait: Option<Arc<dyn Interrupt>>) -> Option<Self> {
        let mut table = table();
        let id = table.next_wait;
        let Slot::Held(entry) = table.slots.get_mut(usize::try_from(fd).ok()?)? else {
            return None;
        };
        if entry.closing {
            return None;
        }
        entry.leases += 1;
        let token = entry.token;
        let wait = wait.map(|wait| {
            entry.waits.push((id, wait));
            id
        });
        if wait.is_some() {
            table.next_wait += 1;
        }
        Some(Self { fd, token, wait })
    }

    /// The descriptor, open for as long as the lease lives.
    pub fn as_fd(&self) -> BorrowedFd<'_> {
        // SAFETY: no code of sysix closes a leased descriptor: `close`,
        // `teardown` and `release` wait for the last lease, and a lease whose
        // registration was replaced closes nothing. Code outside sysix that
        // closes a number it does not own breaks I/O safety, as unsafe code
        // that closes a Rust `OwnedFd`'s number does; the kernel then answers
        // `EBADF`, or acts on whatever file got the number, and no memory is
        // touched either way (a descriptor is only a number to the kernel).
        unsafe { BorrowedFd::borrow_raw(self.fd) }
    }
}

impl AsRawFd for Lease {
    fn as_raw_fd(&self) -> RawFd {
        self.fd
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        let asked_by = {
            let mut table = table();
            let Some(entry) = table.entry(self.fd, self.token) else {
                // Registered again since: nothing of this lease's is left.
                return;
            };
            entry.leases -= 1;
            if let Some(id) = self.wait {
                entry.waits.retain(|(w, _)| *w != id);
            }
            if entry.closing && entry.leases == 0 {
                let owner = entry.owner;
                *table.slot(self.fd) = Slot::Free;
                Some(owner)
            } else {
                None
            }
        };
        if let Some(owner) = asked_by {
            // SAFETY: the entry was removed above, so this lease, its last
            // user, owns the number now.
            if let Err(error) = unsafe { close_raw(self.fd, "close") } {
                DEFERRED_FAILURES
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .push((owner, error));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    /// The tests of this module run one at a time, on descriptors numbered
    /// from 1000 up where no other test's descriptor lands, so that a number
    /// closed here is not reused by another test while it is checked.
    static SERIAL: Mutex<()> = Mutex::new(());

    fn serial() -> MutexGuard<'static, ()> {
        SERIAL
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn open_fd() -> OwnedFd {
        let file = std::fs::File::open("/proc/self/status").unwrap();
        rustix::io::fcntl_dupfd_cloexec(&file, 1000).unwrap()
    }

    fn is_open(fd: RawFd) -> bool {
        // SAFETY: only borrowed for the check.
        crate::fd::check_open(unsafe { BorrowedFd::borrow_raw(fd) }).is_ok()
    }

    fn token() -> Token {
        reserve_tokens(1).unwrap()
    }

    fn registered(owner: Owner) -> (RawFd, Token) {
        let fd = open_fd();
        let raw = fd.as_raw_fd();
        let token = token();
        register(fd, owner, token);
        (raw, token)
    }

    #[test]
    fn tokens_are_handed_out_once_and_stop_at_the_limit() {
        let first = reserve_tokens(3).unwrap();
        let next = reserve_tokens(1).unwrap();
        assert!(next.0 >= first.0 + 3);
        assert!(reserve_tokens(Token::LIMIT).is_none());
        assert!(
            reserve_tokens(1).unwrap() > next,
            "a refused reservation takes nothing"
        );
    }

    #[test]
    fn close_once_with_the_token_only() {
        let _serial = serial();
        let (fd, token) = registered(Owner::new());
        let forged = Token(token.0 + 1);
        assert_eq!(close(fd, forged, "close").unwrap_err().errno, Errno::BADF);
        assert!(is_open(fd));
        assert_eq!(close(fd, token, "close").unwrap(), Closed::Now);
        assert!(!is_open(fd));
        assert_eq!(close(fd, token, "close").unwrap_err().errno, Errno::BADF);
    }

    #[test]
    fn adopt_refuses_a_second_owner_and_closed_numbers() {
        let _serial = serial();
        let raw = open_fd().into_raw_fd();
        let first = token();
        adopt(raw, Owner::new(), first).unwrap();
        assert_eq!(
            adopt(raw, Owner::new(), token()),
            Err(AdoptError::AlreadyOwned)
        );
        release(raw, first).unwrap();
        assert!(!is_owned(raw), "a released number is forgotten");
        let again = token();
        adopt(raw, Owner::new(), again).unwrap();
        close(raw, again, "close").unwrap();
        match adopt(raw, Owner::new(), token()) {
            Err(AdoptError::NotOpen(error)) => assert_eq!(error.errno, Errno::BADF),
            // Another test's descriptor may have taken the number meanwhile.
            Ok(()) => drop(is_owned(raw)),
            Err(other) => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_leased_descriptor_closes_with_its_last_lease() {
        let _serial = serial();
        let owner = Owner::new();
        let (fd, token) = registered(owner);
        let first = Lease::new(fd).unwrap();
        let second = Lease::new(fd).unwrap();
        assert_eq!(release(fd, token), Err(ReleaseError::Busy(2)));
        assert_eq!(close(fd, token, "close").unwrap(), Closed::Deferred);
        assert!(
            Lease::new(fd).is_none(),
            "a closing descriptor is not leased again"
        );
        assert_eq!(release(fd, token), Err(ReleaseError::NotOwned));
        drop(first);
        assert!(is_open(second.as_fd().as_raw_fd()));
        drop(second);
        assert!(!is_open(fd));
        assert!(take_deferred_failures(owner).is_empty());
    }

    #[test]
    fn a_lease_of_a_replaced_registration_leaves_the_new_one_alone() {
        let _serial = serial();
        let owner = Owner::new();
        let (fd, old) = registered(owner);
        let lease = Lease::new(fd).unwrap();
        // Closed behind the table's back, the number is reused and registered again.
        // SAFETY: the test owns the number; nothing else uses it.
        unsafe { rustix::io::try_close(fd) }.unwrap();
        // The lowest free number from 1000 up, which is the one just closed.
        let reused = open_fd();
        assert_eq!(reused.as_raw_fd(), fd);
        let new = token();
        register(reused, owner, new);
        drop(lease);
        assert_eq!(close(fd, old, "close").unwrap_err().errno, Errno::BADF);
        assert!(is_open(fd), "the old lease and token touched nothing");
        assert_eq!(
            close(fd, new, "close").unwrap(),
            Closed::Now,
            "no lease counted against the new one"
        );
        assert!(!is_open(fd));
    }

    #[test]
    fn closing_interrupts_the_waits_that_lease_a_descriptor() {
        struct Count(AtomicUsize);
        impl Interrupt for Count {
            fn interrupt(self: Arc<Self>) {
                self.0.fetch_add(1, Ordering::Relaxed);
            }
        }
        let _serial = serial();
        let (fd, token) = registered(Owner::new());
        let count = Arc::new(Count(AtomicUsize::new(0)));
        let wait = Lease::for_wait(fd, count.clone()).unwrap();
        let call = Lease::new(fd).unwrap();
        assert_eq!(close(fd, token, "close").unwrap(), Closed::Deferred);
        assert_eq!(count.0.load(Ordering::Relaxed), 1);
        drop(wait);
        assert!(is_open(fd), "still leased by the other call");
        drop(call);
        assert!(!is_open(fd));
    }

    #[test]
    fn teardown_closes_what_an_owner_holds_and_nothing_else() {
        let _serial = serial();
        let (gone, staying) = (Owner::new(), Owner::new());
        let (held, _) = registered(gone);
        let (leased, _) = registered(gone);
        let lease = Lease::new(leased).unwrap();
        let (other, other_token) = registered(staying);
        let unowned = open_fd();
        teardown(gone);
        assert!(!is_open(held));
        assert!(is_open(leased), "kept open for the call in flight");
        assert!(is_open(other));
        assert!(is_open(unowned.as_raw_fd()));
        drop(lease);
        assert!(!is_open(leased));
        close(other, other_token, "close").unwrap();
    }

    #[test]
    fn a_failed_deferred_close_is_kept_for_its_owner() {
        let _serial = serial();
        let owner = Owner::new();
        let (fd, token) = registered(owner);
        let lease = Lease::new(fd).unwrap();
        close(fd, token, "close").unwrap();
        // Closed behind the table's back: the deferred close will see EBADF.
        // SAFETY: the test owns the descriptor; nothing else uses it.
        unsafe { rustix::io::try_close(fd) }.unwrap();
        drop(lease);
        let failures = take_deferred_failures(owner);
        assert_eq!(failures.len(), 1);
        assert_eq!(
            (failures[0].errno, failures[0].syscall),
            (Errno::BADF, "close")
        );
    }
}
