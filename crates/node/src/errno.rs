//! The names and messages of error numbers, as Node and libuv spell them.
//!
//! The codes libuv knows carry libuv's messages, so an error from sysix reads
//! exactly like the same error from Node's `fs` (`ENOENT: no such file or
//! directory`); the rest carry the C library's message in the same style.
//! The table is keyed by rustix's constants, which have each architecture's
//! own numbers (mips and powerpc differ from x86).

use sysix_core::Errno;

/// `(errno, code, message)` for every Linux error number.
const ERRNOS: &[(Errno, &str, &str)] = &[
    (Errno::PERM, "EPERM", "operation not permitted"),
    (Errno::NOENT, "ENOENT", "no such file or directory"),
    (Errno::SRCH, "ESRCH", "no such process"),
    (Errno::INTR, "EINTR", "interrupted system call"),
    (Errno::IO, "EIO", "i/o error"),
    (Errno::NXIO, "ENXIO", "no such device or address"),
    (Errno::TOOBIG, "E2BIG", "argument list too long"),
    (Errno::NOEXEC, "ENOEXEC", "exec format error"),
    (Errno::BADF, "EBADF", "bad file descriptor"),
    (Errno::CHILD, "ECHILD", "no child processes"),
    (Errno::AGAIN, "EAGAIN", "resource temporarily unavailable"),
    (Errno::NOMEM, "ENOMEM", "not enough memory"),
    (Errno::ACCESS, "EACCES", "permission denied"),
    (
        Errno::FAULT,
        "EFAULT",
        "bad address in system call argument",
    ),
    (Errno::NOTBLK, "ENOTBLK", "block device required"),
    (Errno::BUSY, "EBUSY", "resource busy or locked"),
    (Errno::EXIST, "EEXIST", "file already exists"),
    (Errno::XDEV, "EXDEV", "cross-device link not permitted"),
    (Errno::NODEV, "ENODEV", "no such device"),
    (Errno::NOTDIR, "ENOTDIR", "not a directory"),
    (Errno::ISDIR, "EISDIR", "illegal operation on a directory"),
    (Errno::INVAL, "EINVAL", "invalid argument"),
    (Errno::NFILE, "ENFILE", "file table overflow"),
    (Errno::MFILE, "EMFILE", "too many open files"),
    (Errno::NOTTY, "ENOTTY", "inappropriate ioctl for device"),
    (Errno::TXTBSY, "ETXTBSY", "text file is busy"),
    (Errno::FBIG, "EFBIG", "file too large"),
    (Errno::NOSPC, "ENOSPC", "no space left on device"),
    (Errno::SPIPE, "ESPIPE", "invalid seek"),
    (Errno::ROFS, "EROFS", "read-only file system"),
    (Errno::MLINK, "EMLINK", "too many links"),
    (Errno::PIPE, "EPIPE", "broken pipe"),
    (Errno::DOM, "EDOM", "numerical argument out of domain"),
    (Errno::RANGE, "ERANGE", "result too large"),
    (Errno::DEADLOCK, "EDEADLOCK", "resource deadlock avoided"),
    (Errno::NAMETOOLONG, "ENAMETOOLONG", "name too long"),
    (Errno::NOLCK, "ENOLCK", "no locks available"),
    (Errno::NOSYS, "ENOSYS", "function not implemented"),
    (Errno::NOTEMPTY, "ENOTEMPTY", "directory not empty"),
    (Errno::LOOP, "ELOOP", "too many symbolic links encountered"),
    (Errno::NOMSG, "ENOMSG", "no message of desired type"),
    (Errno::IDRM, "EIDRM", "identifier removed"),
    (Errno::CHRNG, "ECHRNG", "channel number out of range"),
    (Errno::L2NSYNC, "EL2NSYNC", "level 2 not synchronized"),
    (Errno::L3HLT, "EL3HLT", "level 3 halted"),
    (Errno::L3RST, "EL3RST", "level 3 reset"),
    (Errno::LNRNG, "ELNRNG", "link number out of range"),
    (Errno::UNATCH, "EUNATCH", "protocol driver not attached"),
    (Errno::NOCSI, "ENOCSI", "no CSI structure available"),
    (Errno::L2HLT, "EL2HLT", "level 2 halted"),
    (Errno::BADE, "EBADE", "invalid exchange"),
    (Errno::BADR, "EBADR", "invalid request descriptor"),
    (Errno::XFULL, "EXFULL", "exchange full"),
    (Errno::NOANO, "ENOANO", "no anode"),
    (Errno::BADRQC, "EBADRQC", "invalid request code"),
    (Errno::BADSLT, "EBADSLT", "invalid slot"),
    (Errno::BFONT, "EBFONT", "bad font file format"),
    (Errno::NOSTR, "ENOSTR", "device not a stream"),
    (Errno::NODATA, "ENODATA", "no data available"),
    (Errno::TIME, "ETIME", "timer expired"),
    (Errno::NOSR, "ENOSR", "out of streams resources"),
    (Errno::NONET, "ENONET", "machine is not on the network"),
    (Errno::NOPKG, "ENOPKG", "package not installed"),
    (Errno::REMOTE, "EREMOTE", "object is remote"),
    (Errno::NOLINK, "ENOLINK", "link has been severed"),
    (Errno::ADV, "EADV", "advertise error"),
    (Errno::SRMNT, "ESRMNT", "srmount error"),
    (Errno::COMM, "ECOMM", "communication error on send"),
    (Errno::PROTO, "EPROTO", "protocol error"),
    (Errno::MULTIHOP, "EMULTIHOP", "multihop attempted"),
    (Errno::DOTDOT, "EDOTDOT", "rFS specific error"),
    (Errno::BADMSG, "EBADMSG", "bad message"),
    (
        Errno::OVERFLOW,
        "EOVERFLOW",
        "value too large for defined data type",
    ),
    (Errno::NOTUNIQ, "ENOTUNIQ", "name not unique on network"),
    (Errno::BADFD, "EBADFD", "file descriptor in bad state"),
    (Errno::REMCHG, "EREMCHG", "remote address changed"),
    (
        Errno::LIBACC,
        "ELIBACC",
        "can not access a needed shared library",
    ),
    (
        Errno::LIBBAD,
        "ELIBBAD",
        "accessing a corrupted shared library",
    ),
    (Errno::LIBSCN, "ELIBSCN", ".lib section in a.out corrupted"),
    (
        Errno::LIBMAX,
        "ELIBMAX",
        "attempting to link in too many shared libraries",
    ),
    (
        Errno::LIBEXEC,
        "ELIBEXEC",
        "cannot exec a shared library directly",
    ),
    (Errno::ILSEQ, "EILSEQ", "illegal byte sequence"),
    (
        Errno::RESTART,
        "ERESTART",
        "interrupted system call should be restarted",
    ),
    (Errno::STRPIPE, "ESTRPIPE", "streams pipe error"),
    (Errno::USERS, "EUSERS", "too many users"),
    (Errno::NOTSOCK, "ENOTSOCK", "socket operation on non-socket"),
    (
        Errno::DESTADDRREQ,
        "EDESTADDRREQ",
        "destination address required",
    ),
    (Errno::MSGSIZE, "EMSGSIZE", "message too long"),
    (
        Errno::PROTOTYPE,
        "EPROTOTYPE",
        "protocol wrong type for socket",
    ),
    (Errno::NOPROTOOPT, "ENOPROTOOPT", "protocol not available"),
    (
        Errno::PROTONOSUPPORT,
        "EPROTONOSUPPORT",
        "protocol not supported",
    ),
    (
        Errno::SOCKTNOSUPPORT,
        "ESOCKTNOSUPPORT",
        "socket type not supported",
    ),
    (
        Errno::NOTSUP,
        "ENOTSUP",
        "operation not supported on socket",
    ),
    (
        Errno::PFNOSUPPORT,
        "EPFNOSUPPORT",
        "protocol family not supported",
    ),
    (
        Errno::AFNOSUPPORT,
        "EAFNOSUPPORT",
        "address family not supported",
    ),
    (Errno::ADDRINUSE, "EADDRINUSE", "address already in use"),
    (
        Errno::ADDRNOTAVAIL,
        "EADDRNOTAVAIL",
        "address not available",
    ),
    (Errno::NETDOWN, "ENETDOWN", "network is down"),
    (Errno::NETUNREACH, "ENETUNREACH", "network is unreachable"),
    (
        Errno::NETRESET,
        "ENETRESET",
        "network dropped connection on reset",
    ),
    (
        Errno::CONNABORTED,
        "ECONNABORTED",
        "software caused connection abort",
    ),
    (Errno::CONNRESET, "ECONNRESET", "connection reset by peer"),
    (Errno::NOBUFS, "ENOBUFS", "no buffer space available"),
    (Errno::ISCONN, "EISCONN", "socket is already connected"),
    (Errno::NOTCONN, "ENOTCONN", "socket is not connected"),
    (
        Errno::SHUTDOWN,
        "ESHUTDOWN",
        "cannot send after transport endpoint shutdown",
    ),
    (
        Errno::TOOMANYREFS,
        "ETOOMANYREFS",
        "too many references: cannot splice",
    ),
    (Errno::TIMEDOUT, "ETIMEDOUT", "connection timed out"),
    (Errno::CONNREFUSED, "ECONNREFUSED", "connection refused"),
    (Errno::HOSTDOWN, "EHOSTDOWN", "host is down"),
    (Errno::HOSTUNREACH, "EHOSTUNREACH", "host is unreachable"),
    (Errno::ALREADY, "EALREADY", "connection already in progress"),
    (
        Errno::INPROGRESS,
        "EINPROGRESS",
        "operation now in progress",
    ),
    (Errno::STALE, "ESTALE", "stale file handle"),
    (Errno::UCLEAN, "EUCLEAN", "structure needs cleaning"),
    (Errno::NOTNAM, "ENOTNAM", "not a XENIX named type file"),
    (Errno::NAVAIL, "ENAVAIL", "no XENIX semaphores available"),
    (Errno::ISNAM, "EISNAM", "is a named type file"),
    (Errno::REMOTEIO, "EREMOTEIO", "remote I/O error"),
    (Errno::DQUOT, "EDQUOT", "disk quota exceeded"),
    (Errno::NOMEDIUM, "ENOMEDIUM", "no medium found"),
    (Errno::MEDIUMTYPE, "EMEDIUMTYPE", "wrong medium type"),
    (Errno::CANCELED, "ECANCELED", "operation canceled"),
    (Errno::NOKEY, "ENOKEY", "required key not available"),
    (Errno::KEYEXPIRED, "EKEYEXPIRED", "key has expired"),
    (Errno::KEYREVOKED, "EKEYREVOKED", "key has been revoked"),
    (
        Errno::KEYREJECTED,
        "EKEYREJECTED",
        "key was rejected by service",
    ),
    (Errno::OWNERDEAD, "EOWNERDEAD", "owner died"),
    (
        Errno::NOTRECOVERABLE,
        "ENOTRECOVERABLE",
        "state not recoverable",
    ),
    (
        Errno::RFKILL,
        "ERFKILL",
        "operation not possible due to RF-kill",
    ),
];

/// The code (`"ENOENT"`) and message (`"no such file or directory"`) of `errno`.
pub(crate) fn describe(errno: Errno) -> (&'static str, &'static str) {
    ERRNOS
        .iter()
        .find(|(known, _, _)| *known == errno)
        .map_or(("UNKNOWN", "unknown error"), |&(_, code, message)| {
            (code, message)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_spelled_like_node() {
        for (i, (errno, code, message)) in ERRNOS.iter().enumerate() {
            assert!(code.starts_with('E'), "{code}");
            assert!(!message.is_empty() && !message.ends_with('.'), "{message}");
            assert!(
                ERRNOS[..i].iter().all(|(other, _, _)| other != errno),
                "{code} appears twice"
            );
        }
        assert_eq!(
            describe(Errno::NOENT),
            ("ENOENT", "no such file or directory")
        );
        assert_eq!(describe(Errno::BADF), ("EBADF", "bad file descriptor"));
        assert_eq!(
            describe(Errno::NOTSUP),
            ("ENOTSUP", "operation not supported on socket")
        );
    }
}
