// Owned and borrowed file descriptors, after Rust's io-lifetimes.
//
// An OwnedFd keeps its number privately and hands it to the binding only
// while it owns it. Closing it while a threadpool call still uses the number
// only marks it closed; the close itself waits until the last such call
// settles, so the number cannot be reused by another file under that call.

import type { FileHandle } from 'node:fs/promises'
import { inspect } from 'node:util'

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

/**
 * @internal Closes a descriptor whose owner is gone or has moved on: nobody
 * is left to hear what close reports, and the number is freed either way.
 */
export function closeQuietly(fd: number): void {
  try {
    native.fdClose(fd)
  } catch {
    // The owner is gone; see above.
  }
}

/** The last resort for descriptors nobody closed: close them, and say so. */
const unclosed = new FinalizationRegistry<number>((fd) => {
  closeQuietly(fd)
  process.emitWarning(`Closing file descriptor ${fd} on garbage collection`, {
    type: 'Warning',
    code: 'SYSIX_UNCLOSED_FD',
    detail: 'An OwnedFd was garbage-collected while still open. Call close(), or declare it with `using`, to release it promptly.',
  })
})

let wrap: (fd: number) => OwnedFd
let liveFd: (owner: OwnedFd, syscall: string) => number
let lease: (owner: OwnedFd, syscall: string) => number
let release: (owner: OwnedFd) => void
let borrowOf: (source: number | OwnedFd) => BorrowedFd
let sourceOf: (fd: BorrowedFd) => number | OwnedFd

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
  /** The number while this object owns it, -1 once closed or given up. */
  #fd: number
  /** How many threadpool calls are using the number right now. */
  #busy = 0
  /** A number whose close waits for the last of those calls, or -1. */
  #closeWhenIdle = -1

  private constructor(token: typeof INTERNAL, fd: number) {
    if (token !== INTERNAL) {
      throw new TypeError('Illegal constructor: use OwnedFd.fromRaw(fd) or a sysix function that returns one')
    }
    this.#fd = fd
    unclosed.register(this, fd, this)
  }

  static {
    wrap = (fd) => new OwnedFd(INTERNAL, fd)
    liveFd = (owner, syscall) => owner.#live(syscall)
    lease = (owner, syscall) => {
      const fd = owner.#live(syscall)
      owner.#busy++
      return fd
    }
    release = (owner) => {
      if (--owner.#busy === 0 && owner.#closeWhenIdle >= 0) {
        closeQuietly(owner.#closeWhenIdle)
        owner.#closeWhenIdle = -1
      }
    }
  }

  /**
   * Takes ownership of a descriptor opened elsewhere (`fs.openSync`, a
   * native module): from now on this object closes it, so nothing else may.
   * Fails with `EBADF` if `fd` is not open.
   *
   * @see https://man7.org/linux/man-pages/man2/fcntl.2.html
   */
  static fromRaw(fd: number): OwnedFd {
    native.fdCheck(validateInteger(fd, 'fd', 0, INT32_MAX))
    return wrap(fd)
  }

  /** The descriptor number, for Node's `fs` functions, `net.Socket({ fd })` or `spawn`'s `stdio`. */
  get fd(): number {
    return this.#live('fd')
  }

  /** Whether the descriptor has been closed or given up with {@link OwnedFd.intoRaw}. */
  get closed(): boolean {
    return this.#fd < 0
  }

  /**
   * Closes the descriptor. Calling it again does nothing. Throws what the
   * kernel reports (`EIO` from a network filesystem); the descriptor is
   * closed all the same. While a threadpool call still uses it, the close
   * happens when that call settles.
   *
   * @see https://man7.org/linux/man-pages/man2/close.2.html
   */
  close(): void {
    const fd = this.#give()
    if (fd < 0) {
      return
    }
    if (this.#busy > 0) {
      this.#closeWhenIdle = fd
    } else {
      native.fdClose(fd)
    }
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
    return wrap(native.fdDup(this.#live('dup')))
  }

  /**
   * Gives up ownership and returns the number, which the caller must now
   * close (`fs.closeSync`). This object counts as closed afterwards.
   */
  intoRaw(): number {
    this.#live('intoRaw')
    return this.#give()
  }

  /** A {@link BorrowedFd} of this descriptor, valid while it stays open. */
  borrow(): BorrowedFd {
    this.#live('borrow')
    return borrowOf(this)
  }

  /** The number, or `EBADF` once closed, naming `syscall`. */
  #live(syscall: string): number {
    if (this.#fd < 0) {
      throw closedFd(syscall)
    }
    return this.#fd
  }

  /** Stops owning the number (no close) and returns it, or -1 if already given up. */
  #give(): number {
    const fd = this.#fd
    if (fd >= 0) {
      this.#fd = -1
      unclosed.unregister(this)
    }
    return fd
  }

  [inspect.custom](): string {
    return this.#fd < 0 ? 'OwnedFd { closed }' : `OwnedFd { fd: ${this.#fd} }`
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

/** @internal Takes ownership of a descriptor the binding just created. */
export function ownedFromRaw(fd: number): OwnedFd {
  return wrap(fd)
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

/** The `OwnedFd` behind a descriptor argument, if there is one. */
function ownerOf(value: unknown): OwnedFd | undefined {
  if (value instanceof OwnedFd) {
    return value
  }
  if (value instanceof BorrowedFd) {
    const source = sourceOf(value)
    return typeof source === 'number' ? undefined : source
  }
  return undefined
}

/** A descriptor argument's number, or `undefined` if it is not one. `syscall` names the caller in `EBADF` errors. */
function fdNumber(value: unknown, name: string, syscall: string): number | undefined {
  if (typeof value === 'number') {
    return validateInteger(value, name, 0, INT32_MAX)
  }
  const owner = ownerOf(value)
  if (owner !== undefined) {
    return liveFd(owner, syscall)
  }
  if (value instanceof BorrowedFd) {
    return value.fd
  }
  if (isFileHandle(value)) {
    if (value.fd < 0) {
      throw closedFd(syscall)
    }
    return value.fd
  }
  return undefined
}

/** @internal A descriptor argument as the binding takes it: its number. */
export function toFd(value: unknown, name: string, syscall: string): number {
  const fd = fdNumber(value, name, syscall)
  if (fd === undefined) {
    throw invalidArgType(name, 'of type number or an instance of OwnedFd, BorrowedFd or FileHandle', value)
  }
  return fd
}

/** @internal A path or a descriptor, as the binding takes it. */
export function toTarget(value: unknown, name: string, syscall: string): string | Uint8Array | number {
  if (isPathLike(value)) {
    return toPath(value, name)
  }
  const fd = fdNumber(value, name, syscall)
  if (fd === undefined) {
    throw invalidArgType(
      name,
      'of type string or number or an instance of Buffer, URL, OwnedFd, BorrowedFd or FileHandle',
      value,
    )
  }
  return fd
}

/**
 * @internal Runs a threadpool call on a path or descriptor argument. An
 * `OwnedFd` behind it stays open until the call settles, even if closed
 * meanwhile.
 */
export async function withTarget<T>(
  value: unknown,
  name: string,
  syscall: string,
  call: (target: string | Uint8Array | number) => Promise<T>,
): Promise<T> {
  const owner = ownerOf(value)
  if (owner === undefined) {
    return call(toTarget(value, name, syscall))
  }
  const fd = lease(owner, syscall)
  try {
    return await call(fd)
  } finally {
    release(owner)
  }
}
