// Owned and borrowed file descriptors, after Rust's io-lifetimes.

import type { FileHandle } from 'node:fs/promises'
import { inspect } from 'node:util'

import type { NativeFd } from '../binding'
import { native } from './binding'
import { closedFd, invalidArgType } from './errors'
import { INT32_MAX, isPathLike, toPath, validateInteger, type PathLike } from './validate'

/**
 * Anything sysix accepts as a file descriptor: an {@link OwnedFd}, a
 * {@link BorrowedFd}, a Node `FileHandle` (from `fs/promises`) or a plain
 * number. A plain number is trusted as Node's `fs.fstat(fd)` trusts it.
 */
export type FdLike = OwnedFd | BorrowedFd | FileHandle | number

/** A file named by a path or by an open descriptor. */
export type PathOrFd = PathLike | FdLike

const INTERNAL: unique symbol = Symbol('sysix.internal')

const unclosed = new FinalizationRegistry<NativeFd>((handle) => {
  const fd = handle.fd
  if (fd === null) {
    return
  }
  try {
    handle.close()
  } catch {
    // Nobody is left to hear it: the number is freed whatever close reports.
  }
  process.emitWarning(`Closing file descriptor ${fd} on garbage collection`, {
    type: 'Warning',
    code: 'SYSIX_UNCLOSED_FD',
    detail: 'An OwnedFd was garbage-collected while still open. Call close(), or declare it with `using`, to release it promptly.',
  })
})

let wrap: (handle: NativeFd) => OwnedFd
let handleOf: (fd: OwnedFd) => NativeFd
let sourceOf: (fd: BorrowedFd) => number | OwnedFd
let borrowOf: (source: number | OwnedFd) => BorrowedFd

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
export class OwnedFd implements Disposable {
  readonly #handle: NativeFd

  private constructor(token: typeof INTERNAL, handle: NativeFd) {
    if (token !== INTERNAL) {
      throw new TypeError('Illegal constructor: use OwnedFd.fromRaw(fd) or a sysix function that returns one')
    }
    this.#handle = handle
    unclosed.register(this, handle, this)
  }

  static {
    wrap = (handle) => new OwnedFd(INTERNAL, handle)
    handleOf = (fd) => fd.#handle
  }

  /**
   * Takes ownership of a descriptor opened elsewhere (`fs.openSync`, a
   * native module): from now on this object closes it, so nothing else may.
   * Fails with `EBADF` if `fd` is not open.
   *
   * @see https://man7.org/linux/man-pages/man2/fcntl.2.html
   */
  static fromRaw(fd: number): OwnedFd {
    return wrap(native.NativeFd.fromRaw(validateInteger(fd, 'fd', 0, INT32_MAX)))
  }

  /** The descriptor number, for Node's `fs` functions, `net.Socket({ fd })` or `spawn`'s `stdio`. */
  get fd(): number {
    const fd = this.#handle.fd
    if (fd === null) {
      throw closedFd('fd')
    }
    return fd
  }

  /** Whether the descriptor has been closed or given up with {@link OwnedFd.intoRaw}. */
  get closed(): boolean {
    return this.#handle.closed
  }

  /**
   * Closes the descriptor. Calling it again does nothing. Throws what the
   * kernel reports (`EIO` from a network filesystem); the descriptor is
   * closed all the same.
   *
   * @see https://man7.org/linux/man-pages/man2/close.2.html
   */
  close(): void {
    unclosed.unregister(this)
    this.#handle.close()
  }

  /** Closes the descriptor when a `using` declaration goes out of scope. */
  [Symbol.dispose](): void {
    this.close()
  }

  /**
   * A new descriptor for the same open file (sharing its offset and status
   * flags), close-on-exec, numbered 3 or above.
   *
   * @see https://man7.org/linux/man-pages/man2/fcntl.2.html (`F_DUPFD_CLOEXEC`)
   */
  dup(): OwnedFd {
    return wrap(this.#live('dup').dup())
  }

  /**
   * Gives up ownership and returns the number, which the caller must now
   * close (`fs.closeSync`). This object counts as closed afterwards.
   */
  intoRaw(): number {
    const handle = this.#live('intoRaw')
    unclosed.unregister(this)
    return handle.intoRaw() as number
  }

  /** A {@link BorrowedFd} of this descriptor, valid while it stays open. */
  borrow(): BorrowedFd {
    this.#live('borrow')
    return borrowOf(this)
  }

  #live(syscall: string): NativeFd {
    if (this.#handle.closed) {
      throw closedFd(syscall)
    }
    return this.#handle
  }

  [inspect.custom](): string {
    const fd = this.#handle.fd
    return fd === null ? 'OwnedFd { closed }' : `OwnedFd { fd: ${fd} }`
  }
}

/**
 * A file descriptor used but never closed by this object. Borrowed from an
 * {@link OwnedFd} (`owned.borrow()`), it fails with `EBADF` once the owner is
 * closed; borrowed from a number ({@link borrowFd}), it is trusted.
 */
export class BorrowedFd {
  readonly #source: number | OwnedFd

  private constructor(token: typeof INTERNAL, source: number | OwnedFd) {
    if (token !== INTERNAL) {
      throw new TypeError('Illegal constructor: use borrowFd(fd) or ownedFd.borrow()')
    }
    this.#source = source
  }

  static {
    sourceOf = (fd) => fd.#source
    borrowOf = (source) => new BorrowedFd(INTERNAL, source)
  }

  /** The descriptor number; `EBADF` if it was borrowed from an owner since closed. */
  get fd(): number {
    const source = this.#source
    return typeof source === 'number' ? source : source.fd
  }

  [inspect.custom](): string {
    const source = this.#source
    return typeof source === 'number' || !source.closed ? `BorrowedFd { fd: ${this.fd} }` : 'BorrowedFd { closed }'
  }
}

/**
 * Borrows a descriptor number owned by someone else (standard streams, a
 * descriptor from `fs.openSync`): sysix uses it and never closes it.
 */
export function borrowFd(fd: number): BorrowedFd {
  return borrowOf(validateInteger(fd, 'fd', 0, INT32_MAX))
}

/** @internal Wraps a descriptor the binding just created. */
export function ownedFromNative(handle: NativeFd): OwnedFd {
  return wrap(handle)
}

/** Whether `value` looks like a Node `FileHandle`: a numeric `fd` and a `close` method. */
function isFileHandle(value: unknown): value is FileHandle {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as FileHandle).fd === 'number' &&
    typeof (value as FileHandle).close === 'function'
  )
}

/**
 * @internal A descriptor argument as the binding takes it: a number, or the
 * native handle of an {@link OwnedFd} (which keeps it open through a
 * threadpool call). `syscall` names the caller in `EBADF` errors.
 */
export function toFdArg(value: unknown, name: string, syscall: string): number | NativeFd {
  const fd = fdArg(value, name, syscall)
  if (fd === undefined) {
    throw invalidArgType(name, 'of type number or an instance of OwnedFd, BorrowedFd or FileHandle', value)
  }
  return fd
}

/** @internal A path or a descriptor, as the binding takes it. */
export function toTarget(value: unknown, name: string, syscall: string): string | Uint8Array | number | NativeFd {
  if (isPathLike(value)) {
    return toPath(value, name)
  }
  const fd = fdArg(value, name, syscall)
  if (fd === undefined) {
    throw invalidArgType(
      name,
      'of type string or number or an instance of Buffer, URL, OwnedFd, BorrowedFd or FileHandle',
      value,
    )
  }
  return fd
}

function fdArg(value: unknown, name: string, syscall: string): number | NativeFd | undefined {
  if (typeof value === 'number') {
    return validateInteger(value, name, 0, INT32_MAX)
  }
  if (value instanceof OwnedFd) {
    const handle = handleOf(value)
    if (handle.closed) {
      throw closedFd(syscall)
    }
    return handle
  }
  if (value instanceof BorrowedFd) {
    const source = sourceOf(value)
    return typeof source === 'number' ? source : fdArg(source, name, syscall)
  }
  if (isFileHandle(value)) {
    if (value.fd < 0) {
      throw closedFd(syscall)
    }
    return value.fd
  }
  return undefined
}
