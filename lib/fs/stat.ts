// What a file and a filesystem are: statx with every field, statfs, access.

import { endianness } from 'node:os'
import { types } from 'node:util'

import type { StatFs, StatxSync } from '../../binding'
import { choices, native, scratch } from '../binding'
import { invalidArgValue } from '../errors'
import { type FdLike, type PathOrFd, toTargetArg } from '../fd'
import { type PathLike, toPath, validateBoolean, validateInteger, validateChoice, validateOptions } from '../validate'
import { AT_FDCWD, constants, type FileType, fileType } from './common'

export type { StatFs, StatxSync }

/**
 * Where `statx` writes each field in a `BigInt64Array`: see {@link statxSync}'s `into` form.
 *
 * @example
 * ```ts
 * const into = new BigInt64Array(STATX_LEN)
 * statxSync(fd, {}, into)
 * const mtimeNs = into[StatxSlot.MtimeNs]
 * ```
 */
export const StatxSlot = native.StatxSlot
/**
 * How many `bigint`s the `into` form of {@link statxSync} needs.
 *
 * @example
 * ```ts
 * const into = new BigInt64Array(STATX_LEN)
 * statxSync('data.bin', {}, into)
 * into[StatxSlot.Size] // the size, as a bigint
 * ```
 */
export const STATX_LEN = native.STATX_LEN

/** The `STATX_ATTR_*` flags of a file; `null` where its filesystem does not support the flag. */
export interface StatxAttributes {
  /** Compressed by the filesystem. */
  compressed: boolean | null
  /** Immutable (`chattr +i`): no change, rename, link or deletion. */
  immutable: boolean | null
  /** Append-only (`chattr +a`). */
  append: boolean | null
  /** Not to be dumped (`chattr +d`). */
  nodump: boolean | null
  /** Encrypted by the filesystem. */
  encrypted: boolean | null
  /** An automount trigger. */
  automount: boolean | null
  /** The root of a mount. */
  mountRoot: boolean | null
  /** Protected by fs-verity. */
  verity: boolean | null
  /** Accessed directly, without the page cache (DAX). */
  dax: boolean | null
}

/** Everything `statx` reports of a file. Sizes, numbers and times are `bigint`. */
export interface Statx {
  /** The `STATX_*` fields the kernel filled. */
  mask: number
  /** The file's type. */
  type: FileType
  /** The device holding the file (`st_dev`), as `fs.statSync(p, { bigint: true }).dev`. */
  dev: bigint
  /** Its major number. */
  devMajor: number
  /** Its minor number. */
  devMinor: number
  /** The inode number. */
  ino: bigint
  /** Type and permission bits (`st_mode`). */
  mode: number
  /** How many hard links. */
  nlink: number
  /** The owner. */
  uid: number
  /** The group. */
  gid: number
  /** The device a device file is (`st_rdev`). */
  rdev: bigint
  /** Its major number. */
  rdevMajor: number
  /** Its minor number. */
  rdevMinor: number
  /** The size in bytes. */
  size: bigint
  /** 512-byte blocks allocated. */
  blocks: bigint
  /** The preferred block size for I/O. */
  blksize: number
  /** Last access, in ns since the epoch. */
  atimeNs: bigint
  /** Last modification. */
  mtimeNs: bigint
  /** Last status change. */
  ctimeNs: bigint
  /** Creation, or `null` where the filesystem records none (not the ctime, as Node shows). */
  birthtimeNs: bigint | null
  /** The id of the mount holding the file (`/proc/self/mountinfo`'s first field), or `null` before Linux 5.8. */
  mntId: bigint | null
  /** The memory alignment direct I/O (`O_DIRECT`) needs (0: no direct I/O), or `null` where not reported (before Linux 6.1). */
  dioMemAlign: number | null
  /** The file-offset alignment direct I/O needs, or `null` where not reported. */
  dioOffsetAlign: number | null
  /** The `STATX_ATTR_*` flags: a frozen object, shared by results with the same flags. */
  attributes: Readonly<StatxAttributes>
}

/** Options of {@link statxSync}. */
export interface StatxOptions {
  /** With a path: the directory it is relative to (default: the current directory). */
  dirFd?: FdLike
  /** The `STATX_*` fields wanted (default: all); the kernel may report more or fewer (see `mask`). */
  mask?: number
  /** Follow a final symlink (default `true`). */
  followSymlinks?: boolean
  /** On a network filesystem: `'as-stat'` (default), `'force'` (ask the server), `'dont-sync'` (use the cache). */
  sync?: StatxSync
}

const SYNC_MODES = choices.StatxSync
const ALL = constants.STATX_ALL | constants.STATX_MNT_ID | constants.STATX_DIOALIGN
const NS_PER_S = 1_000_000_000n

/** A copy of the enum with fast properties: the native object is a dictionary, slow to read in a loop. */
const S = { ...StatxSlot }

/** An unsigned field, written as its bit pattern: negative only above 2^63. */
const u64 = (value: bigint) => (value < 0n ? BigInt.asUintN(64, value) : value)

/** A time: its nanoseconds slot when every time fit one, else seconds and nanoseconds. */
function time(out: BigInt64Array, fit: boolean, base: number, ns: number, sec: number, nsec: number): bigint {
  return fit ? out[base + ns] : out[base + sec] * NS_PER_S + out[base + nsec]
}

/**
 * The `STATX_ATTR_*` flags (all below 2^31, so that numbers do), one frozen
 * object for each combination seen: files share a handful of them, and a
 * result object then costs one allocation less (a batch of 10,000, 10,000
 * fewer for the garbage collector).
 */
function attributesOf(set: number, known: number): StatxAttributes {
  let bySet = ATTRIBUTES.get(known)
  if (bySet === undefined) {
    bySet = new Map()
    if (ATTRIBUTES.size < MAX_ATTRIBUTE_SETS) {
      ATTRIBUTES.set(known, bySet)
    }
  }
  let attributes = bySet.get(set)
  if (attributes === undefined) {
    attributes = Object.freeze(newAttributes(set, known))
    if (bySet.size < MAX_ATTRIBUTE_SETS) {
      bySet.set(set, attributes)
    }
  }
  return attributes
}

/** The attribute objects made so far, by the flags known, then the flags set (each a 32-bit number). */
const ATTRIBUTES = new Map<number, Map<number, StatxAttributes>>()

/** How many combinations are kept (every one a filesystem supports is far fewer). */
const MAX_ATTRIBUTE_SETS = 256

function newAttributes(set: number, known: number): StatxAttributes {
  const flag = (bit: number) => ((known & bit) === 0 ? null : (set & bit) !== 0)
  return {
    compressed: flag(constants.STATX_ATTR_COMPRESSED),
    immutable: flag(constants.STATX_ATTR_IMMUTABLE),
    append: flag(constants.STATX_ATTR_APPEND),
    nodump: flag(constants.STATX_ATTR_NODUMP),
    encrypted: flag(constants.STATX_ATTR_ENCRYPTED),
    automount: flag(constants.STATX_ATTR_AUTOMOUNT),
    mountRoot: flag(constants.STATX_ATTR_MOUNT_ROOT),
    verity: flag(constants.STATX_ATTR_VERITY),
    dax: flag(constants.STATX_ATTR_DAX),
  }
}

/** The low 32 bits of each slot sit in this word of its pair (the byte order's). */
const LOW = endianness() === 'LE' ? 0 : 1

/** A small field: the low word of slot `at` (no `bigint` made). Module-level, so that no closure is made per call. */
const small = (words: Uint32Array, at: number) => words[at * 2 + LOW]

/** An unsigned 64-bit field at slot `at`. */
const big = (out: BigInt64Array, at: number) => u64(out[at])

/** @internal The array's slots as pairs of 32-bit words: reading a small field this way allocates no `bigint`. */
export const wordsOf = (out: BigInt64Array) => new Uint32Array(out.buffer, out.byteOffset, out.length * 2)

/**
 * @internal The result object of a `statx` layout array, the one at slot
 * `base` of `out` (a batch's layouts lie one after another).
 */
export function readStatx(out: BigInt64Array, words = wordsOf(out), base = 0): Statx {
  const mode = small(words, base + S.Mode)
  const fit = small(words, base + S.NsFit) === 1
  const dio = small(words, base + S.HasDioAlign) === 1
  return {
    mask: small(words, base + S.Mask),
    type: fileType(mode),
    dev: big(out, base + S.Dev),
    devMajor: small(words, base + S.DevMajor),
    devMinor: small(words, base + S.DevMinor),
    ino: big(out, base + S.Ino),
    mode,
    nlink: small(words, base + S.Nlink),
    uid: small(words, base + S.Uid),
    gid: small(words, base + S.Gid),
    rdev: big(out, base + S.Rdev),
    rdevMajor: small(words, base + S.RdevMajor),
    rdevMinor: small(words, base + S.RdevMinor),
    size: big(out, base + S.Size),
    blocks: big(out, base + S.Blocks),
    blksize: small(words, base + S.Blksize),
    atimeNs: time(out, fit, base, S.AtimeNs, S.AtimeSec, S.AtimeNsec),
    mtimeNs: time(out, fit, base, S.MtimeNs, S.MtimeSec, S.MtimeNsec),
    ctimeNs: time(out, fit, base, S.CtimeNs, S.CtimeSec, S.CtimeNsec),
    birthtimeNs: small(words, base + S.HasBtime) === 1 ? time(out, fit, base, S.BtimeNs, S.BtimeSec, S.BtimeNsec) : null,
    mntId: small(words, base + S.HasMntId) === 1 ? big(out, base + S.MntId) : null,
    dioMemAlign: dio ? small(words, base + S.DioMemAlign) : null,
    dioOffsetAlign: dio ? small(words, base + S.DioOffsetAlign) : null,
    attributes: attributesOf(small(words, base + S.Attributes), small(words, base + S.AttributesMask)),
  }
}

/** The synchronous calls fill the scratch memory; each promise gets an array of its own. */
const shared = scratch.i64
const sharedWords = scratch.words

/** @internal The options of a `statx` as the binding takes them: `[dir, mask, follow, sync]`, each read once. */
export function statxOptionArgs(options: StatxOptions | undefined) {
  const { dirFd, mask, followSymlinks, sync } = validateOptions(options)
  return [
    dirFd === undefined ? AT_FDCWD : dirFd,
    mask === undefined ? ALL : validateInteger(mask, 'options.mask', 0, 0xffffffff),
    validateBoolean(followSymlinks, 'options.followSymlinks', true),
    validateChoice(sync, 'options.sync', SYNC_MODES, 'as-stat'),
  ] as const
}

/**
 * Everything the kernel knows of a file (`statx`): what `fs.stat` reports
 * and more (birth time, mount id, `STATX_ATTR_*` attributes, direct I/O
 * alignments), every size and time a `bigint`. `target` is a path (relative
 * to `options.dirFd`) or a descriptor.
 *
 * With `into`, a `BigInt64Array` of {@link STATX_LEN} or more, nothing is
 * allocated: the fields are written there at the indices of
 * {@link StatxSlot} (unsigned ones as bit patterns: read them with
 * `BigInt.asUintN(64, v)`), and `into` is returned. For hot loops.
 *
 * @example
 * ```ts
 * const { size, birthtimeNs, mntId } = statxSync('data.bin')
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/statx.2.html
 */
export function statxSync(target: PathOrFd, options?: StatxOptions): Statx
export function statxSync(target: PathOrFd, options: StatxOptions | undefined, into: BigInt64Array): BigInt64Array
export function statxSync(target: PathOrFd, options?: StatxOptions, into?: BigInt64Array): Statx | BigInt64Array {
  // The target before the options, as the parameters come; no array is
  // made of the arguments, the hot path allocates only the result.
  const path = toTargetArg(target, 'target')
  const { dirFd, mask, followSymlinks, sync } = validateOptions(options)
  const dir = dirFd === undefined ? AT_FDCWD : dirFd
  const fields = mask === undefined ? ALL : validateInteger(mask, 'options.mask', 0, 0xffffffff)
  const follow = validateBoolean(followSymlinks, 'options.followSymlinks', true)
  const mode = validateChoice(sync, 'options.sync', SYNC_MODES, 'as-stat')
  if (into !== undefined) {
    if (!types.isBigInt64Array(into) || into.length < STATX_LEN) {
      throw invalidArgValue('into', into, `must be a BigInt64Array of at least ${STATX_LEN} elements`)
    }
    native.statxSync(dir, path, fields, follow, mode, into)
    return into
  }
  native.statxSync(dir, path, fields, follow, mode, undefined)
  return readStatx(shared, sharedWords)
}

/**
 * {@link statxSync} on the libuv threadpool.
 *
 * @example
 * ```ts
 * const { size, birthtimeNs, mntId } = await statx('data.bin')
 * ```
 */
export async function statx(target: PathOrFd, options?: StatxOptions): Promise<Statx> {
  const out = new BigInt64Array(STATX_LEN)
  const path = toTargetArg(target, 'target')
  const [dir, mask, follow, sync] = statxOptionArgs(options)
  await native.statx(dir, path, mask, follow, sync, out)
  return readStatx(out)
}

/**
 * What a filesystem holds and has free (`statfs`, or `fstatfs` for a
 * descriptor): its type (a magic number), block size, block and inode
 * counts, id and mount flags (`constants.ST_*`), as `stat -f` shows them.
 *
 * @example
 * ```ts
 * const { bavail, bsize } = statfsSync('/var')
 * const free = bavail * BigInt(bsize)
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/statfs.2.html
 */
export function statfsSync(target: PathOrFd): StatFs {
  return native.statfsSync(toTargetArg(target, 'target'))
}

/**
 * {@link statfsSync} on the libuv threadpool.
 *
 * @example
 * ```ts
 * const { bavail, bsize } = await statfs('/var')
 * const free = bavail * BigInt(bsize)
 * ```
 */
export async function statfs(target: PathOrFd): Promise<StatFs> {
  return native.statfs(toTargetArg(target, 'target'))
}

/** Options of {@link accessSync}. */
export interface AccessOptions {
  /** With a relative path: the directory it is relative to. */
  dirFd?: FdLike
  /** Check with the effective user and group ids (`AT_EACCESS`), as `open` would, not the real ones. Default `false`. */
  eaccess?: boolean
  /** Follow a final symlink (default `true`). */
  followSymlinks?: boolean
}

function accessArgs(path: unknown, mode: unknown, options: AccessOptions | undefined) {
  const { dirFd, eaccess, followSymlinks } = validateOptions(options)
  return [
    dirFd === undefined ? AT_FDCWD : dirFd,
    toPath(path, 'path'),
    mode === undefined ? constants.F_OK : validateInteger(mode, 'mode', 0, 7),
    validateBoolean(eaccess, 'options.eaccess', false),
    validateBoolean(followSymlinks, 'options.followSymlinks', true),
  ] as const
}

/**
 * Checks that this process may access a file (`mode`: `constants.F_OK`,
 * or `R_OK | W_OK | X_OK` bits); throws `EACCES`, `ENOENT`... otherwise.
 * Unlike Node's `fs.access`, it can check with the effective ids
 * (`eaccess`), relative to a directory, and without following a final
 * symlink.
 *
 * @example
 * ```ts
 * accessSync('/usr/bin/env', constants.X_OK, { eaccess: true })
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/access.2.html
 */
export function accessSync(path: PathLike, mode?: number, options?: AccessOptions): void {
  native.accessSync(...accessArgs(path, mode, options))
}

/**
 * {@link accessSync} on the libuv threadpool.
 *
 * @example
 * ```ts
 * await access('/usr/bin/env', constants.X_OK, { eaccess: true })
 * ```
 */
export async function access(path: PathLike, mode?: number, options?: AccessOptions): Promise<void> {
  return native.access(...accessArgs(path, mode, options))
}
