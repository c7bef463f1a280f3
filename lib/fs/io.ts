// Reads and writes in place, and the descriptor-level controls.

import { types } from 'node:util'

import { native } from '../binding'
import { invalidArgType } from '../errors'
import type { FdLike } from '../fd'
import { validateBoolean, validateInteger, validateOptionalOffset, validateOptions } from '../validate'
import { constants } from './common'

/**
 * Memory to read into or write from: a `Buffer`, any `TypedArray` or a
 * `DataView`, where it lies (its `byteOffset` and `byteLength`). A
 * synchronous call reads or writes it in place; a Promise call copies what
 * it writes as it starts and the bytes it reads as it settles, so that a
 * view transferred, detached or collected meanwhile is never touched (a read
 * into a view that is gone by then rejects, the bytes lost).
 */
export type View = NodeJS.ArrayBufferView

/** @internal A view argument, checked. */
export function toView(value: unknown, name: string): View {
  if (!types.isArrayBufferView(value)) {
    throw invalidArgType(name, 'an instance of Buffer, TypedArray, or DataView', value)
  }
  return value
}

/** The views of an array, each element read once, into an array of sysix's own. */
function toViews(value: unknown, name: string): View[] {
  if (!Array.isArray(value)) {
    throw invalidArgType(name, 'an instance of Array', value)
  }
  const length = value.length
  const views = new Array<View>(length)
  for (let i = 0; i < length; i++) {
    views[i] = toView(value[i], `${name}[${i}]`)
  }
  return views
}

/**
 * Reads into `view` at `position` without moving the file position
 * (`pread`), or, with `position` `null`, at the file position, moving it
 * (`read`), as Node's `fs.readSync` takes it; returns the bytes read, 0 at
 * the end of the file.
 *
 * @example
 * ```ts
 * const header = Buffer.alloc(512)
 * preadSync(fd, header, 0)
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/pread.2.html
 */
export function preadSync(fd: FdLike, view: View, position: number | bigint | null): number {
  return native.preadSync(fd, toView(view, 'view'), validateOptionalOffset(position, 'position'))
}

/**
 * {@link preadSync} on the libuv threadpool: the bytes land in `view` as the promise settles.
 *
 * @example
 * ```ts
 * const header = Buffer.alloc(512)
 * await pread(fd, header, 0)
 * ```
 */
export async function pread(fd: FdLike, view: View, position: number | bigint | null): Promise<number> {
  return native.pread(fd, toView(view, 'view'), validateOptionalOffset(position, 'position'))
}

/**
 * Writes `view` at `position` without moving the file position (`pwrite`),
 * or, with `position` `null`, at the file position (`write`); returns the
 * bytes written.
 *
 * @example
 * ```ts
 * pwriteSync(fd, Buffer.from('patched'), 128)
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/pwrite.2.html
 */
export function pwriteSync(fd: FdLike, view: View, position: number | bigint | null): number {
  return native.pwriteSync(fd, toView(view, 'view'), validateOptionalOffset(position, 'position'))
}

/**
 * {@link pwriteSync} on the libuv threadpool.
 *
 * @example
 * ```ts
 * await pwrite(fd, Buffer.from('patched'), 128)
 * ```
 */
export async function pwrite(fd: FdLike, view: View, position: number | bigint | null): Promise<number> {
  return native.pwrite(fd, toView(view, 'view'), validateOptionalOffset(position, 'position'))
}

/**
 * Reads into several views in turn at the file position (`readv`);
 * returns the bytes read in all.
 *
 * @example
 * ```ts
 * const header = Buffer.alloc(16)
 * const body = Buffer.alloc(4096)
 * readvSync(fd, [header, body])
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/readv.2.html
 */
export function readvSync(fd: FdLike, views: View[]): number {
  return native.readvSync(fd, toViews(views, 'views'))
}

/**
 * {@link readvSync} on the libuv threadpool.
 *
 * @example
 * ```ts
 * const header = Buffer.alloc(16)
 * const body = Buffer.alloc(4096)
 * await readv(fd, [header, body])
 * ```
 */
export async function readv(fd: FdLike, views: View[]): Promise<number> {
  return native.readv(fd, toViews(views, 'views'))
}

/**
 * Writes several views in turn at the file position (`writev`); returns the bytes written.
 *
 * @example
 * ```ts
 * writevSync(fd, [Buffer.from('HTTP/1.1 200 OK\r\n'), headers, body])
 * ```
 */
export function writevSync(fd: FdLike, views: View[]): number {
  return native.writevSync(fd, toViews(views, 'views'))
}

/**
 * {@link writevSync} on the libuv threadpool.
 *
 * @example
 * ```ts
 * await writev(fd, [Buffer.from('HTTP/1.1 200 OK\r\n'), headers, body])
 * ```
 */
export async function writev(fd: FdLike, views: View[]): Promise<number> {
  return native.writev(fd, toViews(views, 'views'))
}

/** Options of {@link preadv2Sync} and {@link pwritev2Sync}. */
export interface ReadWrite2Options {
  /** `constants.RWF_*` bits: `RWF_NOWAIT` (fail with `EAGAIN` rather than wait for the device), `RWF_HIPRI`, `RWF_DSYNC`, `RWF_SYNC`, `RWF_APPEND`. */
  flags?: number
}

function vectored2Args<V>(fd: FdLike, views: V, position: unknown, options: ReadWrite2Options | undefined) {
  const { flags } = validateOptions(options)
  const bits = flags === undefined ? 0 : validateInteger(flags, 'options.flags', 0, 0xffffffff)
  return [fd, views, validateOptionalOffset(position, 'position'), bits] as const
}

/**
 * `readv` at `position` (or at the file position, moving it, when `null`)
 * with per-call `RWF_*` flags (`preadv2`): `RWF_NOWAIT` reads only what is
 * in the page cache, for a read that must never block. Without `preadv2`
 * in the kernel (`ENOSYS`), a call without flags is made as `preadv`/`readv`.
 *
 * @example
 * ```ts
 * const n = preadv2Sync(fd, [buffer], 0, { flags: constants.RWF_NOWAIT }) // EAGAIN if not cached
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/preadv2.2.html
 */
export function preadv2Sync(fd: FdLike, views: View[], position: number | bigint | null, options?: ReadWrite2Options): number {
  return native.preadv2Sync(...vectored2Args(fd, toViews(views, 'views'), position, options))
}

/**
 * {@link preadv2Sync} on the libuv threadpool.
 *
 * @example
 * ```ts
 * const n = await preadv2(fd, [buffer], 0, { flags: constants.RWF_NOWAIT }) // EAGAIN if not cached
 * ```
 */
export async function preadv2(fd: FdLike, views: View[], position: number | bigint | null, options?: ReadWrite2Options): Promise<number> {
  return native.preadv2(...vectored2Args(fd, toViews(views, 'views'), position, options))
}

/**
 * `writev` at `position` (or the file position) with per-call `RWF_*` flags
 * (`pwritev2`). Without `pwritev2` in the kernel (`ENOSYS`), a call without
 * flags is made as `pwritev`/`writev`.
 *
 * @example
 * ```ts
 * pwritev2Sync(log, [line], null, { flags: constants.RWF_DSYNC })
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/pwritev2.2.html
 */
export function pwritev2Sync(fd: FdLike, views: View[], position: number | bigint | null, options?: ReadWrite2Options): number {
  return native.pwritev2Sync(...vectored2Args(fd, toViews(views, 'views'), position, options))
}

/**
 * {@link pwritev2Sync} on the libuv threadpool.
 *
 * @example
 * ```ts
 * await pwritev2(log, [line], null, { flags: constants.RWF_DSYNC })
 * ```
 */
export async function pwritev2(fd: FdLike, views: View[], position: number | bigint | null, options?: ReadWrite2Options): Promise<number> {
  return native.pwritev2(...vectored2Args(fd, toViews(views, 'views'), position, options))
}

/**
 * Makes the descriptor number `newFd` refer to `fd`'s open file (`dup2`),
 * closing what `newFd` referred to, in one step: how a child's standard
 * streams are redirected. `newFd` is not close-on-exec afterwards. If an
 * `OwnedFd` owns `newFd`, it now owns the new file.
 *
 * @example
 * ```ts
 * dup2(logFile, 2) // stderr now goes to the log
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/dup.2.html
 */
export function dup2(fd: FdLike, newFd: FdLike): void {
  native.dup2(fd, newFd)
}

/**
 * {@link dup2}, with `newFd` close-on-exec unless `cloexec: false` (`dup3`); `fd` and `newFd` must differ.
 *
 * @example
 * ```ts
 * dup3(logFile, 2, { cloexec: false })
 * ```
 */
export function dup3(fd: FdLike, newFd: FdLike, options?: { cloexec?: boolean }): void {
  const cloexec = validateBoolean(validateOptions(options).cloexec, 'options.cloexec', true)
  native.dup3(fd, newFd, cloexec)
}

/**
 * The descriptor's flags (`fcntl(F_GETFD)`): `constants.FD_CLOEXEC` or 0.
 *
 * @example
 * ```ts
 * fcntlGetFd(fd) === constants.FD_CLOEXEC // true for every sysix descriptor
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/fcntl.2.html
 */
export function fcntlGetFd(fd: FdLike): number {
  return native.fcntlGetFd(fd)
}

/**
 * Sets the descriptor's flags (`fcntl(F_SETFD)`): `constants.FD_CLOEXEC` or 0.
 *
 * @example
 * ```ts
 * fcntlSetFd(fd, 0) // let a child process inherit it
 * ```
 */
export function fcntlSetFd(fd: FdLike, flags: number): void {
  native.fcntlSetFd(fd, validateInteger(flags, 'flags', 0, constants.FD_CLOEXEC))
}

/**
 * The open file's access mode and status flags (`fcntl(F_GETFL)`): `constants.O_*` bits.
 *
 * @example
 * ```ts
 * (fcntlGetFl(fd) & constants.O_ACCMODE) === constants.O_RDONLY
 * ```
 */
export function fcntlGetFl(fd: FdLike): number {
  return native.fcntlGetFl(fd)
}

/**
 * Sets the status flags Linux lets change (`fcntl(F_SETFL)`): `O_APPEND`,
 * `O_NONBLOCK`, `O_DIRECT`, `O_NOATIME`, `O_ASYNC`; the rest are ignored.
 * They belong to the open file: every duplicate of it sees them.
 *
 * @example
 * ```ts
 * fcntlSetFl(fd, fcntlGetFl(fd) | constants.O_NONBLOCK)
 * ```
 *
 */
export function fcntlSetFl(fd: FdLike, flags: number): void {
  native.fcntlSetFl(fd, validateInteger(flags, 'flags', 0, 0xffffffff))
}

/**
 * How many bytes can be read without waiting (`FIONREAD`): of a pipe, a
 * socket, a terminal, an inotify descriptor; of a file, the rest of it.
 *
 * @example
 * ```ts
 * const waiting = fionread(reader) // bytes readable now
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/TIOCINQ.2const.html
 */
export function fionread(fd: FdLike): number {
  return native.fionread(fd)
}
