// Opening files: open, openat and openat2, returning OwnedFds.

import { native } from '../binding'
import { invalidArgValue } from '../errors'
import { type FdLike, newOwnedFd, newOwnedFdAsync, type OwnedFd } from '../fd'
import { flagBits, type PathLike, toPath, validateMode, validateOptions, type Mode } from '../validate'
import { constants, type OpenFlags, toOpenFlags } from './common'

/**
 * How `openat2` may resolve a path: each flag a `RESOLVE_*` limit, or the
 * bits themselves as a number.
 */
export interface ResolveOptions {
  /** Stay beneath the directory: `..` at its top, absolute paths and symlinks out fail with `EXDEV`. */
  beneath?: boolean
  /** Resolve as if the directory were `/` (`..` at the top stays there, absolute symlinks start there). */
  inRoot?: boolean
  /** Follow no symlink at all (`ELOOP`). */
  noSymlinks?: boolean
  /** Follow no magic link (`/proc/self/fd/N`, `/proc/self/root`). */
  noMagicLinks?: boolean
  /** Cross no mount point (`EXDEV`). */
  noXdev?: boolean
  /** Only from the dentry cache, without I/O (`EAGAIN` otherwise). */
  cached?: boolean
}

/** Options of {@link openat2}. */
export interface Openat2Options {
  /** Open flags, as for {@link open}. Default `'r'`. */
  flags?: OpenFlags
  /** The mode to create with. Default `0o666` (less the umask). */
  mode?: Mode
  /** How the path may resolve. */
  resolve?: ResolveOptions | number
}

const RESOLVE_BITS = {
  beneath: constants.RESOLVE_BENEATH,
  inRoot: constants.RESOLVE_IN_ROOT,
  noSymlinks: constants.RESOLVE_NO_SYMLINKS,
  noMagicLinks: constants.RESOLVE_NO_MAGICLINKS,
  noXdev: constants.RESOLVE_NO_XDEV,
  cached: constants.RESOLVE_CACHED,
} as const

const ALL_RESOLVE = Object.values(RESOLVE_BITS).reduce((all, bit) => all | bit, 0)

function toResolve(value: unknown): number {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0 || (value & ~ALL_RESOLVE) !== 0) {
      throw invalidArgValue('options.resolve', value, 'must be an object of booleans or a number of constants.RESOLVE_* bits')
    }
    return value
  }
  return flagBits(value as ResolveOptions | undefined, RESOLVE_BITS, 'options.resolve')
}

function openArgs(path: unknown, flags: unknown, mode: unknown) {
  return [toPath(path, 'path'), toOpenFlags(flags, 'flags', 0), validateMode(mode, 'mode', 0o666)] as const
}

/**
 * Opens a file, close-on-exec, and returns its {@link OwnedFd}. `flags` is a
 * Node string flag (`'r'`, `'w+'`...) or a number of `constants.O_*` bits,
 * with every flag Node's `fs.open` cannot express: `O_PATH`, `O_TMPFILE`,
 * `O_NOFOLLOW`, `O_DIRECT`, `O_NOATIME`...
 *
 * @example An unnamed file, given a name only once it is complete:
 * ```ts
 * using tmp = openSync('/data', constants.O_TMPFILE | constants.O_WRONLY, 0o644)
 * fs.writeSync(tmp.fd, contents)
 * linkatSync(tmp, '', AT_FDCWD, '/data/report.csv', { emptyPath: true })
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/open.2.html
 */
export function openSync(path: PathLike, flags: OpenFlags = 'r', mode?: Mode): OwnedFd {
  const args = openArgs(path, flags, mode)
  return newOwnedFd((token) => native.openSync(...args, token))
}

/**
 * {@link openSync} on the libuv threadpool.
 *
 * @example
 * ```ts
 * using file = await open('data.bin', 'r')
 * ```
 */
export async function open(path: PathLike, flags: OpenFlags = 'r', mode?: Mode): Promise<OwnedFd> {
  const args = openArgs(path, flags, mode)
  return newOwnedFdAsync((token) => native.open(...args, token))
}

/**
 * Opens `path` relative to the directory `dirFd` (or `constants.AT_FDCWD`):
 * no path above it is looked up again, so a rename of its parents cannot
 * redirect the open.
 *
 * @example
 * ```ts
 * using dir = openSync('/srv/data', constants.O_RDONLY | constants.O_DIRECTORY)
 * using file = openatSync(dir, 'index.json')
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/openat.2.html
 */
export function openatSync(dirFd: FdLike, path: PathLike, flags: OpenFlags = 'r', mode?: Mode): OwnedFd {
  const args = openArgs(path, flags, mode)
  return newOwnedFd((token) => native.openatSync(dirFd, ...args, token))
}

/**
 * {@link openatSync} on the libuv threadpool.
 *
 * @example
 * ```ts
 * using dir = openSync('/srv/data', constants.O_RDONLY | constants.O_DIRECTORY)
 * using file = await openat(dir, 'index.json')
 * ```
 */
export async function openat(dirFd: FdLike, path: PathLike, flags: OpenFlags = 'r', mode?: Mode): Promise<OwnedFd> {
  const args = openArgs(path, flags, mode)
  return newOwnedFdAsync((token) => native.openat(dirFd, ...args, token))
}

function openat2Args(path: unknown, options: Openat2Options | undefined) {
  const { flags, mode, resolve } = validateOptions(options)
  return [
    toPath(path, 'path'),
    toOpenFlags(flags, 'options.flags', 0),
    validateMode(mode, 'options.mode', 0o666),
    toResolve(resolve),
  ] as const
}

/**
 * Opens `path` relative to `dirFd` with limits on how it resolves
 * (`resolve: { beneath: true }` keeps it beneath `dirFd`; see
 * {@link ResolveOptions}). Linux 5.6 and later: `ENOSYS` before.
 *
 * @example
 * ```ts
 * using file = openat2Sync(dir, request.path, { resolve: { beneath: true, noMagicLinks: true } })
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/openat2.2.html
 */
export function openat2Sync(dirFd: FdLike, path: PathLike, options?: Openat2Options): OwnedFd {
  const args = openat2Args(path, options)
  return newOwnedFd((token) => native.openat2Sync(dirFd, ...args, token))
}

/**
 * {@link openat2Sync} on the libuv threadpool.
 *
 * @example
 * ```ts
 * using file = await openat2(dir, request.path, { resolve: { beneath: true, noMagicLinks: true } })
 * ```
 */
export async function openat2(dirFd: FdLike, path: PathLike, options?: Openat2Options): Promise<OwnedFd> {
  const args = openat2Args(path, options)
  return newOwnedFdAsync((token) => native.openat2(dirFd, ...args, token))
}
