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
//!   closed behind its back and handed to someone else.
//! - **One owner.** [`adopt`] refuses a number that a live owner holds, in
//!   any environment of the process.
//! - **Teardown.** [`teardown`] closes what an environment still owns when it
//!   goes away (a worker that exits or is terminated), which garbage
//!   collection never gets the chance to do.
//! - **Calls in flight.** A [`Lease`] keeps a descriptor open while a call on
//!   another thread uses it: a close requested meanwhile (by its owner, or by
//!   teardown) happens when the last lease ends, so the number cannot be reused
//!   by another file under that call. [`release`] refuses to give up a leased
//!   descriptor.
//!
//! The table is indexed by descriptor number: numbers are small and dense, as
//! the kernel hands out the lowest free one.

use std::os::fd::{AsRawFd, BorrowedFd, IntoRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

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
/// descriptor takes the token it was registered with. Tokens have
/// [`Token::BITS`] bits, so that a [`Handle`] packs into 53.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Token(pub u32);

impl Token {
    /// How many bits a token has. They wrap: two registrations of one number
    /// four million registrations apart share a token.
    pub const BITS: u32 = 22;
}

/// A registered descriptor: its number and its token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Handle {
    /// The descriptor number.
    pub fd: RawFd,
    /// The token that closes or releases it.
    pub token: Token,
}

impl Handle {
    /// The handle as one integer below 2<sup>53</sup> (a JavaScript number
    /// holds it exactly): the token above the 31 bits of the descriptor.
    pub fn pack(self) -> u64 {
        (u64::from(self.token.0) << 31) | u64::from(self.fd.unsigned_abs())
    }

    /// The handle [`Handle::pack`] made, or `None` for an integer it cannot have made.
    pub fn unpack(packed: u64) -> Option<Self> {
        let fd = RawFd::try_from(packed & 0x7fff_ffff).ok()?;
        let token = u32::try_from(packed >> 31)
            .ok()
            .filter(|t| *t >> Token::BITS == 0)?;
        Some(Self {
            fd,
            token: Token(token),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// Not registered.
    Free,
    /// Owned by `owner`; `leases` calls in flight use it.
    Owned {
        owner: Owner,
        token: Token,
        leases: u32,
    },
    /// Closed by its owner (or its owner's teardown) while leased: the last
    /// lease closes it. `owner` is who asked, to be told of a failure.
    Closing { owner: Owner, leases: u32 },
    /// Given up with [`release`]: open, owned by the caller of `release`, and
    /// known to be a kernel descriptor (see [`was_released`]).
    Released,
}

static TABLE: Mutex<Vec<Slot>> = Mutex::new(Vec::new());

/// Failures of closes that waited for a lease, by owner, until collected.
static DEFERRED_FAILURES: Mutex<Vec<(Owner, Error)>> = Mutex::new(Vec::new());

fn table() -> MutexGuard<'static, Vec<Slot>> {
    // A panic while the lock was held cannot leave a slot half-written: every
    // update is a single assignment. Keep going with the table as it is.
    TABLE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn slot(table: &mut Vec<Slot>, fd: RawFd) -> &mut Slot {
    let index = usize::try_from(fd).unwrap_or(0);
    if table.len() <= index {
        table.resize(index + 1, Slot::Free);
    }
    &mut table[index]
}

fn next_token() -> Token {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    Token(NEXT.fetch_add(1, Ordering::Relaxed) & ((1 << Token::BITS) - 1))
}

/// Closes `fd`, reporting what the kernel says.
fn close_raw(fd: RawFd, syscall: &'static str) -> Result<()> {
    // SAFETY: callers hold the only claim on `fd`: they removed its entry from
    // the table (or never registered it), and nothing else closes it.
    unsafe { rustix::io::try_close(fd) }.map_err(|errno| Error::new(errno, syscall))
}

/// Registers a descriptor sysix just created, owned by `owner`.
pub fn register(fd: OwnedFd, owner: Owner) -> Handle {
    let fd = fd.into_raw_fd();
    let token = next_token();
    // The kernel just handed out this number, so no open descriptor has it:
    // whatever the slot says is stale (a registered descriptor closed behind
    // its owner's back) and the token keeps that owner from closing this one.
    *slot(&mut table(), fd) = Slot::Owned {
        owner,
        token,
        leases: 0,
    };
    Handle { fd, token }
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
/// owned by `owner`: from now on only its owner closes it.
pub fn adopt(fd: RawFd, owner: Owner) -> std::result::Result<Handle, AdoptError> {
    let mut table = table();
    let slot = slot(&mut table, fd);
    if matches!(slot, Slot::Owned { .. } | Slot::Closing { .. }) {
        return Err(AdoptError::AlreadyOwned);
    }
    // Checked with the table locked, so no other thread registers it meanwhile.
    // SAFETY: only borrowed for the check, which closes nothing.
    crate::fd::check_open(unsafe { BorrowedFd::borrow_raw(fd) }).map_err(AdoptError::NotOpen)?;
    let token = next_token();
    *slot = Slot::Owned {
        owner,
        token,
        leases: 0,
    };
    Ok(Handle { fd, token })
}

/// What [`close`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum Closed {
    /// Closed now.
    Now,
    /// Leased by a call in flight: the last lease closes it.
    Deferred,
}

/// Closes a registered descriptor, or, while calls in flight lease it, has
/// the last of them close it. Fails with `EBADF` when `handle` is not
/// registered (it was closed or released already, or closed behind its
/// owner's back and registered again since); with what the kernel reports
/// otherwise, the descriptor being closed all the same.
pub fn close(handle: Handle, syscall: &'static str) -> Result<Closed> {
    {
        let mut table = table();
        let slot = slot(&mut table, handle.fd);
        match *slot {
            Slot::Owned {
                token,
                leases,
                owner,
            } if token == handle.token => {
                if leases > 0 {
                    *slot = Slot::Closing { owner, leases };
                    return Ok(Closed::Deferred);
                }
                *slot = Slot::Free;
            }
            _ => return Err(Error::new(Errno::BADF, syscall)),
        }
    }
    close_raw(handle.fd, syscall).map(|()| Closed::Now)
}

/// Why [`release`] refused to give up a descriptor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReleaseError {
    /// Not registered under this handle (see [`close`]).
    NotOwned,
    /// This many calls in flight still use it.
    Busy(u32),
}

/// Gives up ownership of a registered descriptor without closing it: the
/// caller now owns the number. Refused while a call in flight leases it,
/// since that call would go on using a number it no longer owns.
pub fn release(handle: Handle) -> std::result::Result<RawFd, ReleaseError> {
    let mut table = table();
    let slot = slot(&mut table, handle.fd);
    match *slot {
        Slot::Owned { token, leases, .. } if token == handle.token => {
            if leases > 0 {
                return Err(ReleaseError::Busy(leases));
            }
            *slot = Slot::Released;
            Ok(handle.fd)
        }
        _ => Err(ReleaseError::NotOwned),
    }
}

/// Whether `fd` is registered to a live owner.
pub fn is_owned(fd: RawFd) -> bool {
    matches!(
        table().get(usize::try_from(fd).unwrap_or(usize::MAX)),
        Some(Slot::Owned { .. } | Slot::Closing { .. })
    )
}

/// Whether `fd` was last given up with [`release`] and has not been
/// registered since: a kernel descriptor sysix handed out.
pub fn was_released(fd: RawFd) -> bool {
    matches!(
        table().get(usize::try_from(fd).unwrap_or(usize::MAX)),
        Some(Slot::Released)
    )
}

/// Closes every descriptor `owner` still holds, as when its environment goes
/// away. Leased descriptors are closed by their last lease.
pub fn teardown(owner: Owner) {
    let mut closing = Vec::new();
    {
        let mut table = table();
        for (fd, slot) in table.iter_mut().enumerate() {
            if let Slot::Owned {
                owner: o, leases, ..
            } = *slot
            {
                if o != owner {
                    continue;
                }
                if leases > 0 {
                    *slot = Slot::Closing { owner, leases };
                } else {
                    *slot = Slot::Free;
                    closing.extend(RawFd::try_from(fd).ok());
                }
            }
        }
    }
    for fd in closing {
        // Nobody is left to hear what close reports: the environment is gone.
        let _ = close_raw(fd, "close");
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
}

impl Lease {
    /// Leases `fd` if a live owner holds it.
    pub fn new(fd: RawFd) -> Option<Self> {
        let mut table = table();
        match table.get_mut(usize::try_from(fd).ok()?) {
            Some(Slot::Owned { leases, .. }) => {
                *leases += 1;
                Some(Self { fd })
            }
            _ => None,
        }
    }

    /// The descriptor, open for as long as the lease lives.
    pub fn as_fd(&self) -> BorrowedFd<'_> {
        // SAFETY: the table keeps a leased descriptor open: neither `close`
        // nor `teardown` closes it while this lease counts, and `release`
        // refuses to give it up.
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
            let slot = slot(&mut table, self.fd);
            match slot {
                Slot::Owned { leases, .. } => {
                    *leases -= 1;
                    None
                }
                Slot::Closing { leases, owner } => {
                    *leases -= 1;
                    let owner = *owner;
                    if *leases == 0 {
                        *slot = Slot::Free;
                        Some(owner)
                    } else {
                        None
                    }
                }
                Slot::Free | Slot::Released => None,
            }
        };
        if let Some(owner) = asked_by {
            if let Err(error) = close_raw(self.fd, "close") {
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
    use std::os::fd::AsFd;

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

    #[test]
    fn handles_pack_into_53_bits_and_back() {
        let _serial = serial();
        for (fd, token) in [(0, 0), (3, 1), (i32::MAX, (1 << Token::BITS) - 1)] {
            let handle = Handle {
                fd,
                token: Token(token),
            };
            assert!(handle.pack() < 1 << 53);
            assert_eq!(Handle::unpack(handle.pack()), Some(handle));
        }
        assert_eq!(Handle::unpack(1 << 53), None);
    }

    #[test]
    fn close_once_with_the_token_only() {
        let _serial = serial();
        let owner = Owner::new();
        let handle = register(open_fd(), owner);
        let forged = Handle {
            fd: handle.fd,
            token: Token(handle.token.0.wrapping_add(1)),
        };
        assert_eq!(close(forged, "close").unwrap_err().errno, Errno::BADF);
        assert!(is_open(handle.fd));
        assert_eq!(close(handle, "close").unwrap(), Closed::Now);
        assert!(!is_open(handle.fd));
        assert_eq!(close(handle, "close").unwrap_err().errno, Errno::BADF);
    }

    #[test]
    fn adopt_refuses_a_second_owner_and_closed_numbers() {
        let _serial = serial();
        let file = open_fd();
        let raw = file.into_raw_fd();
        let first = adopt(raw, Owner::new()).unwrap();
        assert_eq!(adopt(raw, Owner::new()), Err(AdoptError::AlreadyOwned));
        let released = release(first).unwrap();
        assert!(was_released(released));
        let again = adopt(released, Owner::new()).unwrap();
        assert!(!was_released(released));
        close(again, "close").unwrap();
        match adopt(raw, Owner::new()) {
            Err(AdoptError::NotOpen(error)) => assert_eq!(error.errno, Errno::BADF),
            // Another test's descriptor may have taken the number meanwhile.
            Ok(handle) => drop(release(handle)),
            Err(other) => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_leased_descriptor_closes_with_its_last_lease() {
        let _serial = serial();
        let owner = Owner::new();
        let handle = register(open_fd(), owner);
        let first = Lease::new(handle.fd).unwrap();
        let second = Lease::new(handle.fd).unwrap();
        assert_eq!(release(handle), Err(ReleaseError::Busy(2)));
        assert_eq!(close(handle, "close").unwrap(), Closed::Deferred);
        assert!(
            Lease::new(handle.fd).is_none(),
            "a closed descriptor is not leased again"
        );
        drop(first);
        assert!(is_open(second.as_fd().as_raw_fd()));
        drop(second);
        assert!(!is_open(handle.fd));
        assert!(take_deferred_failures(owner).is_empty());
    }

    #[test]
    fn teardown_closes_what_an_owner_holds_and_nothing_else() {
        let _serial = serial();
        let (gone, staying) = (Owner::new(), Owner::new());
        let held = register(open_fd(), gone);
        let leased = register(open_fd(), gone);
        let lease = Lease::new(leased.fd).unwrap();
        let other = register(open_fd(), staying);
        let unowned = open_fd();
        teardown(gone);
        assert!(!is_open(held.fd));
        assert!(is_open(leased.fd), "kept open for the call in flight");
        assert!(is_open(other.fd));
        assert!(is_open(unowned.as_fd().as_raw_fd()));
        drop(lease);
        assert!(!is_open(leased.fd));
        close(other, "close").unwrap();
    }

    #[test]
    fn a_failed_deferred_close_is_kept_for_its_owner() {
        let _serial = serial();
        let owner = Owner::new();
        let handle = register(open_fd(), owner);
        let lease = Lease::new(handle.fd).unwrap();
        close(handle, "close").unwrap();
        // Closed behind the table's back: the deferred close will see EBADF.
        // SAFETY: the test owns the descriptor; nothing else uses it.
        unsafe { rustix::io::try_close(handle.fd) }.unwrap();
        drop(lease);
        let failures = take_deferred_failures(owner);
        assert_eq!(failures.len(), 1);
        assert_eq!(
            (failures[0].errno, failures[0].syscall),
            (Errno::BADF, "close")
        );
    }
}
