// Names in directories: the *at calls and renameat2.

import { native } from '../binding'
import { invalidArgValue } from '../errors'
import type { FdLike } from '../fd'
import {
  flagBits,
  type PathLike,
  toPath,
  validateBoolean,
  validateFollow,
  validateInteger,
  validateMode,
  validateOffset,
  validateOptions,
  type Mode,
} from '../validate'
import { constants, type NameEncoding, rawNames } from './common'

/** Options of {@link renameat2Sync}. */
export interface RenameOptions {
  /** Fail with `EEXIST` if the new name exists (`RENAME_NOREPLACE`), instead of replacing it. */
  noReplace?: boolean
  /** Swap the two names atomically (`RENAME_EXCHANGE`); both must exist. */
  exchange?: boolean
  /** Leave a whiteout (for overlay filesystems; `RENAME_WHITEOUT`, needs privilege). */
  whiteout?: boolean
}

const RENAME_BITS = {
  noReplace: constants.RENAME_NOREPLACE,
  exchange: constants.RENAME_EXCHANGE,
  whiteout: constants.RENAME_WHITEOUT,
} as const

/** @internal `RENAME_*` bits from options. */
export function renameBits(options: RenameOptions | undefined): number {
  return flagBits(options, RENAME_BITS)
}

/** A directory of the `*at` calls: a descriptor of it, or `constants.AT_FDCWD` for the current directory. */
export type DirLike = FdLike | typeof constants.AT_FDCWD

function renameArgs(oldDir: DirLike, oldPath: unknown, newDir: DirLike, newPath: unknown, options: RenameOptions | undefined) {
  return [oldDir, toPath(oldPath, 'oldPath'), newDir, toPath(newPath, 'newPath'), renameBits(options)] as const
}

/**
 * Renames `oldPath` (relative to `oldDir`) to `newPath` (relative to
 * `newDir`), atomically: with `noReplace`, only if `newPath` does not exist
 * (a create-only rename, race-free); with `exchange`, swapping the two.
 *
 * @example
 * ```ts
 * renameat2Sync(AT_FDCWD, 'draft', AT_FDCWD, 'final', { noReplace: true })
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/rename.2.html
 */
export function renameat2Sync(oldDir: DirLike, oldPath: PathLike, newDir: DirLike, newPath: PathLike, options?: RenameOptions): void {
  native.renameat2Sync(...renameArgs(oldDir, oldPath, newDir, newPath, options))
}

/**
 * {@link renameat2Sync} on the libuv threadpool.
 *
 * @example
 * ```ts
 * await renameat2(AT_FDCWD, 'draft', AT_FDCWD, 'final', { noReplace: true })
 * ```
 */
export async function renameat2(
  oldDir: DirLike,
  oldPath: PathLike,
  newDir: DirLike,
  newPath: PathLike,
  options?: RenameOptions,
): Promise<void> {
  return native.renameat2(...renameArgs(oldDir, oldPath, newDir, newPath, options))
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

function linkArgs(oldDir: DirLike, oldPath: unknown, newDir: DirLike, newPath: unknown, options: LinkOptions | undefined) {
  const { followSymlinks, emptyPath } = validateOptions(options)
  const args = {
    oldDir,
    oldPath: toPath(oldPath, 'oldPath'),
    newDir,
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
 * @example
 * ```ts
 * linkatSync(AT_FDCWD, 'data.bin', AT_FDCWD, 'backup.bin')
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/link.2.html
 */
export function linkatSync(oldDir: DirLike, oldPath: PathLike, newDir: DirLike, newPath: PathLike, options?: LinkOptions): void {
  const a = linkArgs(oldDir, oldPath, newDir, newPath, options)
  if (a.empty) {
    native.linkFdSync(a.oldDir, a.newDir, a.newPath)
  } else {
    native.linkatSync(a.oldDir, a.oldPath, a.newDir, a.newPath, a.follow)
  }
}

/**
 * {@link linkatSync} on the libuv threadpool.
 *
 * @example
 * ```ts
 * await linkat(AT_FDCWD, 'data.bin', AT_FDCWD, 'backup.bin')
 * ```
 */
export async function linkat(oldDir: DirLike, oldPath: PathLike, newDir: DirLike, newPath: PathLike, options?: LinkOptions): Promise<void> {
  const a = linkArgs(oldDir, oldPath, newDir, newPath, options)
  return a.empty ? native.linkFd(a.oldDir, a.newDir, a.newPath) : native.linkat(a.oldDir, a.oldPath, a.newDir, a.newPath, a.follow)
}

function symlinkArgs(target: unknown, dir: DirLike, path: unknown) {
  return [toPath(target, 'target'), dir, toPath(path, 'path')] as const
}

/**
 * Creates a symlink at `path` (relative to `dir`) holding `target`.
 *
 * @example
 * ```ts
 * symlinkatSync('releases/v2', AT_FDCWD, 'current')
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/symlink.2.html
 */
export function symlinkatSync(target: PathLike, dir: DirLike, path: PathLike): void {
  native.symlinkatSync(...symlinkArgs(target, dir, path))
}

/**
 * {@link symlinkatSync} on the libuv threadpool.
 *
 * @example
 * ```ts
 * await symlinkat('releases/v2', AT_FDCWD, 'current')
 * ```
 */
export async function symlinkat(target: PathLike, dir: DirLike, path: PathLike): Promise<void> {
  return native.symlinkat(...symlinkArgs(target, dir, path))
}

function readlinkArgs(dir: DirLike, path: unknown, options: { encoding?: NameEncoding } | undefined) {
  return { raw: rawNames(options), args: [dir, toPath(path, 'path')] as const }
}

/**
 * What the symlink at `path` (relative to `dir`) holds: a string, or the
 * raw bytes with `encoding: 'buffer'`.
 *
 * @example
 * ```ts
 * readlinkatSync(AT_FDCWD, 'current') // 'releases/v2'
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/readlink.2.html
 */
export function readlinkatSync(dir: DirLike, path: PathLike, options?: { encoding?: 'utf8' }): string
export function readlinkatSync(dir: DirLike, path: PathLike, options: { encoding: 'buffer' }): Buffer
export function readlinkatSync(dir: DirLike, path: PathLike, options?: { encoding?: NameEncoding }): string | Buffer {
  const { raw, args } = readlinkArgs(dir, path, options)
  const target = native.readlinkatSync(...args)
  return raw ? target : target.toString('utf8')
}

/**
 * {@link readlinkatSync} on the libuv threadpool.
 *
 * @example
 * ```ts
 * await readlinkat(AT_FDCWD, 'current') // 'releases/v2'
 * ```
 */
export async function readlinkat(dir: DirLike, path: PathLike, options?: { encoding?: 'utf8' }): Promise<string>
export async function readlinkat(dir: DirLike, path: PathLike, options: { encoding: 'buffer' }): Promise<Buffer>
export async function readlinkat(dir: DirLike, path: PathLike, options?: { encoding?: NameEncoding }): Promise<string | Buffer> {
  const { raw, args } = readlinkArgs(dir, path, options)
  const target = await native.readlinkat(...args)
  return raw ? target : target.toString('utf8')
}

function modeArgs(dir: DirLike, path: unknown, mode: unknown, fallback: number) {
  return [dir, toPath(path, 'path'), validateMode(mode, 'mode', fallback)] as const
}

/**
 * Creates a directory at `path` relative to `dir` (mode `0o777` less the
 * umask by default).
 *
 * @example
 * ```ts
 * mkdiratSync(AT_FDCWD, 'cache', 0o700)
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/mkdir.2.html
 */
export function mkdiratSync(dir: DirLike, path: PathLike, mode?: Mode): void {
  native.mkdiratSync(...modeArgs(dir, path, mode, 0o777))
}

/**
 * {@link mkdiratSync} on the libuv threadpool.
 *
 * @example
 * ```ts
 * await mkdirat(AT_FDCWD, 'cache', 0o700)
 * ```
 */
export async function mkdirat(dir: DirLike, path: PathLike, mode?: Mode): Promise<void> {
  return native.mkdirat(...modeArgs(dir, path, mode, 0o777))
}

function mknodArgs(dir: DirLike, path: unknown, mode: unknown, dev: unknown) {
  return [dir, toPath(path, 'path'), validateInteger(mode, 'mode', 0, 0o177777), validateOffset(dev, 'dev')] as const
}

/**
 * Creates a special file at `path` relative to `dir`: `mode` is a type
 * (`constants.S_IFIFO`, `S_IFSOCK`, `S_IFREG`; with privilege `S_IFCHR`,
 * `S_IFBLK` for device `dev`) with permission bits.
 *
 * @example
 * ```ts
 * mknodatSync(AT_FDCWD, 'events', constants.S_IFIFO | 0o600)
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/mknod.2.html
 */
export function mknodatSync(dir: DirLike, path: PathLike, mode: number, dev: number | bigint = 0): void {
  native.mknodatSync(...mknodArgs(dir, path, mode, dev))
}

/**
 * {@link mknodatSync} on the libuv threadpool.
 *
 * @example
 * ```ts
 * await mknodat(AT_FDCWD, 'events', constants.S_IFIFO | 0o600)
 * ```
 */
export async function mknodat(dir: DirLike, path: PathLike, mode: number, dev: number | bigint = 0): Promise<void> {
  return native.mknodat(...mknodArgs(dir, path, mode, dev))
}

/**
 * Creates a FIFO (a named pipe) at `path` relative to `dir` (mode `0o666`
 * less the umask by default), as `mkfifo(1)`.
 *
 * @example
 * ```ts
 * mkfifoatSync(AT_FDCWD, 'commands')
 * ```
 *
 * @see https://man7.org/linux/man-pages/man3/mkfifo.3.html
 */
export function mkfifoatSync(dir: DirLike, path: PathLike, mode?: Mode): void {
  native.mkfifoatSync(...modeArgs(dir, path, mode, 0o666))
}

/**
 * {@link mkfifoatSync} on the libuv threadpool.
 *
 * @example
 * ```ts
 * await mkfifoat(AT_FDCWD, 'commands')
 * ```
 */
export async function mkfifoat(dir: DirLike, path: PathLike, mode?: Mode): Promise<void> {
  return native.mkfifoat(...modeArgs(dir, path, mode, 0o666))
}

function unlinkArgs(dir: DirLike, path: unknown, options: { removeDir?: boolean } | undefined) {
  const removeDir = validateBoolean(validateOptions(options).removeDir, 'options.removeDir', false)
  return [dir, toPath(path, 'path'), removeDir] as const
}

/**
 * Removes the name `path` relative to `dir`, or with `removeDir` the empty
 * directory (`AT_REMOVEDIR`).
 *
 * @example
 * ```ts
 * unlinkatSync(AT_FDCWD, 'stale.lock')
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/unlink.2.html
 */
export function unlinkatSync(dir: DirLike, path: PathLike, options?: { removeDir?: boolean }): void {
  native.unlinkatSync(...unlinkArgs(dir, path, options))
}

/**
 * {@link unlinkatSync} on the libuv threadpool.
 *
 * @example
 * ```ts
 * await unlinkat(AT_FDCWD, 'stale.lock')
 * ```
 */
export async function unlinkat(dir: DirLike, path: PathLike, options?: { removeDir?: boolean }): Promise<void> {
  return native.unlinkat(...unlinkArgs(dir, path, options))
}

function chmodArgs(dir: DirLike, path: unknown, mode: unknown, options: { followSymlinks?: boolean } | undefined) {
  const follow = validateFollow(options)
  return [dir, toPath(path, 'path'), validateMode(mode, 'mode'), follow] as const
}

/**
 * Changes the mode of `path` relative to `dir`. Not following a final
 * symlink (`followSymlinks: false`) is `fchmodat2` (Linux 6.6; before it,
 * the same through `O_PATH` and `/proc/self/fd`, as glibc does); a
 * symlink's own mode is refused by most filesystems: `code` `'ENOTSUP'`
 * (errno `EOPNOTSUPP`, which Linux gives the same number), as in Node's `fs`.
 *
 * @example
 * ```ts
 * fchmodatSync(AT_FDCWD, 'deploy.sh', 0o755)
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/chmod.2.html
 */
export function fchmodatSync(dir: DirLike, path: PathLike, mode: Mode, options?: { followSymlinks?: boolean }): void {
  native.fchmodatSync(...chmodArgs(dir, path, mode, options))
}

/**
 * {@link fchmodatSync} on the libuv threadpool.
 *
 * @example
 * ```ts
 * await fchmodat(AT_FDCWD, 'deploy.sh', 0o755)
 * ```
 */
export async function fchmodat(dir: DirLike, path: PathLike, mode: Mode, options?: { followSymlinks?: boolean }): Promise<void> {
  return native.fchmodat(...chmodArgs(dir, path, mode, options))
}

function ownerId(value: unknown, name: string): number {
  return value === -1 ? -1 : validateInteger(value, name, 0, 0xfffffffe)
}

function chownArgs(dir: DirLike, path: unknown, uid: unknown, gid: unknown, options: { followSymlinks?: boolean } | undefined) {
  const follow = validateFollow(options)
  return [dir, toPath(path, 'path'), ownerId(uid, 'uid'), ownerId(gid, 'gid'), follow] as const
}

/**
 * Changes the owner and group of `path` relative to `dir`; -1 leaves one as
 * it is. With `followSymlinks: false`, a symlink's own.
 *
 * @example
 * ```ts
 * fchownatSync(AT_FDCWD, 'upload', 1000, -1)
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/chown.2.html
 */
export function fchownatSync(dir: DirLike, path: PathLike, uid: number, gid: number, options?: { followSymlinks?: boolean }): void {
  native.fchownatSync(...chownArgs(dir, path, uid, gid, options))
}

/**
 * {@link fchownatSync} on the libuv threadpool.
 *
 * @example
 * ```ts
 * await fchownat(AT_FDCWD, 'upload', 1000, -1)
 * ```
 */
export async function fchownat(
  dir: DirLike,
  path: PathLike,
  uid: number,
  gid: number,
  options?: { followSymlinks?: boolean },
): Promise<void> {
  return native.fchownat(...chownArgs(dir, path, uid, gid, options))
}
