// Owned and borrowed file descriptors, after Rust's io-lifetimes.
//
// An OwnedFd holds the handle of a descriptor registered in the binding's
// process-wide table (its number and a token). The table decides what may be
// closed and when: only the holder of the token closes, once; a close while a
// Promise call still uses the descriptor waits for that call; and whatever an
// environment (a worker thread) still owns is closed when it goes away, which
// garbage collection never does. This file adds what JavaScript needs on top:
// refusing a closed descriptor before any system call, `using`, the
// garbage-collection safety net, and handing a descriptor over to Node.

import { closeSync, createReadStream, createWriteStream, fstatSync, type ReadStream, type WriteStream } from 'node:fs'
import type { FileHandle } from 'node:fs/promises'
import { Socket, type SocketConstructorOpts } from 'node:net'
import { inspect } from 'node:util'
import { isMainThread } from 'node:worker_threads'

import { native } from './binding'
import { closedFd, invalidArgType, invalidArgValue, nodeError, unavailable } from './errors'
import { INT32_MAX, isPathLike, toPath, validateInteger, validateOptions, type PathLike } from './validate'

/**
 * Anything sysix accepts as a file descriptor: an {@link OwnedFd}, a
 * {@link BorrowedFd}, a Node `FileHandle` (from `fs/promises`) or a plain
 * number. A plain number is trusted as Node's `fs.fstat(fd)` trusts it.
 */
export type FdLike = OwnedFd | BorrowedFd | FileHandle | number

/** A file named by a path or by an open descriptor. */
export type PathOrFd = PathLike | FdLike

const INTERNAL: unique symbol = Symbol('sysix.internal')

/** The number a packed handle carries: its low 31 bits. */
const FD_BITS = 2 ** 31

/** The path argument of `fs.createReadStream(path, { fd })`, which Node ignores when given `fd`. */
const NO_PATH = null as unknown as string

const versions = process.versions as { bun?: string; deno?: string }

/** Whether this is Deno, whose `node:fs` numbers are resource ids rather than kernel descriptors. */
const DENO = versions.deno !== undefined

/** Whether this is Bun. */
const BUN = versions.bun !== undefined

/** Whether Deno's `node:fs` has a resource of this number (then it is Deno's to close, not a descriptor to own). */
function denoResource(fd: number): boolean {
  try {
    fstatSync(fd)
    return true
  } catch {
    return false
  }
}

/**
 * Whether this is a Node worker thread, where Node tracks the descriptors its
 * `fs` opens and closes them when the worker exits (`trackUnmanagedFds`).
 */
const NODE_WORKER = !isMainThread && versions.bun === undefined && !DENO

/** Closes a descriptor whose holder is gone: nobody is left to hear what close reports. */
function closeQuietly(handle: number): void {
  try {
    native.fdClose(handle)
  } catch {
    // The number is freed either way; see above.
  }
}

/**
 * The last resort for descriptors nobody closed, one registry per kind of
 * holder so that the warning names what the program dropped.
 */
const unclosed = new Map<string, FinalizationRegistry<number>>()

function registryFor(kind: string): FinalizationRegistry<number> {
  let registry = unclosed.get(kind)
  if (registry === undefined) {
    registry = new FinalizationRegistry<number>((handle) => {
      closeQuietly(handle)
      process.emitWarning(`Closing file descriptor ${handle % FD_BITS} on garbage collection`, {
        type: 'Warning',
        code: 'SYSIX_UNCLOSED_FD',
        detail: `A ${kind} was garbage-collected while still open. Call close(), or declare it with \`using\`, to release it promptly.`,
      })
    })
    unclosed.set(kind, registry)
  }
  return registry
}

let wrap: (handle: number, kind: string) => OwnedFd
let fdOf: (owner: OwnedFd) => number
let borrowOf: (source: number | OwnedFd) => BorrowedFd
let sourceOf: (fd: BorrowedFd) => number | OwnedFd

/**
 * A file descriptor this object owns: it is closed exactly once, by
 * {@link OwnedFd.close}, by `using`, when the worker thread that owns it
 * exits, or, as a last resort, when the object is garbage-collected (with a
 * process warning, as Node does for `FileHandle`).
 *
 * Once closed, every use throws an `EBADF` error without reaching the kernel,
 * even if the kernel has since given the same number to another file. Promise
 * calls still using the descriptor keep it open until they settle.
 *
 * Every descriptor sysix creates is close-on-exec: a child process gets one
 * only when it is passed as `stdio`.
 *
 * **Borrow or hand over.** {@link OwnedFd.fd} lends the number: right for
 * `fs.readSync(fd.fd, ...)` and `spawn`'s `stdio`, which use it and leave it
 * open. Whatever closes the descriptor itself (`new net.Socket({ fd })`,
 * `fs.createReadStream(null, { fd })`, `server.listen({ fd })`) must be
 * given it with {@link OwnedFd.intoRaw}, or through {@link OwnedFd.toSocket},
 * {@link OwnedFd.toReadStream} and {@link OwnedFd.toWriteStream}: two owners
 * would close it twice, the second time closing whatever file got the number
 * in between.
 *
 * @example
 * ```ts
 * using fd = OwnedFd.fromRaw(fs.openSync('data.bin', 'r'))
 * fs.readSync(fd.fd, buffer)
 * ```
 */
export class OwnedFd implements Disposable {
  /** The packed handle while this object owns the descriptor, -1 once closed or given up. */
  #handle: number
  /**
   * The descriptor number the handle packs (or -1), kept beside it: every
   * call taking this object reads it, and unpacking is a float modulo.
   */
  #fd: number
  /** What holds this descriptor, for messages: `OwnedFd`, or the class built on it. */
  readonly #kind: string

  private constructor(token: typeof INTERNAL, handle: number, kind: string) {
    if (token !== INTERNAL) {
      throw new TypeError('Illegal constructor: use OwnedFd.fromRaw(fd) or a sysix function that returns one')
    }
    this.#handle = handle
    this.#fd = handle % FD_BITS
    this.#kind = kind
    registryFor(kind).register(this, handle, this)
  }

  static {
    wrap = (handle, kind) => new OwnedFd(INTERNAL, handle, kind)
    fdOf = (owner) => owner.#fd
  }

  /**
   * Takes ownership of a descriptor opened elsewhere (`fs.openSync`, a
   * native module, or another thread's {@link OwnedFd.intoRaw}): from now on
   * this object closes it, so nothing else may. Fails with `EBADF` if `fd`
   * is not open, and with `ERR_INVALID_ARG_VALUE` if an `OwnedFd` of this or
   * any other thread already owns it.
   *
   * In a Node worker thread, Node closes every descriptor its `fs` opened
   * when the worker exits, whoever owns it by then. So there `fromRaw` takes
   * a descriptor it did not make over as a duplicate (`F_DUPFD_CLOEXEC`),
   * and closes the number given through Node's `fs.closeSync`, which makes
   * Node forget it: the `OwnedFd`'s number then differs from `fd`.
   * Numbers sysix itself handed out ({@link OwnedFd.intoRaw}) keep theirs.
   *
   * On Deno this refuses numbers from `node:fs`: they are resource ids, which
   * Deno closes itself, not kernel descriptors sysix could own.
   *
   * @see https://man7.org/linux/man-pages/man2/fcntl.2.html
   */
  static fromRaw(fd: number): OwnedFd {
    validateInteger(fd, 'fd', 0, INT32_MAX)
    const known = native.fdKnown(fd)
    // On Deno, a number its node:fs knows is a resource id, even one sysix
    // once gave away (the new owner may have closed it, and Deno reused it).
    if (DENO && denoResource(fd)) {
      throw denoResourceId('fd', fd)
    }
    if (NODE_WORKER && !known) {
      const handle = native.fdDup(fd)
      try {
        closeSync(fd)
      } catch (error) {
        native.fdClose(handle)
        throw error
      }
      return wrap(handle, 'OwnedFd')
    }
    const handle = native.fdAdopt(fd)
    if (handle < 0) {
      throw invalidArgValue(
        'fd',
        fd,
        'is already owned by an OwnedFd of this process (give it up there with intoRaw() first, or borrow it with borrowFd())',
      )
    }
    return wrap(handle, 'OwnedFd')
  }

  /**
   * The descriptor number, lent: for calls that use it and leave it open,
   * such as Node's `fs.readSync(fd.fd, ...)` or `spawn`'s `stdio`. Never
   * give it to something that closes it; see {@link OwnedFd.intoRaw}.
   */
  get fd(): number {
    this.#live('OwnedFd.fd')
    return this.#fd
  }

  /** Whether the descriptor has been closed or given up with {@link OwnedFd.intoRaw}. */
  get closed(): boolean {
    return this.#handle < 0
  }

  /**
   * Closes the descriptor. Calling it again does nothing. Throws what the
   * kernel reports (`EIO` from a network filesystem); the descriptor is
   * closed all the same. While a Promise call still uses it, the close
   * happens when that call settles, and a failure then is reported as a
   * `SYSIX_CLOSE_FAILED` process warning.
   *
   * @see https://man7.org/linux/man-pages/man2/close.2.html
   */
  close(): void {
    const handle = this.#handle
    if (handle < 0) {
      return
    }
    this.#forget()
    native.fdClose(handle)
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
    return wrap(native.fdDup(this.#live('OwnedFd.dup') % FD_BITS), 'OwnedFd')
  }

  /**
   * Gives up ownership and returns the number, for something that will own
   * and close it (`new net.Socket({ fd })`, `fs.createReadStream(null, { fd })`,
   * `server.listen({ fd })`, `fs.closeSync`, another thread's
   * {@link OwnedFd.fromRaw}). This object counts as closed afterwards.
   * Refused (`EBUSY`) while a Promise call still uses the descriptor: await
   * it first.
   */
  intoRaw(): number {
    const handle = this.#live('OwnedFd.intoRaw')
    const busy = native.fdRelease(handle)
    if (busy > 0) {
      throw nodeError(
        'EBUSY',
        'OwnedFd.intoRaw',
        `${busy} Promise call${busy === 1 ? '' : 's'} still use${busy === 1 ? 's' : ''} descriptor ${handle % FD_BITS}; await ${busy === 1 ? 'it' : 'them'} before giving it up`,
      )
    }
    this.#forget()
    return handle % FD_BITS
  }

  /**
   * Hands the descriptor over to a new `net.Socket`, which owns it from
   * then on: reading and writing a pipe, a socket or a terminal as a stream,
   * closed when the socket is destroyed. This object counts as closed
   * afterwards, or stays open if the socket cannot take the descriptor
   * (a regular file, say: `ERR_INVALID_FD_TYPE`).
   *
   * @example
   * ```ts
   * const { reader, writer } = pipe()
   * const socket = reader.toSocket({ readable: true, writable: false })
   * for await (const chunk of socket) ...
   * ```
   */
  toSocket(options?: Omit<SocketConstructorOpts, 'fd'>): Socket {
    if (BUN) {
      // Bun's net.Socket ignores `fd` (oven-sh/bun#29141): the socket would
      // read nothing and never close the descriptor.
      throw unavailable('OwnedFd.toSocket', "Bun's net.Socket does not adopt a descriptor ({ fd }); the descriptor stays owned here")
    }
    return this.#handOver(options, (fd, opts) => new Socket({ ...opts, fd }))
  }

  /**
   * Hands the descriptor over to a new `fs.ReadStream`, which owns it and
   * closes it when it ends or is destroyed (so `autoClose: false` is refused).
   */
  toReadStream(options?: Parameters<typeof createReadStream>[1] & object): ReadStream {
    refuseDenoStream('OwnedFd.toReadStream')
    return this.#handOver(options, (fd, opts) => createReadStream(NO_PATH, { ...opts, fd, autoClose: true }))
  }

  /**
   * Hands the descriptor over to a new `fs.WriteStream`, which owns it and
   * closes it when it finishes or is destroyed (so `autoClose: false` is refused).
   */
  toWriteStream(options?: Parameters<typeof createWriteStream>[1] & object): WriteStream {
    refuseDenoStream('OwnedFd.toWriteStream')
    return this.#handOver(options, (fd, opts) => createWriteStream(NO_PATH, { ...opts, fd, autoClose: true }))
  }

  /** A {@link BorrowedFd} of this descriptor, valid while it stays open. */
  borrow(): BorrowedFd {
    this.#live('OwnedFd.borrow')
    return borrowOf(this)
  }

  /** Releases the descriptor into `make`, taking it back if `make` throws. */
  #handOver<O extends object, T>(options: O | undefined, make: (fd: number, options: Partial<O>) => T): T {
    const opts = validateOptions(options)
    if ('fd' in opts) {
      throw invalidArgValue('options.fd', (opts as { fd: unknown }).fd, 'must not be set: the descriptor is this OwnedFd')
    }
    if ('autoClose' in opts && (opts as { autoClose: unknown }).autoClose !== true) {
      throw invalidArgValue('options.autoClose', (opts as { autoClose: unknown }).autoClose, 'must be true: the stream owns the descriptor')
    }
    const fd = this.intoRaw()
    try {
      return make(fd, opts)
    } catch (error) {
      // The new owner never took it: it is still ours.
      const handle = native.fdAdopt(fd)
      if (handle >= 0) {
        this.#handle = handle
        this.#fd = handle % FD_BITS
        registryFor(this.#kind).register(this, handle, this)
      }
      throw error
    }
  }

  /** The handle, or `EBADF` once closed, naming `syscall`. */
  #live(syscall: string): number {
    if (this.#handle < 0) {
      throw closedFd(syscall, `the ${this.#kind} is closed`)
    }
    return this.#handle
  }

  /** Stops holding the handle, without closing anything. */
  #forget(): void {
    this.#handle = -1
    this.#fd = -1
    registryFor(this.#kind).unregister(this)
  }

  [inspect.custom](): string {
    return this.#handle < 0 ? 'OwnedFd { closed }' : `OwnedFd { fd: ${this.#handle % FD_BITS} }`
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

/**
 * @internal Takes ownership of a descriptor the binding just created and
 * registered, given its packed handle; `kind` names the class that holds it,
 * in the garbage-collection warning.
 */
export function ownedFromHandle(handle: number, kind = 'OwnedFd'): OwnedFd {
  return wrap(handle, kind)
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

/** Deno's fs streams use Deno resources: a kernel descriptor given to one fails (EBADF) and is never closed. */
function refuseDenoStream(feature: string): void {
  if (DENO) {
    throw unavailable(feature, "Deno's fs streams take only descriptors its node:fs opened; the descriptor stays owned here")
  }
}

/**
 * `ERR_INVALID_ARG_VALUE` for a Deno `node:fs` number that is not the kernel
 * descriptor it looks like.
 */
function denoResourceId(name: string, fd: number): TypeError {
  return invalidArgValue(
    name,
    fd,
    "is a Deno resource id, not a kernel file descriptor: Deno's node:fs hands out numbers that it maps and closes itself, " +
      'so sysix can neither own them nor trust them to name the same file. Use descriptors sysix created (an OwnedFd) instead',
  )
}

const identity = new BigUint64Array(2)

/**
 * On Deno, checks that a plain number is the kernel descriptor it looks like:
 * one sysix owns or handed out, a standard stream, or a `node:fs` number whose
 * file is the one the kernel descriptor of that number has open.
 */
function checkDenoNumber(fd: number, name: string): void {
  if (fd <= 2 || native.fdKnown(fd)) {
    return
  }
  let same = false
  try {
    const stats = fstatSync(fd, { bigint: true })
    native.fdIdentity(fd, identity)
    same = stats.dev === identity[0] && stats.ino === identity[1]
  } catch {
    // Not a Deno resource, or not a kernel descriptor: refused below.
  }
  if (!same) {
    throw denoResourceId(name, fd)
  }
}

/** A descriptor argument's number, or `undefined` if it is not one. `syscall` names the caller in `EBADF` errors. */
function fdNumber(value: unknown, name: string, syscall: string): number | undefined {
  let fd: number
  if (typeof value === 'number') {
    fd = validateInteger(value, name, 0, INT32_MAX)
  } else if (value instanceof OwnedFd) {
    const owned = fdOf(value)
    if (owned < 0) {
      throw closedFd(syscall, `the OwnedFd passed as "${name}" is closed`)
    }
    return owned
  } else if (value instanceof BorrowedFd) {
    const source = sourceOf(value)
    if (typeof source !== 'number') {
      const owned = fdOf(source)
      if (owned < 0) {
        throw closedFd(syscall, `the BorrowedFd passed as "${name}" borrows an OwnedFd that is closed`)
      }
      return owned
    }
    fd = source
  } else if (isFileHandle(value)) {
    if (value.fd < 0) {
      throw closedFd(syscall, `the FileHandle passed as "${name}" is closed`)
    }
    fd = value.fd
  } else {
    return undefined
  }
  if (DENO) {
    checkDenoNumber(fd, name)
  }
  return fd
}

/**
 * @internal A descriptor argument as the binding takes it: its number. A
 * Promise call's binding keeps the descriptor open until it settles (it
 * leases an owned descriptor and duplicates any other).
 */
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
    throw invalidArgType(name, 'of type string or number or an instance of Buffer, URL, OwnedFd, BorrowedFd or FileHandle', value)
  }
  return fd
}
