import type { FileHandle } from 'node:fs/promises';
import { inspect } from 'node:util';
import { type PathLike } from './validate';
/**
 * Anything sysix accepts as a file descriptor: an {@link OwnedFd}, a
 * {@link BorrowedFd}, a Node `FileHandle` (from `fs/promises`) or a plain
 * number. A plain number is trusted as Node's `fs.fstat(fd)` trusts it.
 */
export type FdLike = OwnedFd | BorrowedFd | FileHandle | number;
/** A file named by a path or by an open descriptor. */
export type PathOrFd = PathLike | FdLike;
/**
 * A file descriptor this object owns: it is closed exactly once, by
 * {@link OwnedFd.close}, by `using`, or, as a last resort, when the object is
 * garbage-collected (with a process warning, as Node does for `FileHandle`).
 *
 * Once closed, every use throws an `EBADF` error without reaching the kernel,
 * even if the kernel has since given the same number to another file. Calls
 * still running on the threadpool keep the descriptor open until they finish.
 *
 * Every descriptor sysix creates is close-on-exec: a child process gets one
 * only when it is passed as `stdio`.
 *
 * @example
 * ```ts
 * using fd = OwnedFd.fromRaw(fs.openSync('data.bin', 'r'))
 * fs.readSync(fd.fd, buffer)
 * ```
 */
export declare class OwnedFd implements Disposable {
    #private;
    private constructor();
    /**
     * Takes ownership of a descriptor opened elsewhere (`fs.openSync`, a
     * native module): from now on this object closes it, so nothing else may.
     * Fails with `EBADF` if `fd` is not open.
     *
     * @see https://man7.org/linux/man-pages/man2/fcntl.2.html
     */
    static fromRaw(fd: number): OwnedFd;
    /** The descriptor number, for Node's `fs` functions, `net.Socket({ fd })` or `spawn`'s `stdio`. */
    get fd(): number;
    /** Whether the descriptor has been closed or given up with {@link OwnedFd.intoRaw}. */
    get closed(): boolean;
    /**
     * Closes the descriptor. Calling it again does nothing. Throws what the
     * kernel reports (`EIO` from a network filesystem); the descriptor is
     * closed all the same. While a threadpool call still uses it, the close
     * happens when that call settles.
     *
     * @see https://man7.org/linux/man-pages/man2/close.2.html
     */
    close(): void;
    /** Closes the descriptor when a `using` declaration goes out of scope. */
    [Symbol.dispose](): void;
    /**
     * A new descriptor for the same open file (sharing its offset and status
     * flags), close-on-exec, numbered 3 or above.
     *
     * @see https://man7.org/linux/man-pages/man2/fcntl.2.html (`F_DUPFD_CLOEXEC`)
     */
    dup(): OwnedFd;
    /**
     * Gives up ownership and returns the number, which the caller must now
     * close (`fs.closeSync`). This object counts as closed afterwards.
     */
    intoRaw(): number;
    /** A {@link BorrowedFd} of this descriptor, valid while it stays open. */
    borrow(): BorrowedFd;
    [inspect.custom](): string;
}
/**
 * A file descriptor used but never closed by this object. Borrowed from an
 * {@link OwnedFd} (`owned.borrow()`), it fails with `EBADF` once the owner is
 * closed; borrowed from a number ({@link borrowFd}), it is trusted.
 */
export declare class BorrowedFd {
    #private;
    private constructor();
    /** The descriptor number; `EBADF` if it was borrowed from an owner since closed. */
    get fd(): number;
    [inspect.custom](): string;
}
/**
 * Borrows a descriptor number owned by someone else (standard streams, a
 * descriptor from `fs.openSync`): sysix uses it and never closes it.
 */
export declare function borrowFd(fd: number): BorrowedFd;
