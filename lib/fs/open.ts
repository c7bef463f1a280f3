// Opening files: open, openat and openat2, returning OwnedFds.

import { native } from '../binding'
import { invalidArgType, invalidArgValue } from '../errors'
import { type FdLike, ownedFromHandle, type OwnedFd } from '../fd'
import { type PathLike, toPath, validateMode, validateOptions, type Mode } from '../validate'
import { constants, type OpenFlags, toDir, toOpenFlags } from './common'

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

const RESOLVE_BITS: [keyof ResolveOptions, number][] = [
  ['beneath', constants.RESOLVE_BENEATH],
  ['inRoot', constants.RESOLVE_IN_ROOT],
  ['noSymlinks', constants.RESOLVE_NO_SYMLINKS],
  ['noMagicLinks', constants.RESOLVE_NO_MAGICLINKS],
  ['noXdev', constants.RESOLVE_NO_XDEV],
  ['cached', constants.RESOLVE_CACHED],
]

function toResolve(value: unknown): number {
  if (value === undefined) {
    return 0
  }
  if (typeof value === 'number') {
    const all = RESOLVE_BITS.reduce((bits, [, bit]) => bits | bit, 0)
    if (!Number.isInteger(value) || value < 0 || (value & ~all) !== 0) {
      throw invalidArgValue('options.resolve', value, 'must be an object of booleans or a number of constants.RESOLVE_* bits')
    }
    return value
  }
  const options = validateOptions(value as ResolveOptions, 'options.resolve')
  let bits = 0
  for (const [name, bit] of RESOLVE_BITS) {
    const set = options[name]
    if (set !== undefined && typeof set !== 'boolean') {
      throw invalidArgType(`options.resolve.${name}`, 'of type boolean', set)
    }
    if (set) {
      bits |= bit
    }
  }
  return bits
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
  const handle = native.openSync(toPath(path, 'path'), toOpenFlags(flags, 'flags', 0), validateMode(mode, 'mode', 0o666))
  return ownedFromHandle(handle)
}

/** {@link openSync} on the libuv threadpool. */
export async function open(path: PathLike, flags: OpenFlags = 'r', mode?: Mode): Promise<OwnedFd> {
  const handle = await native.open(toPath(path, 'path'), toOpenFlags(flags, 'flags', 0), validateMode(mode, 'mode', 0o666))
  return ownedFromHandle(handle)
}

/**
 * Opens `path` relative to the directory `dirFd` (or `constants.AT_FDCWD`):
 * no path above it is looked up again, so a rename of its parents cannot
 * redirect the open.
 *
 * @see https://man7.org/linux/man-pages/man2/openat.2.html
 */
export function openatSync(dirFd: FdLike, path: PathLike, flags: OpenFlags = 'r', mode?: Mode): OwnedFd {
  const dir = toDir(dirFd, 'dirFd', 'openatSync')
  const handle = native.openatSync(dir, toPath(path, 'path'), toOpenFlags(flags, 'flags', 0), validateMode(mode, 'mode', 0o666))
  return ownedFromHandle(handle)
}

/** {@link openatSync} on the libuv threadpool. */
export async function openat(dirFd: FdLike, path: PathLike, flags: OpenFlags = 'r', mode?: Mode): Promise<OwnedFd> {
  const dir = toDir(dirFd, 'dirFd', 'openat')
  const handle = await native.openat(dir, toPath(path, 'path'), toOpenFlags(flags, 'flags', 0), validateMode(mode, 'mode', 0o666))
  return ownedFromHandle(handle)
}

function openat2Args(options: Openat2Options | undefined): [number, number, number] {
  const { flags, mode, resolve } = validateOptions(options)
  return [toOpenFlags(flags, 'options.flags', 0), validateMode(mode, 'options.mode', 0o666), toResolve(resolve)]
}

/**
 * Opens `path` relative to `dirFd` with limits on how it resolves
 * (`resolve: { beneath: true }` keeps it beneath `dirFd`; see
 * {@link ResolveOptions}). Linux 5.6 and later: `ENOSYS` before.
 *
 * @see https://man7.org/linux/man-pages/man2/openat2.2.html
 */
export function openat2Sync(dirFd: FdLike, path: PathLike, options?: Openat2Options): OwnedFd {
  const dir = toDir(dirFd, 'dirFd', 'openat2Sync')
  return ownedFromHandle(native.openat2Sync(dir, toPath(path, 'path'), ...openat2Args(options)))
}

/** {@link openat2Sync} on the libuv threadpool. */
export async function openat2(dirFd: FdLike, path: PathLike, options?: Openat2Options): Promise<OwnedFd> {
  const dir = toDir(dirFd, 'dirFd', 'openat2')
  return ownedFromHandle(await native.openat2(dir, toPath(path, 'path'), ...openat2Args(options)))
}
