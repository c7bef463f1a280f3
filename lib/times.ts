// File timestamps to the nanosecond.

import { types } from 'node:util'

import { native, scratch } from './binding'
import { named } from './call'
import { invalidArgType, invalidArgValue, outOfRange, type SystemError } from './errors'
import { type PathOrFd, toTargetArg } from './fd'
import { statxEach, toPaths } from './fs/batch'
import { type PathLike, validateFollow } from './validate'

/** The timestamps of a file as `bigint` nanoseconds since the Unix epoch. */
export interface FileTimes {
  /** Last access (`st_atime`). */
  atimeNs: bigint
  /** Last modification of the contents (`st_mtime`). */
  mtimeNs: bigint
  /** Last change of the inode (`st_ctime`). */
  ctimeNs: bigint
  /** Creation (`stx_btime`), or `null` where the kernel or the filesystem records none. */
  birthtimeNs: bigint | null
}

/**
 * A time to set: a `bigint` of nanoseconds since the Unix epoch, a `Date`, a
 * `number` of milliseconds since the epoch (as `Date.now()` returns), or
 * `'now'` for the kernel's current time. Times before 1970 are negative.
 */
export type TimeLike = bigint | Date | number | 'now'

/** The times to set, at least one of them; an omitted one is left as it is. */
export interface SetFileTimes {
  /** The new access time. */
  atime?: TimeLike
  /** The new modification time. */
  mtime?: TimeLike
}

/** Options of the file-time functions. */
export interface FileTimesOptions {
  /** Act on the file a symlink points to (`true`, the default) or on the link itself. Ignored for descriptors. */
  followSymlinks?: boolean
}

/** The range of a kernel `timespec`: a signed 64-bit count of seconds. */
const MIN_NS = -(2n ** 63n) * 1_000_000_000n
const MAX_NS = (2n ** 63n - 1n) * 1_000_000_000n + 999_999_999n
const NS_PER_MS = 1_000_000n

function toTime(value: unknown, name: string): bigint | 'now' | undefined {
  let ns: bigint
  if (value === undefined || value === 'now') {
    return value
  } else if (typeof value === 'bigint') {
    ns = value
  } else if (typeof value === 'number' || types.isDate(value)) {
    // A Date of any realm (`vm`, Jest), as Node's `fs` takes it.
    const ms = typeof value === 'number' ? value : Date.prototype.getTime.call(value)
    if (!Number.isFinite(ms)) {
      throw outOfRange(name, types.isDate(value) ? 'a valid Date' : 'a finite number of milliseconds', value)
    }
    const whole = Math.trunc(ms)
    ns = BigInt(whole) * NS_PER_MS + BigInt(Math.round((ms - whole) * 1e6))
  } else if (typeof value === 'string') {
    throw invalidArgValue(name, value, "must be 'now' if it is a string")
  } else {
    throw invalidArgType(name, "of type bigint or number, 'now', or an instance of Date", value)
  }
  if (ns < MIN_NS || ns > MAX_NS) {
    throw outOfRange(name, 'within a signed 64-bit count of seconds', value)
  }
  return ns
}

/**
 * File times are what `statx` reports of them: the binding's one `statx`,
 * asked for the four times only, fills its `StatxSlot` layout, of which the
 * times are read here. The synchronous calls share one array; each promise
 * gets its own.
 */
const S = { ...native.StatxSlot }
const shared = scratch.i64
const NS_PER_S = 1_000_000_000n
/** `STATX_ATIME | STATX_MTIME | STATX_CTIME | STATX_BTIME`. */
const TIMES = (() => {
  const { STATX_ATIME, STATX_MTIME, STATX_CTIME, STATX_BTIME } = native.fsConstants()
  return STATX_ATIME | STATX_MTIME | STATX_CTIME | STATX_BTIME
})()
const AT_FDCWD = native.fsConstants().AT_FDCWD
/** `statx`'s `sync` choice `'as-stat'`. */
const AS_STAT = 0

const statxAsFileTimesSync = named(native.statxSync, 'fileTimesSync')
const statxAsFileTimes = named(native.statx, 'fileTimes')
const statxManyAsFileTimes = named(native.statxMany, 'fileTimesMany')

function time(out: BigInt64Array, sec: number, nsec: number): bigint {
  return out[sec] * NS_PER_S + out[nsec]
}

/** The times of the layout at slot `base` of `out` (a batch's lie one after another). */
function readTimes(out: BigInt64Array, _words?: Uint32Array, base = 0): FileTimes {
  return {
    atimeNs: time(out, base + S.AtimeSec, base + S.AtimeNsec),
    mtimeNs: time(out, base + S.MtimeSec, base + S.MtimeNsec),
    ctimeNs: time(out, base + S.CtimeSec, base + S.CtimeNsec),
    birthtimeNs: out[base + S.HasBtime] === 1n ? time(out, base + S.BtimeSec, base + S.BtimeNsec) : null,
  }
}

/**
 * The access, modification, change and birth times of a file, as `bigint`
 * nanoseconds since the Unix epoch, exactly as the kernel keeps them (what
 * `stat --format='%.9X %.9Y %.9Z %.9W'` prints). `birthtimeNs` is `null`
 * where the kernel or the filesystem records no creation time (Node shows
 * the change time there instead).
 *
 * `target` is a path (`string`, `Buffer`, `file:` URL) or a descriptor.
 *
 * @example
 * ```ts
 * const { mtimeNs, birthtimeNs } = fileTimesSync('package.json')
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/statx.2.html
 */
export function fileTimesSync(target: PathOrFd, options?: FileTimesOptions): FileTimes {
  const path = toTargetArg(target, 'target')
  statxAsFileTimesSync(AT_FDCWD, path, TIMES, validateFollow(options), AS_STAT, undefined)
  return readTimes(shared)
}

/**
 * {@link fileTimesSync} on the libuv threadpool.
 *
 * @example
 * ```ts
 * const { mtimeNs, birthtimeNs } = await fileTimes('package.json')
 * ```
 */
export async function fileTimes(target: PathOrFd, options?: FileTimesOptions): Promise<FileTimes> {
  const path = toTargetArg(target, 'target')
  const out = new BigInt64Array(native.STATX_LEN)
  await statxAsFileTimes(AT_FDCWD, path, TIMES, validateFollow(options), AS_STAT, out)
  return readTimes(out)
}

/**
 * {@link fileTimes} of every path at once, in one Promise call: through
 * io_uring where the kernel allows it, else one after another on one
 * threadpool thread (see `statxMany` in `sysix/fs`). Resolves to one entry
 * a path, in order: its {@link FileTimes}, or the error that path alone
 * failed with (`syscall` `'statx'`, `path`); it rejects only for bad
 * arguments.
 *
 * @example
 * ```ts
 * const times = await fileTimesMany(['a.txt', 'b.txt'])
 * const newest = times.filter((t) => !(t instanceof Error)).sort((a, b) => Number(b.mtimeNs - a.mtimeNs))[0]
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/statx.2.html
 */
export async function fileTimesMany(paths: PathLike[], options?: FileTimesOptions): Promise<(FileTimes | SystemError)[]> {
  const shaped = toPaths(paths)
  return statxEach(statxManyAsFileTimes, shaped, [AT_FDCWD, TIMES, validateFollow(options), AS_STAT], readTimes)
}

/**
 * @internal The two times to set, checked: an object that sets neither (a
 * typo such as `{ mtme: 1n }`) is refused rather than silently setting nothing.
 */
export function toFileTimes(times: SetFileTimes): [bigint | 'now' | undefined, bigint | 'now' | undefined] {
  if (typeof times !== 'object' || times === null) {
    throw invalidArgType('times', 'of type object', times)
  }
  const atime = toTime(times.atime, 'times.atime')
  const mtime = toTime(times.mtime, 'times.mtime')
  if (atime === undefined && mtime === undefined) {
    throw invalidArgValue('times', times, 'must set atime, mtime or both')
  }
  return [atime, mtime]
}

function setArgs(target: unknown, times: SetFileTimes, options: FileTimesOptions | undefined) {
  const path = toTargetArg(target, 'target')
  const [atime, mtime] = toFileTimes(times)
  return [path, atime, mtime, validateFollow(options)] as const
}

/**
 * Sets a file's access and/or modification time to the nanosecond; a time
 * left out stays as it is (`UTIME_OMIT`), and `'now'` takes the kernel's
 * clock (`UTIME_NOW`, which needs only write permission, not ownership).
 *
 * A path is never opened, as `touch` does it: this works on a FIFO without
 * blocking and on a file its owner cannot read. With `followSymlinks: false`
 * a symlink's own times are set. The filesystem stores what it can: a time
 * beyond its range is clamped, and a coarse filesystem drops nanoseconds.
 *
 * @example
 * ```ts
 * setFileTimesSync('build.stamp', { mtime: 1700000000123456789n, atime: 'now' })
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/utimensat.2.html
 */
export function setFileTimesSync(target: PathOrFd, times: SetFileTimes, options?: FileTimesOptions): void {
  native.setFileTimesSync(...setArgs(target, times, options))
}

/**
 * {@link setFileTimesSync} on the libuv threadpool.
 *
 * @example
 * ```ts
 * await setFileTimes('build.stamp', { mtime: 1700000000123456789n, atime: 'now' })
 * ```
 */
export async function setFileTimes(target: PathOrFd, times: SetFileTimes, options?: FileTimesOptions): Promise<void> {
  return native.setFileTimes(...setArgs(target, times, options))
}
