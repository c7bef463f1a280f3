// File locks: flock, and byte-range locks of an open file description.

import { native } from '../binding'
import { type FdLike, toFd } from '../fd'
import { validateAbortSignal, validateBoolean, validateOffset, validateChoice, validateOptions } from '../validate'
import { abortable } from './common'

/** What {@link flock} does. */
export type FlockOperation = 'shared' | 'exclusive' | 'unlock'

const FLOCK_OPERATIONS = ['shared', 'exclusive', 'unlock'] as const

/** Options of {@link flock}. */
export interface FlockOptions {
  /** Fail with `EAGAIN` (`EWOULDBLOCK`) at once if the lock is held, instead of waiting. Default `false`. */
  nonBlocking?: boolean
  /** Gives up waiting: the promise rejects with an `AbortError`. */
  signal?: AbortSignal
}

/**
 * Takes or releases a whole-file lock (`flock`): `'shared'` (many holders),
 * `'exclusive'` (one) or `'unlock'`, waiting for it unless `nonBlocking`.
 * The lock belongs to the open file (every duplicate of the descriptor
 * shares it); it is released when the last descriptor of that open file
 * closes. The synchronous form waits on the calling thread.
 *
 * @see https://man7.org/linux/man-pages/man2/flock.2.html
 */
export function flockSync(fd: FdLike, operation: FlockOperation, options?: Omit<FlockOptions, 'signal'>): void {
  const op = validateChoice(operation, 'operation', FLOCK_OPERATIONS)
  const nonBlocking = options !== undefined && validateBoolean(validateOptions(options).nonBlocking, 'options.nonBlocking', false)
  // One argument for both: the binding's FLOCK_NON_BLOCKING bit.
  native.flockSync(toFd(fd, 'fd', 'flockSync'), nonBlocking ? op | native.FLOCK_NON_BLOCKING : op)
}

/**
 * {@link flockSync} as a Promise. It waits for the lock on a thread of its
 * own, never on the libuv threadpool (where waiting locks would stop every
 * `fs` call of the program), and `signal` gives the wait up.
 */
export async function flock(fd: FdLike, operation: FlockOperation, options?: FlockOptions): Promise<void> {
  const op = validateChoice(operation, 'operation', FLOCK_OPERATIONS)
  const { nonBlocking, signal } = validateOptions(options)
  validateAbortSignal(signal, 'options.signal')
  const number = toFd(fd, 'fd', 'flock')
  if (validateBoolean(nonBlocking, 'options.nonBlocking', false) || operation === 'unlock') {
    return native.flockNow(number, op)
  }
  return abortable(signal, 'options.signal', (wait) => native.flockWait(number, op, wait))
}

/** The kind of a byte-range lock. */
export type LockType = 'read' | 'write' | 'unlock'

const LOCK_TYPES = ['read', 'write', 'unlock'] as const

/** Options of {@link lock}. */
export interface LockOptions {
  /** `'read'` (shared), `'write'` (exclusive) or `'unlock'`. */
  type: LockType
  /** The first byte. Default 0. */
  start?: number | bigint
  /** How many bytes; 0 (the default) for all the rest of the file, however far it grows. */
  length?: number | bigint
  /** Wait for a conflicting lock to go (default `false`: fail with `EAGAIN`). */
  wait?: boolean
  /** Gives up waiting: the promise rejects with an `AbortError`. */
  signal?: AbortSignal
}

function lockArgs(options: LockOptions): [number, number | bigint, number | bigint] {
  const { type, start, length } = validateOptions(options, 'options')
  return [
    validateChoice(type, 'options.type', LOCK_TYPES),
    start === undefined ? 0 : validateOffset(start, 'options.start'),
    length === undefined ? 0 : validateOffset(length, 'options.length'),
  ]
}

/**
 * Takes or releases a byte-range lock of the open file `fd` refers to
 * (`F_OFD_SETLK`, or `F_OFD_SETLKW` with `wait`). Unlike POSIX `fcntl`
 * locks, these belong to the open file, not the process: closing another
 * descriptor of the file does not drop them, and two opens of the file in
 * one process (or two threads) contend. They conflict with POSIX locks
 * (`fcntl`, `lockf`) of other processes.
 *
 * @see https://man7.org/linux/man-pages/man2/fcntl.2.html ("Open file description locks")
 */
export function lockSync(fd: FdLike, options: Omit<LockOptions, 'signal'>): void {
  const args = lockArgs(options)
  const wait = validateBoolean(options.wait, 'options.wait', false)
  native.lockSync(toFd(fd, 'fd', 'lockSync'), ...args, wait)
}

/** {@link lockSync} as a Promise: a wait happens on a thread of its own, which `signal` gives up. */
export async function lock(fd: FdLike, options: LockOptions): Promise<void> {
  const args = lockArgs(options)
  validateAbortSignal(options.signal, 'options.signal')
  const number = toFd(fd, 'fd', 'lock')
  if (!validateBoolean(options.wait, 'options.wait', false) || options.type === 'unlock') {
    return native.lockNow(number, ...args)
  }
  return abortable(options.signal, 'options.signal', (wait) => native.lockWait(number, ...args, wait))
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
 */
export function getLock(
  fd: FdLike,
  options?: { type?: 'read' | 'write'; start?: number | bigint; length?: number | bigint },
): LockHolder | null {
  const { type = 'write' } = validateOptions(options)
  const [kind, start, length] = lockArgs({ ...options, type })
  const holder = native.getLock(toFd(fd, 'fd', 'getLock'), kind, start, length)
  return holder && { type: holder.kind === 1 ? 'write' : 'read', start: holder.start, length: holder.length, pid: holder.pid }
}
