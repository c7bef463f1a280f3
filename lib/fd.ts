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

import { closeSync, createReadStream, createWriteStream, type ReadStream, type WriteStream } from 'node:fs'
import type { FileHandle } from 'node:fs/promises'
import { Socket, type SocketConstructorOpts } from 'node:net'
import { types, inspect } from 'node:util'

import { native, scratch } from './binding'
import { closedFd, invalidArgType, invalidArgValue, nodeError } from './errors'
import { checkDenoNumber, DENO, denoResource, denoResourceId, NODE_WORKER, refuseBunSocket, refuseDenoStream } from './runtime'
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

/** The path argument of `fs.createReadStream(path, { fd })`, which Node ignores when given `fd`. */
const NO_PATH = null as unknown as string

/**
 * Tokens of the descriptor table, reserved from the binding a block at a
 * time: every registration (a descriptor sysix creates or adopts) takes the
 * next one, which its `OwnedFd` then holds. They are never reused in the
 * life of the process, so a stale `OwnedFd` can never close a descriptor
 * registered after it.
 */
const TOKEN_BLOCK = 4096
let nextToken = 0
let tokenEnd = 0

/** @internal `count` consecutive tokens for new registrations: the first of them. */
export function takeTokens(count = 1): number {
  if (nextToken + count > tokenEnd) {
    const block = Math.max(TOKEN_BLOCK, count)
    nextToken = native.fdReserveTokens(block)
    tokenEnd = nextToken + block
  }
  const first = nextToken
  nextToken += count
  return first
}

/** What the last-resort close of an unclosed descriptor needs. */
interface Registration {
  fd: number
  token: number
}

/** Closes a descriptor whose holder is gone: nobody is left to hear what close reports. */
function closeQuietly({ fd, token }: Registration): void {
  try {
    native.fdClose(fd, token)
  } catch {
    // The number is freed either way; see above.
  }
}

/**
 * The last resort for descriptors nobody closed, one registry per kind of
 * holder so that the warning names what the program dropped.
 */
const unclosed = new Map<string, FinalizationRegistry<Registration>>()

function registryFor(kind: string): FinalizationRegistry<Registration> {
  let registry = unclosed.get(kind)
  if (registry === undefined) {
    registry = new FinalizationRegistry<Registration>((registration) => {
      closeQuietly(registration)
      process.emitWarning(`Closing file descriptor ${registration.fd} on garbage collection`, {
        type: 'Warning',
        code: 'SYSIX_UNCLOSED_FD',
        detail: `${/^[AEIOU]/.test(kind) ? 'An' : 'A'} ${kind} was garbage-collected while still open. Call close(), or declare it with \`using\`, to release it promptly.`,
      })
    })
    unclosed.set(kind, registry)
  }
  return registry
}

let wrap: (fd: number, token: number, kind: string) => OwnedFd
let fdOf: (owner: OwnedFd) => number
let kindOf: (owner: OwnedFd) => string
let isOwned: (value: object) => value is OwnedFd
let isBorrowed: (value: object) => value is BorrowedFd
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
  /** The descriptor number while this object owns it, -1 once closed or given up. */
  #fd: number
  /** The token of its registration in the binding's table, which closes it. */
  #token: number
  /** What the last-resort close needs (the registry's held value). */
  #registration: Registration
  /** What holds this descriptor, for messages: `OwnedFd`, or the class built on it. */
  readonly #kind: string

  private constructor(token: typeof INTERNAL, fd: number, registration: number, kind: string) {
    if (token !== INTERNAL) {
      throw new TypeError('Illegal constructor: use OwnedFd.fromRaw(fd) or a sysix function that returns one')
    }
    this.#fd = fd
    this.#token = registration
    this.#kind = kind
    this.#registration = { fd, token: registration }
    registryFor(kind).register(this, this.#registration, this)
  }

  static {
    wrap = (fd, token, kind) => new OwnedFd(INTERNAL, fd, token, kind)
    fdOf = (owner) => owner.#fd
    kindOf = (owner) => owner.#kind
    isOwned = (value): value is OwnedFd => #fd in value
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
   * the descriptor over as a duplicate (`F_DUPFD_CLOEXEC`) and closes the
   * number given through Node's `fs.closeSync`, which makes Node forget it:
   * the `OwnedFd`'s number then differs from `fd`. (It does so for every
   * number, even one another thread gave up with `intoRaw()`: whether a
   * worker's `fs` opened a number cannot be told from the number.)
   *
   * On Deno this refuses numbers from `node:fs`: they are resource ids, which
   * Deno closes itself, not kernel descriptors sysix could own.
   *
   * @example
   * ```ts
   * using fd = OwnedFd.fromRaw(fs.openSync('data.bin', 'r'))
   * ```
   *
   * @see https://man7.org/linux/man-pages/man2/fcntl.2.html
   */
  static fromRaw(fd: number): OwnedFd {
    validateInteger(fd, 'fd', 0, INT32_MAX)
    if (DENO && denoResource(fd)) {
      throw denoResourceId('fd', fd)
    }
    if (native.fdKnown(fd)) {
      throw alreadyOwned(fd)
    }
    if (NODE_WORKER) {
      const copy = newOwnedFd((token) => native.fdDup(fd, token))
      try {
        closeSync(fd)
      } catch (error) {
        copy.close()
        throw error
      }
      return copy
    }
    const token = takeTokens()
    if (!native.fdAdopt(fd, token)) {
      throw alreadyOwned(fd)
    }
    return wrap(fd, token, 'OwnedFd')
  }

  /**
   * The descriptor number, lent: for calls that use it and leave it open,
   * such as Node's `fs.readSync(fd.fd, ...)` or `spawn`'s `stdio`. Never
   * give it to something that closes it; see {@link OwnedFd.intoRaw}.
   *
   * @example
   * ```ts
   * fs.fstatSync(owned.fd)
   * ```
   */
  get fd(): number {
    this.#live('OwnedFd.fd')
    return this.#fd
  }

  /** Whether the descriptor has been closed or given up with {@link OwnedFd.intoRaw}. */
  get closed(): boolean {
    return this.#fd < 0
  }

  /**
   * Closes the descriptor. Calling it again does nothing. Throws what the
   * kernel reports (`EIO` from a network filesystem); the descriptor is
   * closed all the same. While a Promise call still uses it, the close
   * happens when that call settles, and a failure then is reported as a
   * `SYSIX_CLOSE_FAILED` process warning. A wait that uses it (a lock, an
   * inotify read) ends at once, rejecting with `EBADF`.
   *
   * @example
   * ```ts
   * const fd = openSync('data.bin')
   * try { ... } finally { fd.close() }
   * ```
   *
   * @see https://man7.org/linux/man-pages/man2/close.2.html
   */
  close(): void {
    const fd = this.#fd
    if (fd < 0) {
      return
    }
    const token = this.#token
    this.#forget()
    native.fdClose(fd, token)
  }

  /** Closes the descriptor when a `using` declaration goes out of scope. */
  [Symbol.dispose](): void {
    this.close()
  }

  /**
   * A new descriptor for the same open file (sharing its offset and status
   * flags), close-on-exec, numbered 3 or above.
   *
   * @example
   * ```ts
   * using copy = owned.dup()
   * ```
   *
   * @see https://man7.org/linux/man-pages/man2/fcntl.2.html (`F_DUPFD_CLOEXEC`)
   */
  dup(): OwnedFd {
    this.#live('OwnedFd.dup')
    return newOwnedFd((token) => native.fdDup(this, token))
  }

  /**
   * Gives up ownership and returns the number, for something that will own
   * and close it (`new net.Socket({ fd })`, `fs.createReadStream(null, { fd })`,
   * `server.listen({ fd })`, `fs.closeSync`, another thread's
   * {@link OwnedFd.fromRaw}). This object counts as closed afterwards.
   * Refused (`EBUSY`) while a Promise call still uses the descriptor: await
   * it first.
   *
   * @example
   * ```ts
   * const socket = new net.Socket({ fd: owned.intoRaw() })
   * ```
   */
  intoRaw(): number {
    this.#live('OwnedFd.intoRaw')
    const fd = this.#fd
    const busy = native.fdRelease(fd, this.#token)
    if (busy > 0) {
      throw nodeError(
        'EBUSY',
        'OwnedFd.intoRaw',
        `${busy} Promise call${busy === 1 ? '' : 's'} still use${busy === 1 ? 's' : ''} descriptor ${fd}; await ${busy === 1 ? 'it' : 'them'} before giving it up`,
      )
    }
    this.#forget()
    return fd
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
    refuseBunSocket('OwnedFd.toSocket')
    return this.#handOver(options, (fd, opts) => new Socket({ ...opts, fd }))
  }

  /**
   * Hands the descriptor over to a new `fs.ReadStream`, which owns it and
   * closes it when it ends or is destroyed (so `autoClose: false` is refused).
   *
   * @example
   * ```ts
   * openSync('log.txt').toReadStream().pipe(process.stdout)
   * ```
   */
  toReadStream(options?: Parameters<typeof createReadStream>[1] & object): ReadStream {
    refuseDenoStream('OwnedFd.toReadStream')
    return this.#handOver(options, (fd, opts) => createReadStream(NO_PATH, { ...opts, fd, autoClose: true }))
  }

  /**
   * Hands the descriptor over to a new `fs.WriteStream`, which owns it and
   * closes it when it finishes or is destroyed (so `autoClose: false` is refused).
   *
   * @example
   * ```ts
   * const out = openSync('log.txt', 'a').toWriteStream()
   * out.end('done\n')
   * ```
   */
  toWriteStream(options?: Parameters<typeof createWriteStream>[1] & object): WriteStream {
    refuseDenoStream('OwnedFd.toWriteStream')
    return this.#handOver(options, (fd, opts) => createWriteStream(NO_PATH, { ...opts, fd, autoClose: true }))
  }

  /**
   * A {@link BorrowedFd} of this descriptor, valid while it stays open.
   *
   * @example
   * ```ts
   * const lent = owned.borrow()
   * ```
   */
  borrow(): BorrowedFd {
    this.#live('OwnedFd.borrow')
    return borrowOf(this)
  }

  /** Releases the descriptor into `make`, taking it back if `make` throws. */
  #handOver<O extends object, T>(options: O | undefined, make: (fd: number, options: Partial<O>) => T): T {
    const opts = { ...validateOptions(options) }
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
      const token = takeTokens()
      if (native.fdAdopt(fd, token)) {
        this.#fd = fd
        this.#token = token
        this.#registration = { fd, token }
        registryFor(this.#kind).register(this, this.#registration, this)
      }
      throw error
    }
  }

  /** `EBADF` once closed, naming `syscall`. */
  #live(syscall: string): void {
    if (this.#fd < 0) {
      throw closedFd(syscall, `the ${this.#kind} is closed`)
    }
  }

  /** Stops holding the descriptor, without closing anything. */
  #forget(): void {
    this.#fd = -1
    this.#token = -1
    registryFor(this.#kind).unregister(this)
  }

  /** What `util.inspect` and `console.log` show: the number, or that it is closed. */
  [inspect.custom](): string {
    return this.#fd < 0 ? 'OwnedFd { closed }' : `OwnedFd { fd: ${this.#fd} }`
  }
}

function alreadyOwned(fd: number): TypeError {
  return invalidArgValue(
    'fd',
    fd,
    'is already owned by an OwnedFd of this process (give it up there with intoRaw() first, or borrow it with borrowFd())',
  )
}

/**
 * A file descriptor used but never closed by this object. Borrowed from an
 * {@link OwnedFd} (`owned.borrow()`), it fails with `EBADF` once the owner is
 * closed; borrowed from a number ({@link borrowFd}), it is trusted.
 *
 * @example
 * ```ts
 * fstatxSync(borrowFd(0))
 * ```
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
    isBorrowed = (value): value is BorrowedFd => #source in value
  }

  /** The descriptor number; `EBADF` if it was borrowed from an owner since closed. */
  get fd(): number {
    const source = this.#source
    return typeof source === 'number' ? source : source.fd
  }

  /** What `util.inspect` and `console.log` show: the number, or that it is closed. */
  [inspect.custom](): string {
    const source = this.#source
    return typeof source === 'number' || !source.closed ? `BorrowedFd { fd: ${this.fd} }` : 'BorrowedFd { closed }'
  }
}

/**
 * Borrows a descriptor number owned by someone else (standard streams, a
 * descriptor from `fs.openSync`): sysix uses it and never closes it.
 *
 * @example
 * ```ts
 * const stdin = borrowFd(0)
 * ```
 */
export function borrowFd(fd: number): BorrowedFd {
  return borrowOf(validateInteger(fd, 'fd', 0, INT32_MAX))
}

/**
 * @internal An `OwnedFd` of a descriptor the binding creates and registers:
 * `make` gets the token to register it under and returns its number. `kind`
 * names the class that holds it, in messages.
 */
export function newOwnedFd(make: (token: number) => number, kind = 'OwnedFd'): OwnedFd {
  const token = takeTokens()
  return wrap(make(token), token, kind)
}

/** @internal {@link newOwnedFd} for a Promise call. */
export async function newOwnedFdAsync(make: (token: number) => Promise<number>, kind = 'OwnedFd'): Promise<OwnedFd> {
  const token = takeTokens()
  return wrap(await make(token), token, kind)
}

/** @internal An `OwnedFd` of a descriptor the binding registered under `token`. */
export function ownedFromToken(fd: number, token: number, kind = 'OwnedFd'): OwnedFd {
  return wrap(fd, token, kind)
}

// Descriptor arguments, resolved by `lib/binding.ts` for every call of the
// binding, in two steps and after every other argument was evaluated:
// `resolveEarly` for each descriptor argument (a `FileHandle`'s `.fd` is read
// there, which may run caller code), then `resolveLate` for each (an
// `OwnedFd` or `BorrowedFd` becomes its number, which runs no caller code),
// then the call. So no caller code runs between the check that an `OwnedFd`
// is open and the system call, and a descriptor closed by a getter of
// another argument (or of a `FileHandle`) is refused with `EBADF`.

/** What a descriptor argument of each kind may be, for `TypeError`s. */
const EXPECTED: Record<string, string> = {
  fd: 'of type number or an instance of OwnedFd, BorrowedFd or FileHandle',
  dir: 'of type number or an instance of OwnedFd, BorrowedFd or FileHandle',
  target: 'of type string or number or an instance of Buffer, URL, OwnedFd, BorrowedFd or FileHandle',
}

/** A plain descriptor number, checked (and, on Deno, checked to be a kernel descriptor). */
function plainNumber(value: number, param: string): number {
  validateInteger(value, param, 0, INT32_MAX)
  checkDenoNumber(value, param, native.fdKnown, (fd) => {
    // The scratch memory, found at the call: this module is loaded while
    // the binding's is (call.ts resolves descriptors with it).
    native.fdIdentity(fd, undefined)
    return [scratch.u64[0], scratch.u64[1]]
  })
  return value
}

/**
 * @internal The first step of resolving a descriptor argument of `kind`
 * (`'fd'`, `'dir'` or `'target'`; a directory's `AT_FDCWD` never gets
 * here, and a target's path is passed as it is): a number is checked, a `FileHandle`
 * becomes its number (its `.fd` read once), an `OwnedFd` or `BorrowedFd` is
 * kept for {@link resolveLate}; anything else is a `TypeError`. `call` names
 * the call in errors.
 */
export function resolveEarly(value: unknown, kind: string, param: string, call: string): unknown {
  if (typeof value === 'number') {
    return plainNumber(value, param)
  }
  if (kind === 'target' && (typeof value === 'string' || types.isUint8Array(value))) {
    return value
  }
  if ((typeof value === 'object' && value !== null) || typeof value === 'function') {
    if (isOwned(value) || isBorrowed(value)) {
      return value
    }
    // A FileHandle (of Node, Bun or Deno): a `close` method and a numeric `fd`.
    const { close, fd } = value as { close?: unknown; fd?: unknown }
    if (typeof close === 'function' && typeof fd === 'number') {
      if (fd < 0) {
        throw closedFd(call, `the FileHandle passed as "${param}" is closed`)
      }
      return plainNumber(fd, param)
    }
  }
  throw invalidArgType(param, EXPECTED[kind] ?? EXPECTED.fd, value)
}

/**
 * @internal The last step of resolving a descriptor argument: an `OwnedFd`
 * or `BorrowedFd` becomes its number, or `EBADF` if closed. Runs no caller code.
 */
export function resolveLate(value: unknown, param: string, call: string): unknown {
  if (typeof value !== 'object' || value === null) {
    return value
  }
  if (isOwned(value)) {
    const fd = fdOf(value)
    if (fd < 0) {
      const kind = kindOf(value)
      throw closedFd(call, kind === 'OwnedFd' ? `the OwnedFd passed as "${param}" is closed` : `the ${kind} is closed`)
    }
    return fd
  }
  if (isBorrowed(value)) {
    const source = sourceOf(value)
    if (typeof source === 'number') {
      return source
    }
    const fd = fdOf(source)
    if (fd < 0) {
      throw closedFd(call, `the BorrowedFd passed as "${param}" borrows an OwnedFd that is closed`)
    }
    return fd
  }
  return value
}

/**
 * @internal A path or a descriptor argument, shaped for the binding: a path
 * (a `file:` URL converted, as Node does) as a string or bytes; a descriptor
 * left for the binding's resolution. Caller code (a URL's getters) runs here.
 */
export function toTargetArg(value: unknown, name: string): string | Uint8Array | FdLike {
  return isPathLike(value) ? toPath(value, name) : (value as FdLike)
}
