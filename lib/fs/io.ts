// Reads and writes in place, and the descriptor-level controls.

import { types } from 'node:util'

import { native } from '../binding'
import { invalidArgType } from '../errors'
import { type FdLike, toFd } from '../fd'
import { validateBoolean, validateInteger, validateOffset, validateOptionalOffset, validateOptions } from '../validate'
import { constants } from './common'

/** Memory to read into or write from: a `Buffer`, any `TypedArray` or a `DataView`, used where it lies (its `byteOffset` and `byteLength`), never copied. */
export type View = NodeJS.ArrayBufferView

function toView(value: unknown, name: string): View {
  if (!types.isArrayBufferView(value)) {
    throw invalidArgType(name, 'an instance of Buffer, TypedArray, or DataView', value)
  }
  return value
}

function toViews(value: unknown, name: string): View[] {
  if (!Array.isArray(value)) {
    throw invalidArgType(name, 'an instance of Array', value)
  }
  return value.map((view, i) => toView(view, `${name}[${i}]`))
}

/**
 * Reads into `view` at `position` without moving the file position
 * (`pread`); returns the bytes read, 0 at the end of the file.
 *
 * @see https://man7.org/linux/man-pages/man2/pread.2.html
 */
export function preadSync(fd: FdLike, view: View, position: number | bigint): number {
  return native.preadSync(toFd(fd, 'fd', 'preadSync'), toView(view, 'view'), validateOffset(position, 'position'))
}

/** {@link preadSync} on the libuv threadpool; `view` must not be transferred until it settles. */
export async function pread(fd: FdLike, view: View, position: number | bigint): Promise<number> {
  return native.pread(toFd(fd, 'fd', 'pread'), toView(view, 'view'), validateOffset(position, 'position'))
}

/**
 * Writes `view` at `position` without moving the file position (`pwrite`);
 * returns the bytes written.
 *
 * @see https://man7.org/linux/man-pages/man2/pwrite.2.html
 */
export function pwriteSync(fd: FdLike, view: View, position: number | bigint): number {
  return native.pwriteSync(toFd(fd, 'fd', 'pwriteSync'), toView(view, 'view'), validateOffset(position, 'position'))
}

/** {@link pwriteSync} on the libuv threadpool. */
export async function pwrite(fd: FdLike, view: View, position: number | bigint): Promise<number> {
  return native.pwrite(toFd(fd, 'fd', 'pwrite'), toView(view, 'view'), validateOffset(position, 'position'))
}

/**
 * Reads into several views in turn at the file position (`readv`);
 * returns the bytes read in all.
 *
 * @see https://man7.org/linux/man-pages/man2/readv.2.html
 */
export function readvSync(fd: FdLike, views: View[]): number {
  return native.readvSync(toFd(fd, 'fd', 'readvSync'), toViews(views, 'views'), null, 0, false)
}

/** {@link readvSync} on the libuv threadpool. */
export async function readv(fd: FdLike, views: View[]): Promise<number> {
  return native.readv(toFd(fd, 'fd', 'readv'), toViews(views, 'views'), null, 0, false)
}

/** Writes several views in turn at the file position (`writev`); returns the bytes written. */
export function writevSync(fd: FdLike, views: View[]): number {
  return native.writevSync(toFd(fd, 'fd', 'writevSync'), toViews(views, 'views'), null, 0, false)
}

/** {@link writevSync} on the libuv threadpool. */
export async function writev(fd: FdLike, views: View[]): Promise<number> {
  return native.writev(toFd(fd, 'fd', 'writev'), toViews(views, 'views'), null, 0, false)
}

/** Options of {@link preadv2Sync} and {@link pwritev2Sync}. */
export interface ReadWrite2Options {
  /** `constants.RWF_*` bits: `RWF_NOWAIT` (fail with `EAGAIN` rather than wait for the device), `RWF_HIPRI`, `RWF_DSYNC`, `RWF_SYNC`, `RWF_APPEND`. */
  flags?: number
}

function rwFlags(options: ReadWrite2Options | undefined): number {
  const { flags } = validateOptions(options)
  return flags === undefined ? 0 : validateInteger(flags, 'options.flags', 0, 0xffffffff)
}

/**
 * `readv` at `position` (or at the file position, moving it, when `null`)
 * with per-call `RWF_*` flags (`preadv2`): `RWF_NOWAIT` reads only what is
 * in the page cache, for a read that must never block. Without `preadv2`
 * in the kernel (`ENOSYS`), a call without flags is made as `preadv`/`readv`.
 *
 * @see https://man7.org/linux/man-pages/man2/preadv2.2.html
 */
export function preadv2Sync(fd: FdLike, views: View[], position: number | bigint | null, options?: ReadWrite2Options): number {
  return native.readvSync(
    toFd(fd, 'fd', 'preadv2Sync'),
    toViews(views, 'views'),
    validateOptionalOffset(position, 'position'),
    rwFlags(options),
    true,
  )
}

/** {@link preadv2Sync} on the libuv threadpool. */
export async function preadv2(fd: FdLike, views: View[], position: number | bigint | null, options?: ReadWrite2Options): Promise<number> {
  return native.readv(
    toFd(fd, 'fd', 'preadv2'),
    toViews(views, 'views'),
    validateOptionalOffset(position, 'position'),
    rwFlags(options),
    true,
  )
}

/**
 * `writev` at `position` (or the file position) with per-call `RWF_*` flags
 * (`pwritev2`). Without `pwritev2` in the kernel (`ENOSYS`), a call without
 * flags is made as `pwritev`/`writev`.
 *
 * @see https://man7.org/linux/man-pages/man2/pwritev2.2.html
 */
export function pwritev2Sync(fd: FdLike, views: View[], position: number | bigint | null, options?: ReadWrite2Options): number {
  return native.writevSync(
    toFd(fd, 'fd', 'pwritev2Sync'),
    toViews(views, 'views'),
    validateOptionalOffset(position, 'position'),
    rwFlags(options),
    true,
  )
}

/** {@link pwritev2Sync} on the libuv threadpool. */
export async function pwritev2(fd: FdLike, views: View[], position: number | bigint | null, options?: ReadWrite2Options): Promise<number> {
  return native.writev(
    toFd(fd, 'fd', 'pwritev2'),
    toViews(views, 'views'),
    validateOptionalOffset(position, 'position'),
    rwFlags(options),
    true,
  )
}

function target(value: unknown, syscall: string): number {
  return toFd(value, 'newFd', syscall)
}

/**
 * Makes the descriptor number `newFd` refer to `fd`'s open file (`dup2`),
 * closing what `newFd` referred to, in one step: how a child's standard
 * streams are redirected. `newFd` is not close-on-exec afterwards. If an
 * `OwnedFd` owns `newFd`, it now owns the new file.
 *
 * @see https://man7.org/linux/man-pages/man2/dup.2.html
 */
export function dup2(fd: FdLike, newFd: FdLike): void {
  native.dup2(toFd(fd, 'fd', 'dup2'), target(newFd, 'dup2'))
}

/** {@link dup2}, with `newFd` close-on-exec unless `cloexec: false` (`dup3`); `fd` and `newFd` must differ. */
export function dup3(fd: FdLike, newFd: FdLike, options?: { cloexec?: boolean }): void {
  const cloexec = validateBoolean(validateOptions(options).cloexec, 'options.cloexec', true)
  native.dup3(toFd(fd, 'fd', 'dup3'), target(newFd, 'dup3'), cloexec)
}

/**
 * The descriptor's flags (`fcntl(F_GETFD)`): `constants.FD_CLOEXEC` or 0.
 *
 * @see https://man7.org/linux/man-pages/man2/fcntl.2.html
 */
export function fcntlGetFd(fd: FdLike): number {
  return native.fcntlGetFd(toFd(fd, 'fd', 'fcntlGetFd'))
}

/** Sets the descriptor's flags (`fcntl(F_SETFD)`): `constants.FD_CLOEXEC` or 0. */
export function fcntlSetFd(fd: FdLike, flags: number): void {
  native.fcntlSetFd(toFd(fd, 'fd', 'fcntlSetFd'), validateInteger(flags, 'flags', 0, constants.FD_CLOEXEC))
}

/** The open file's access mode and status flags (`fcntl(F_GETFL)`): `constants.O_*` bits. */
export function fcntlGetFl(fd: FdLike): number {
  return native.fcntlGetFl(toFd(fd, 'fd', 'fcntlGetFl'))
}

/**
 * Sets the status flags Linux lets change (`fcntl(F_SETFL)`): `O_APPEND`,
 * `O_NONBLOCK`, `O_DIRECT`, `O_NOATIME`, `O_ASYNC`; the rest are ignored.
 * They belong to the open file: every duplicate of it sees them.
 */
export function fcntlSetFl(fd: FdLike, flags: number): void {
  native.fcntlSetFl(toFd(fd, 'fd', 'fcntlSetFl'), validateInteger(flags, 'flags', 0, 0xffffffff))
}

/**
 * How many bytes can be read without waiting (`FIONREAD`): of a pipe, a
 * socket, a terminal, an inotify descriptor; of a file, the rest of it.
 *
 * @see https://man7.org/linux/man-pages/man2/TIOCINQ.2const.html
 */
export function fionread(fd: FdLike): number {
  return native.fionread(toFd(fd, 'fd', 'fionread'))
}
