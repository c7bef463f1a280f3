// File locks: flock, and byte-range locks of an open file description.

import type { FlockOperation, LockType } from '../../binding'
import { choices, native } from '../binding'
import { invalidArgValue } from '../errors'
import type { FdLike } from '../fd'
import { validateAbortSignal, validateBoolean, validateChoice, validateOffset, validateOptions } from '../validate'
import { abortable } from './common'

export type { FlockOperation, LockType }

const FLOCK_OPERATIONS = choices.FlockOperation
const LOCK_TYPES = choices.LockType

/** Options of {@link flock} and {@link lock}. */
export interface LockWaitOptions {
  /**
   * Do not wait for a lock that is held: return `false` at once (and
   * `true` when the lock was taken). Default `false`: wait for it, as
   * `flock(1)`, `fcntl`'s `F_SETLKW` and lock libraries do.
   */
  nonBlocking?: boolean
  /** Gives up waiting (Promise forms only): the promise rejects with an `AbortError`. */
  signal?: AbortSignal
}

/** Options of {@link flock}. */
export type FlockOptions = LockWaitOptions

function flockArgs(fd: FdLike, operation: unknown, options: LockWaitOptions | undefined) {
  const op = validateChoice(operation, 'operation', FLOCK_OPERATIONS)
  const { nonBlocking, signal } = validateOptions(options)
  return {
    fd,
    op,
    // Releasing never waits.
    wait: !validateBoolean(nonBlocking, 'options.nonBlocking', false) && operation !== 'unlock',
    signal: validateAbortSignal(signal, 'options.signal'),
  }
}

/**
 * Takes or releases a whole-file lock (`flock`): `'shared'` (many holders),
 * `'exclusive'` (one) or `'unlock'`. It waits for a lock that is held,
 * unless `nonBlocking`, when it returns `false` at once; it returns `true`
 * once the lock is taken (or released). The lock belongs to the open file
 * (every duplicate of the descriptor shares it); it is released when the
 * last descriptor of that open file closes. The synchronous form waits on
 * the calling thread.
 *
 * @example
 * ```ts
 * using fd = openSync('/var/lock/app.lock', 'w')
 * if (!flockSync(fd, 'exclusive', { nonBlocking: true })) throw new Error('already running')
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/flock.2.html
 */
export function flockSync(fd: FdLike, operation: FlockOperation, options?: Omit<FlockOptions, 'signal'>): boolean {
  const a = flockArgs(fd, operation, options)
  if (a.wait) {
    native.flockSync(a.fd, a.op)
    return true
  }
  return native.flockTrySync(a.fd, a.op)
}

/**
 * {@link flockSync} as a Promise. It waits for the lock on a thread of its
 * own, never on the libuv threadpool (where waiting locks would stop every
 * `fs` call of the program); `signal` gives the wait up, and closing `fd`
 * ends it with `EBADF`.
 *
 * @example
 * ```ts
 * await flock(fd, 'exclusive', { signal: AbortSignal.timeout(5000) })
 * ```
 */
export async function flock(fd: FdLike, operation: FlockOperation, options?: FlockOptions): Promise<boolean> {
  const a = flockArgs(fd, operation, options)
  if (!a.wait) {
    return native.flockTry(a.fd, a.op)
  }
  await abortable(a.signal, 'options.signal', (id) => native.flockWait(a.fd, a.op, id))
  return true
}

/** Options of {@link lock}. */
export interface LockOptions extends LockWaitOptions {
  /** `'read'` (shared), `'write'` (exclusive) or `'unlock'`. */
  type: LockType
  /** The first byte. Default 0. */
  start?: number | bigint
  /** How many bytes; 0 (the default) for all the rest of the file, however far it grows. */
  length?: number | bigint
}

function lockArgs(fd: FdLike, options: LockOptions) {
  const { type, start, length, nonBlocking, signal, wait } = validateOptions(options, 'options') as LockOptions & { wait?: unknown }
  if (wait !== undefined) {
    throw invalidArgValue(
      'options.wait',
      wait,
      'is not an option: lock() waits by default, as flock() does; pass nonBlocking: true not to wait',
    )
  }
  const kind = validateChoice(type, 'options.type', LOCK_TYPES)
  return {
    fd,
    kind,
    start: start === undefined ? 0 : validateOffset(start, 'options.start'),
    length: length === undefined ? 0 : validateOffset(length, 'options.length'),
    wait: !validateBoolean(nonBlocking, 'options.nonBlocking', false) && type !== 'unlock',
    signal: validateAbortSignal(signal, 'options.signal'),
  }
}

/**
 * Takes or releases a byte-range lock of the open file `fd` refers to
 * (`F_OFD_SETLKW`, or `F_OFD_SETLK` with `nonBlocking`, which returns
 * `false` when a conflicting lock is held). Unlike POSIX `fcntl` locks,
 * these belong to the open file, not the process: closing another
 * descriptor of the file does not drop them, and two opens of the file in
 * one process (or two threads) contend. They conflict with POSIX locks
 * (`fcntl`, `lockf`) of other processes.
 *
 * @example
 * ```ts
 * lockSync(fd, { type: 'write', start: 0, length: 4096 })
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/fcntl.2.html ("Open file description locks")
 */
export function lockSync(fd: FdLike, options: Omit<LockOptions, 'signal'>): boolean {
  const a = lockArgs(fd, options)
  if (a.wait) {
    native.lockSync(a.fd, a.kind, a.start, a.length)
    return true
  }
  return native.lockTrySync(a.fd, a.kind, a.start, a.length)
}

/**
 * {@link lockSync} as a Promise: a wait happens on a thread of its own,
 * which `signal` gives up and closing `fd` ends (`EBADF`).
 *
 * @example
 * ```ts
 * await lock(fd, { type: 'read', signal })
 * ```
 */
export async function lock(fd: FdLike, options: LockOptions): Promise<boolean> {
  const a = lockArgs(fd, options)
  if (!a.wait) {
    return native.lockTry(a.fd, a.kind, a.start, a.length)
  }
  await abortable(a.signal, 'options.signal', (id) => native.lockWait(a.fd, a.kind, a.start, a.length, id))
  return true
}

/** A lock in the way, as {@link getLock} reports it. */
export interface LockHolder {
  /** Its kind. */
  type: 'read' | 'write'
  /** The first byte it covers. */
  start: number
  /** How many bytes; 0 for all the rest of the file. */
  length: number
  /** The process holding it, for a POSIX (`fcntl`/`lockf`) lock; `null` for an open file's lock, which no one process holds. */
  pid: number | null
}

/**
 * The first lock that would stop this open file from taking a lock of
 * `type` on the range, or `null` (`F_OFD_GETLK`).
 *
 * @example
 * ```ts
 * const holder = getLock(fd, { type: 'write' })
 * if (holder?.pid) console.log(`locked by process ${holder.pid}`)
 * ```
 */
export function getLock(
  fd: FdLike,
  options?: { type?: 'read' | 'write'; start?: number | bigint; length?: number | bigint },
): LockHolder | null {
  const { type = 'write', start, length } = validateOptions(options)
  const a = lockArgs(fd, { type, start, length })
  const holder = native.getLock(a.fd, a.kind, a.start, a.length)
  return holder && { type: holder.kind === 1 ? 'write' : 'read', start: holder.start, length: holder.length, pid: holder.pid }
}
