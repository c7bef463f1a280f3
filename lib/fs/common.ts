// What the modules of sysix/fs share: the constants, directory arguments,
// open flags, entry types and abortable waits.

import type { FsConstants } from '../../binding'
import { native } from '../binding'
import { AbortError, invalidArgValue } from '../errors'
import { takeTokens } from '../fd'
import { validateAbortSignal, validateOneOf, validateOptions } from '../validate'

/**
 * The flags and masks `sysix/fs` takes and reports, as numbers, with this
 * architecture's values (like Node's `fs.constants`, which lacks most of
 * them): `O_*` (with `O_PATH`, `O_TMPFILE`, `O_DIRECT`, `O_NOATIME`,
 * `O_LARGEFILE`), `RESOLVE_*`, `AT_FDCWD`, `F_OK`..., `S_IF*`, `STATX_*`
 * and `STATX_ATTR_*`, `FD_CLOEXEC`, `RWF_*`, `IN_*`, `ST_*`, `RENAME_*`,
 * `FALLOC_FL_*`, `MFD_*`, `F_SEAL_*`, `XATTR_*`.
 *
 * @example
 * ```ts
 * openSync('/tmp', constants.O_TMPFILE | constants.O_RDWR)
 * ```
 *
 */
export const constants: Readonly<FsConstants> = Object.freeze({ ...native.fsConstants() })

/**
 * `constants.AT_FDCWD`: the current directory, as the directory of the `*at` calls.
 *
 * @example
 * ```ts
 * mkdiratSync(AT_FDCWD, 'cache')
 * ```
 */
export const AT_FDCWD = constants.AT_FDCWD

/** Node's string flags (`'r'`, `'w+'`, `'ax'`...), as `fs.open` takes them. */
const STRING_FLAGS: Record<string, number> = (() => {
  const { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_APPEND, O_EXCL, O_SYNC } = constants
  const table: Record<string, number> = {
    r: O_RDONLY,
    rs: O_RDONLY | O_SYNC,
    'r+': O_RDWR,
    'rs+': O_RDWR | O_SYNC,
    w: O_TRUNC | O_CREAT | O_WRONLY,
    wx: O_TRUNC | O_CREAT | O_WRONLY | O_EXCL,
    'w+': O_TRUNC | O_CREAT | O_RDWR,
    'wx+': O_TRUNC | O_CREAT | O_RDWR | O_EXCL,
    a: O_APPEND | O_CREAT | O_WRONLY,
    ax: O_APPEND | O_CREAT | O_WRONLY | O_EXCL,
    as: O_APPEND | O_CREAT | O_WRONLY | O_SYNC,
    'a+': O_APPEND | O_CREAT | O_RDWR,
    'ax+': O_APPEND | O_CREAT | O_RDWR | O_EXCL,
    'as+': O_APPEND | O_CREAT | O_RDWR | O_SYNC,
  }
  // Node also accepts the 'x' and 's' letters first: 'xw', 'sr'...
  for (const [flag, value] of Object.entries({ ...table })) {
    if (flag.length >= 2 && /^[rwa][xs]/.test(flag)) {
      table[flag[1] + flag[0] + flag.slice(2)] = value
    }
  }
  return table
})()

/** Open flags: a number of `constants.O_*` bits, or a Node string flag. */
export type OpenFlags = number | string

/** @internal Open flags as the binding takes them. */
export function toOpenFlags(value: unknown, name: string, fallback: number): number {
  if (value === undefined) {
    return fallback
  }
  if (typeof value === 'string') {
    const flags = STRING_FLAGS[value]
    if (flags === undefined) {
      throw invalidArgValue(name, value, 'is invalid')
    }
    return flags
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw invalidArgValue(name, value, 'must be a string flag or a non-negative integer of constants.O_* bits')
  }
  return value
}

/** The type of a directory entry or a file. */
export type FileType = 'file' | 'directory' | 'symlink' | 'fifo' | 'socket' | 'block' | 'char' | 'unknown'

/** @internal The type named by the `S_IF*` bits of a mode (0: unknown). */
export function fileType(mode: number): FileType {
  switch (mode & constants.S_IFMT) {
    case constants.S_IFREG:
      return 'file'
    case constants.S_IFDIR:
      return 'directory'
    case constants.S_IFLNK:
      return 'symlink'
    case constants.S_IFIFO:
      return 'fifo'
    case constants.S_IFSOCK:
      return 'socket'
    case constants.S_IFBLK:
      return 'block'
    case constants.S_IFCHR:
      return 'char'
    default:
      return 'unknown'
  }
}

/** Names as strings (the default) or as the raw bytes, in a `Buffer`. */
export type NameEncoding = 'utf8' | 'buffer'

const ENCODINGS = ['utf8', 'buffer'] as const

/** @internal Whether names are wanted as bytes (`encoding: 'buffer'`); any other encoding than the two is refused. */
export function rawNames(options: { encoding?: NameEncoding } | undefined): boolean {
  return validateOneOf(validateOptions(options).encoding, 'options.encoding', ENCODINGS, 'utf8') === 'buffer'
}

/**
 * @internal Runs a wait of unbounded length (on a thread of its own, see the
 * binding), called off when `signal` fires: it then rejects with
 * {@link AbortError}. `start` starts it under the id given, by which the
 * binding calls it off (ids are unique in the process).
 */
export async function abortable<T>(signal: unknown, name: string, start: (id: number) => Promise<T>): Promise<T> {
  const checked = validateAbortSignal(signal, name)
  if (checked?.aborted) {
    throw new AbortError(checked.reason)
  }
  const id = takeTokens()
  const onAbort = () => native.waitCancel(id)
  checked?.addEventListener('abort', onAbort, { once: true })
  try {
    return await start(id)
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ABORT_ERR') {
      throw new AbortError(checked?.reason)
    }
    throw error
  } finally {
    checked?.removeEventListener('abort', onAbort)
  }
}
