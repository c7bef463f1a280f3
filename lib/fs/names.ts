// Names in directories: the *at calls, renameat2, and atomic file writes.

import { types } from 'node:util'

import { native } from '../binding'
import { invalidArgType, invalidArgValue } from '../errors'
import type { FdLike } from '../fd'
import {
  type PathLike,
  toPath,
  validateBoolean,
  validateInteger,
  validateMode,
  validateOffset,
  validateOptions,
  type Mode,
} from '../validate'
import { constants, type NameEncoding, rawNames, toDir } from './common'

/** Options of {@link renameat2Sync}. */
export interface RenameOptions {
  /** Fail with `EEXIST` if the new name exists (`RENAME_NOREPLACE`), instead of replacing it. */
  noReplace?: boolean
  /** Swap the two names atomically (`RENAME_EXCHANGE`); both must exist. */
  exchange?: boolean
  /** Leave a whiteout (for overlay filesystems; `RENAME_WHITEOUT`, needs privilege). */
  whiteout?: boolean
}

const { RENAME_NOREPLACE, RENAME_EXCHANGE, RENAME_WHITEOUT } = constants

/** @internal `RENAME_*` bits from options. */
export function renameBits(options: RenameOptions | undefined): number {
  const { noReplace, exchange, whiteout } = validateOptions(options)
  return (
    (validateBoolean(noReplace, 'options.noReplace', false) ? RENAME_NOREPLACE : 0) |
    (validateBoolean(exchange, 'options.exchange', false) ? RENAME_EXCHANGE : 0) |
    (validateBoolean(whiteout, 'options.whiteout', false) ? RENAME_WHITEOUT : 0)
  )
}

type Dir = FdLike | typeof constants.AT_FDCWD

/**
 * Renames `oldPath` (relative to `oldDir`) to `newPath` (relative to
 * `newDir`), atomically: with `noReplace`, only if `newPath` does not exist
 * (a create-only rename, race-free); with `exchange`, swapping the two.
 *
 * @see https://man7.org/linux/man-pages/man2/rename.2.html
 */
export function renameat2Sync(oldDir: Dir, oldPath: PathLike, newDir: Dir, newPath: PathLike, options?: RenameOptions): void {
  native.renameat2Sync(
    toDir(oldDir, 'oldDir', 'renameat2Sync'),
    toPath(oldPath, 'oldPath'),
    toDir(newDir, 'newDir', 'renameat2Sync'),
    toPath(newPath, 'newPath'),
    renameBits(options),
  )
}

/** {@link renameat2Sync} on the libuv threadpool. */
export async function renameat2(oldDir: Dir, oldPath: PathLike, newDir: Dir, newPath: PathLike, options?: RenameOptions): Promise<void> {
  return native.renameat2(
    toDir(oldDir, 'oldDir', 'renameat2'),
    toPath(oldPath, 'oldPath'),
    toDir(newDir, 'newDir', 'renameat2'),
    toPath(newPath, 'newPath'),
    renameBits(options),
  )
}

/** Options of {@link linkatSync}. */
export interface LinkOptions {
  /** Follow a final symlink of the old path (`AT_SYMLINK_FOLLOW`). Default `false`, as `link(2)`. */
  followSymlinks?: boolean
  /**
   * `oldPath` is `''` and `oldDir` is the file itself: how an `O_TMPFILE`
   * file gets its name. Done through `/proc/self/fd`, which needs no
   * privilege (`AT_EMPTY_PATH` needs `CAP_DAC_READ_SEARCH`).
   */
  emptyPath?: boolean
}

function linkArgs(oldDir: unknown, oldPath: unknown, newDir: unknown, newPath: unknown, options: LinkOptions | undefined, syscall: string) {
  const { followSymlinks, emptyPath } = validateOptions(options)
  const args = {
    old: toDir(oldDir, 'oldDir', syscall),
    oldPath: toPath(oldPath, 'oldPath'),
    dir: toDir(newDir, 'newDir', syscall),
    newPath: toPath(newPath, 'newPath'),
    follow: validateBoolean(followSymlinks, 'options.followSymlinks', false),
    empty: validateBoolean(emptyPath, 'options.emptyPath', false),
  }
  if (args.empty && (args.oldPath.length !== 0 || followSymlinks !== undefined)) {
    // linkat(2) takes no path and follows nothing with AT_EMPTY_PATH: say so rather than ignore them.
    throw invalidArgValue('oldPath', oldPath, "must be '' with options.emptyPath, and options.followSymlinks must be left out")
  }
  return args
}

/**
 * Creates a hard link `newPath` (relative to `newDir`) to `oldPath`
 * (relative to `oldDir`), or, with `emptyPath`, to the file `oldDir` holds.
 *
 * @see https://man7.org/linux/man-pages/man2/link.2.html
 */
export function linkatSync(oldDir: Dir, oldPath: PathLike, newDir: Dir, newPath: PathLike, options?: LinkOptions): void {
  const a = linkArgs(oldDir, oldPath, newDir, newPath, options, 'linkatSync')
  if (a.empty) {
    native.linkFdSync(a.old, a.dir, a.newPath)
  } else {
    native.linkatSync(a.old, a.oldPath, a.dir, a.newPath, a.follow, false)
  }
}

/** {@link linkatSync} on the libuv threadpool. */
export async function linkat(oldDir: Dir, oldPath: PathLike, newDir: Dir, newPath: PathLike, options?: LinkOptions): Promise<void> {
  const a = linkArgs(oldDir, oldPath, newDir, newPath, options, 'linkat')
  return a.empty ? native.linkFd(a.old, a.dir, a.newPath) : native.linkat(a.old, a.oldPath, a.dir, a.newPath, a.follow, false)
}

/**
 * Creates a symlink at `path` (relative to `dir`) holding `target`.
 *
 * @see https://man7.org/linux/man-pages/man2/symlink.2.html
 */
export function symlinkatSync(target: PathLike, dir: Dir, path: PathLike): void {
  native.symlinkatSync(toPath(target, 'target'), toDir(dir, 'dir', 'symlinkatSync'), toPath(path, 'path'))
}

/** {@link symlinkatSync} on the libuv threadpool. */
export async function symlinkat(target: PathLike, dir: Dir, path: PathLike): Promise<void> {
  return native.symlinkat(toPath(target, 'target'), toDir(dir, 'dir', 'symlinkat'), toPath(path, 'path'))
}

/**
 * What the symlink at `path` (relative to `dir`) holds: a string, or the
 * raw bytes with `encoding: 'buffer'`.
 *
 * @see https://man7.org/linux/man-pages/man2/readlink.2.html
 */
export function readlinkatSync(dir: Dir, path: PathLike, options?: { encoding?: 'utf8' }): string
export function readlinkatSync(dir: Dir, path: PathLike, options: { encoding: 'buffer' }): Buffer
export function readlinkatSync(dir: Dir, path: PathLike, options?: { encoding?: NameEncoding }): string | Buffer {
  const raw = rawNames(options)
  const target = native.readlinkatSync(toDir(dir, 'dir', 'readlinkatSync'), toPath(path, 'path'))
  return raw ? target : target.toString('utf8')
}

/** {@link readlinkatSync} on the libuv threadpool. */
export async function readlinkat(dir: Dir, path: PathLike, options?: { encoding?: 'utf8' }): Promise<string>
export async function readlinkat(dir: Dir, path: PathLike, options: { encoding: 'buffer' }): Promise<Buffer>
export async function readlinkat(dir: Dir, path: PathLike, options?: { encoding?: NameEncoding }): Promise<string | Buffer> {
  const raw = rawNames(options)
  const target = await native.readlinkat(toDir(dir, 'dir', 'readlinkat'), toPath(path, 'path'))
  return raw ? target : target.toString('utf8')
}

/**
 * Creates a directory at `path` relative to `dir` (mode `0o777` less the
 * umask by default).
 *
 * @see https://man7.org/linux/man-pages/man2/mkdir.2.html
 */
export function mkdiratSync(dir: Dir, path: PathLike, mode?: Mode): void {
  native.mkdiratSync(toDir(dir, 'dir', 'mkdiratSync'), toPath(path, 'path'), validateMode(mode, 'mode', 0o777))
}

/** {@link mkdiratSync} on the libuv threadpool. */
export async function mkdirat(dir: Dir, path: PathLike, mode?: Mode): Promise<void> {
  return native.mkdirat(toDir(dir, 'dir', 'mkdirat'), toPath(path, 'path'), validateMode(mode, 'mode', 0o777))
}

function nodeMode(mode: unknown): number {
  return validateInteger(mode, 'mode', 0, 0o177777)
}

/**
 * Creates a special file at `path` relative to `dir`: `mode` is a type
 * (`constants.S_IFIFO`, `S_IFSOCK`, `S_IFREG`; with privilege `S_IFCHR`,
 * `S_IFBLK` for device `dev`) with permission bits.
 *
 * @see https://man7.org/linux/man-pages/man2/mknod.2.html
 */
export function mknodatSync(dir: Dir, path: PathLike, mode: number, dev: number | bigint = 0): void {
  native.mknodatSync(toDir(dir, 'dir', 'mknodatSync'), toPath(path, 'path'), nodeMode(mode), validateOffset(dev, 'dev'))
}

/** {@link mknodatSync} on the libuv threadpool. */
export async function mknodat(dir: Dir, path: PathLike, mode: number, dev: number | bigint = 0): Promise<void> {
  return native.mknodat(toDir(dir, 'dir', 'mknodat'), toPath(path, 'path'), nodeMode(mode), validateOffset(dev, 'dev'))
}

/**
 * Creates a FIFO (a named pipe) at `path` relative to `dir` (mode `0o666`
 * less the umask by default), as `mkfifo(1)`.
 *
 * @see https://man7.org/linux/man-pages/man3/mkfifo.3.html
 */
export function mkfifoatSync(dir: Dir, path: PathLike, mode?: Mode): void {
  native.mkfifoatSync(toDir(dir, 'dir', 'mkfifoatSync'), toPath(path, 'path'), validateMode(mode, 'mode', 0o666))
}

/** {@link mkfifoatSync} on the libuv threadpool. */
export async function mkfifoat(dir: Dir, path: PathLike, mode?: Mode): Promise<void> {
  return native.mkfifoat(toDir(dir, 'dir', 'mkfifoat'), toPath(path, 'path'), validateMode(mode, 'mode', 0o666))
}

/**
 * Removes the name `path` relative to `dir`, or with `removeDir` the empty
 * directory (`AT_REMOVEDIR`).
 *
 * @see https://man7.org/linux/man-pages/man2/unlink.2.html
 */
export function unlinkatSync(dir: Dir, path: PathLike, options?: { removeDir?: boolean }): void {
  const removeDir = validateBoolean(validateOptions(options).removeDir, 'options.removeDir', false)
  native.unlinkatSync(toDir(dir, 'dir', 'unlinkatSync'), toPath(path, 'path'), removeDir)
}

/** {@link unlinkatSync} on the libuv threadpool. */
export async function unlinkat(dir: Dir, path: PathLike, options?: { removeDir?: boolean }): Promise<void> {
  const removeDir = validateBoolean(validateOptions(options).removeDir, 'options.removeDir', false)
  return native.unlinkat(toDir(dir, 'dir', 'unlinkat'), toPath(path, 'path'), removeDir)
}

/**
 * Changes the mode of `path` relative to `dir`. Not following a final
 * symlink (`followSymlinks: false`) is `fchmodat2` (Linux 6.6; before it,
 * the same through `O_PATH` and `/proc/self/fd`, as glibc does); a
 * symlink's own mode is refused by most filesystems: `code` `'ENOTSUP'`
 * (errno `EOPNOTSUPP`, which Linux gives the same number), as in Node's `fs`.
 *
 * @see https://man7.org/linux/man-pages/man2/chmod.2.html
 */
export function fchmodatSync(dir: Dir, path: PathLike, mode: Mode, options?: { followSymlinks?: boolean }): void {
  const follow = validateBoolean(validateOptions(options).followSymlinks, 'options.followSymlinks', true)
  native.fchmodatSync(toDir(dir, 'dir', 'fchmodatSync'), toPath(path, 'path'), validateMode(mode, 'mode'), follow)
}

/** {@link fchmodatSync} on the libuv threadpool. */
export async function fchmodat(dir: Dir, path: PathLike, mode: Mode, options?: { followSymlinks?: boolean }): Promise<void> {
  const follow = validateBoolean(validateOptions(options).followSymlinks, 'options.followSymlinks', true)
  return native.fchmodat(toDir(dir, 'dir', 'fchmodat'), toPath(path, 'path'), validateMode(mode, 'mode'), follow)
}

function ownerId(value: unknown, name: string): number {
  return value === -1 ? -1 : validateInteger(value, name, 0, 0xfffffffe)
}

/**
 * Changes the owner and group of `path` relative to `dir`; -1 leaves one as
 * it is. With `followSymlinks: false`, a symlink's own.
 *
 * @see https://man7.org/linux/man-pages/man2/chown.2.html
 */
export function fchownatSync(dir: Dir, path: PathLike, uid: number, gid: number, options?: { followSymlinks?: boolean }): void {
  const follow = validateBoolean(validateOptions(options).followSymlinks, 'options.followSymlinks', true)
  native.fchownatSync(toDir(dir, 'dir', 'fchownatSync'), toPath(path, 'path'), ownerId(uid, 'uid'), ownerId(gid, 'gid'), follow)
}

/** {@link fchownatSync} on the libuv threadpool. */
export async function fchownat(dir: Dir, path: PathLike, uid: number, gid: number, options?: { followSymlinks?: boolean }): Promise<void> {
  const follow = validateBoolean(validateOptions(options).followSymlinks, 'options.followSymlinks', true)
  return native.fchownat(toDir(dir, 'dir', 'fchownat'), toPath(path, 'path'), ownerId(uid, 'uid'), ownerId(gid, 'gid'), follow)
}

/** Options of {@link writeFileAtomicSync}. */
export interface WriteFileAtomicOptions {
  /** The new file's mode, less the umask. Default `0o666`. */
  mode?: Mode
  /** Put the data and the new name on the device before returning (`fsync` of the file and its directory). Default `true`. */
  fsync?: boolean
}

function fileData(data: unknown): NodeJS.ArrayBufferView {
  if (typeof data === 'string') {
    return Buffer.from(data, 'utf8')
  }
  if (!types.isArrayBufferView(data)) {
    throw invalidArgType('data', 'of type string or an instance of Buffer, TypedArray, or DataView', data)
  }
  return data
}

/**
 * Replaces (or creates) the file at `path` with `data`, whole or not at
 * all: a reader, or a crash at any moment, sees the old file or the new
 * one, never part of either. The data is written to an unnamed `O_TMPFILE`
 * file in the same directory (where `O_TMPFILE` is not supported, a named
 * temporary file), which gets a temporary name `.<name>.sysix-*` and is
 * renamed over `path`. A crash in the moment between the two (or, without
 * `O_TMPFILE`, while writing) leaves that temporary name behind: Linux
 * cannot link a file over an existing name.
 *
 * @see https://man7.org/linux/man-pages/man2/open.2.html (`O_TMPFILE`)
 */
export function writeFileAtomicSync(path: PathLike, data: string | NodeJS.ArrayBufferView, options?: WriteFileAtomicOptions): void {
  const { mode, fsync } = validateOptions(options)
  native.writeFileAtomicSync(
    toPath(path, 'path'),
    fileData(data),
    validateMode(mode, 'options.mode', 0o666),
    validateBoolean(fsync, 'options.fsync', true),
  )
}

/** {@link writeFileAtomicSync} on the libuv threadpool. */
export async function writeFileAtomic(
  path: PathLike,
  data: string | NodeJS.ArrayBufferView,
  options?: WriteFileAtomicOptions,
): Promise<void> {
  const { mode, fsync } = validateOptions(options)
  return native.writeFileAtomic(
    toPath(path, 'path'),
    fileData(data),
    validateMode(mode, 'options.mode', 0o666),
    validateBoolean(fsync, 'options.fsync', true),
  )
}
