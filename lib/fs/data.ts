// File data and space: allocation, advice, syncing, copying in the kernel,
// cloning, and the data and holes of sparse files.

import type { Advice, DataExtent } from '../../binding'
import { choices, native } from '../binding'
import { invalidArgValue } from '../errors'
import type { FdLike } from '../fd'
import { flagBits, validateChoice, validateOffset, validateOptionalOffset, validateOptions } from '../validate'
import { constants } from './common'

export type { Advice, DataExtent }

/** Options of {@link fallocateSync}: what to do with the range (default: allocate it, growing the file). */
export interface FallocateOptions {
  /** Allocate without changing the file size. */
  keepSize?: boolean
  /** Free the range, leaving a hole that reads as zeros (needs `keepSize`). */
  punchHole?: boolean
  /** Zero the range (allocated, reading as zeros). */
  zeroRange?: boolean
  /** Remove the range, shifting what follows down (block-aligned). */
  collapseRange?: boolean
  /** Insert a hole of the range's length at its start, shifting what follows up (block-aligned). */
  insertRange?: boolean
}

const FALLOCATE_BITS = {
  keepSize: constants.FALLOC_FL_KEEP_SIZE,
  punchHole: constants.FALLOC_FL_PUNCH_HOLE,
  zeroRange: constants.FALLOC_FL_ZERO_RANGE,
  collapseRange: constants.FALLOC_FL_COLLAPSE_RANGE,
  insertRange: constants.FALLOC_FL_INSERT_RANGE,
} as const

function fallocateArgs(fd: FdLike, offset: unknown, length: unknown, options: FallocateOptions | undefined) {
  const bits = flagBits(options, FALLOCATE_BITS)
  if (bits & constants.FALLOC_FL_PUNCH_HOLE && !(bits & constants.FALLOC_FL_KEEP_SIZE)) {
    // fallocate(2) refuses it with EOPNOTSUPP, which reads as if the
    // filesystem could not punch holes at all.
    throw invalidArgValue('options', options, 'must set keepSize with punchHole: a hole never changes the file size (FALLOC_FL_KEEP_SIZE)')
  }
  return [fd, validateOffset(offset, 'offset'), validateOffset(length, 'length'), bits] as const
}

/**
 * Allocates, punches, zeroes, collapses or inserts a byte range of a file.
 *
 * @example
 * ```ts
 * fallocateSync(fd, 0, 1 << 30) // reserve 1 GiB up front
 * fallocateSync(fd, 0, 4096, { punchHole: true, keepSize: true })
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/fallocate.2.html
 */
export function fallocateSync(fd: FdLike, offset: number | bigint, length: number | bigint, options?: FallocateOptions): void {
  native.fallocateSync(...fallocateArgs(fd, offset, length, options))
}

/**
 * {@link fallocateSync} on the libuv threadpool.
 *
 * @example
 * ```ts
 * await fallocate(fd, 0, 1 << 30) // reserve 1 GiB up front
 * await fallocate(fd, 0, 4096, { punchHole: true, keepSize: true })
 * ```
 */
export async function fallocate(fd: FdLike, offset: number | bigint, length: number | bigint, options?: FallocateOptions): Promise<void> {
  return native.fallocate(...fallocateArgs(fd, offset, length, options))
}

const ADVICE = choices.Advice

/**
 * Tells the kernel how a range of a file will be read (`posix_fadvise`):
 * `'sequential'` doubles the read-ahead, `'willneed'` starts reading it in,
 * `'dontneed'` drops it from the page cache... A `length` of 0 covers all
 * the rest of the file. Never blocks.
 *
 * @example
 * ```ts
 * fadviseSync(fd, 0, 0, 'sequential')
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/posix_fadvise.2.html
 */
export function fadviseSync(fd: FdLike, offset: number | bigint, length: number | bigint, advice: Advice): void {
  native.fadviseSync(fd, validateOffset(offset, 'offset'), validateOffset(length, 'length'), validateChoice(advice, 'advice', ADVICE))
}

/**
 * `fsync`: the file's data and metadata on the device.
 *
 * @example
 * ```ts
 * pwriteSync(fd, record, offset)
 * fsyncSync(fd)
 * ```
 */
export function fsyncSync(fd: FdLike): void {
  native.fsyncSync(fd)
}

/**
 * {@link fsyncSync} on the libuv threadpool.
 *
 * @example
 * ```ts
 * pwriteSync(fd, record, offset)
 * await fsync(fd)
 * ```
 */
export async function fsync(fd: FdLike): Promise<void> {
  return native.fsync(fd)
}

/**
 * `fdatasync`: the file's data (and the metadata needed to read it) on the device.
 *
 * @example
 * ```ts
 * writevSync(log, [entry])
 * fdatasyncSync(log)
 * ```
 */
export function fdatasyncSync(fd: FdLike): void {
  native.fdatasyncSync(fd)
}

/**
 * {@link fdatasyncSync} on the libuv threadpool.
 *
 * @example
 * ```ts
 * writevSync(log, [entry])
 * await fdatasync(log)
 * ```
 */
export async function fdatasync(fd: FdLike): Promise<void> {
  return native.fdatasync(fd)
}

/**
 * `syncfs`: everything of the filesystem holding the file on its device.
 *
 * @example
 * ```ts
 * syncfsSync(dirFd) // flush the whole filesystem holding it
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/syncfs.2.html
 */
export function syncfsSync(fd: FdLike): void {
  native.syncfsSync(fd)
}

/**
 * {@link syncfsSync} on the libuv threadpool.
 *
 * @example
 * ```ts
 * await syncfs(dirFd) // flush the whole filesystem holding it
 * ```
 */
export async function syncfs(fd: FdLike): Promise<void> {
  return native.syncfs(fd)
}

/**
 * `ftruncate`: cuts or extends a file to `length` bytes.
 *
 * @example
 * ```ts
 * ftruncateSync(fd, 1024)
 * ```
 */
export function ftruncateSync(fd: FdLike, length: number | bigint = 0): void {
  native.ftruncateSync(fd, validateOffset(length, 'length'))
}

/**
 * {@link ftruncateSync} on the libuv threadpool.
 *
 * @example
 * ```ts
 * await ftruncate(fd, 1024)
 * ```
 */
export async function ftruncate(fd: FdLike, length: number | bigint = 0): Promise<void> {
  return native.ftruncate(fd, validateOffset(length, 'length'))
}

/** Offsets of {@link copyFileRangeSync}; an offset left out uses (and moves) that file's position. */
export interface CopyFileRangeOptions {
  /** Where to read from in the input. */
  inOffset?: number | bigint
  /** Where to write to in the output. */
  outOffset?: number | bigint
}

function copyArgs(inFd: FdLike, outFd: FdLike, length: unknown, options: CopyFileRangeOptions | undefined) {
  const { inOffset, outOffset } = validateOptions(options)
  const offsets = [validateOptionalOffset(inOffset, 'options.inOffset'), validateOptionalOffset(outOffset, 'options.outOffset')] as const
  return [inFd, outFd, validateOffset(length, 'length'), ...offsets] as const
}

/**
 * Copies up to `length` bytes from `inFd` to `outFd` in the kernel
 * (`copy_file_range`): no trip through user memory, and a reflink where the
 * filesystem shares extents (Btrfs, XFS), or a server-side copy on NFS.
 * Returns the bytes copied, 0 at the end of the input; call it again for the rest.
 *
 * @example
 * ```ts
 * using input = openSync('big.iso')
 * using output = openSync('copy.iso', 'w')
 * while (copyFileRangeSync(input, output, 1 << 30) > 0) {}
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/copy_file_range.2.html
 */
export function copyFileRangeSync(inFd: FdLike, outFd: FdLike, length: number | bigint, options?: CopyFileRangeOptions): number {
  return native.copyFileRangeSync(...copyArgs(inFd, outFd, length, options))
}

/**
 * {@link copyFileRangeSync} on the libuv threadpool.
 *
 * @example
 * ```ts
 * using input = openSync('big.iso')
 * using output = openSync('copy.iso', 'w')
 * while (await copyFileRange(input, output, 1 << 30) > 0) {}
 * ```
 */
export async function copyFileRange(inFd: FdLike, outFd: FdLike, length: number | bigint, options?: CopyFileRangeOptions): Promise<number> {
  return native.copyFileRange(...copyArgs(inFd, outFd, length, options))
}

function sendfileArgs(outFd: FdLike, inFd: FdLike, length: unknown, options: { offset?: number | bigint } | undefined) {
  const offset = validateOptionalOffset(validateOptions(options).offset, 'options.offset')
  return [outFd, inFd, validateOffset(length, 'length'), offset] as const
}

/**
 * Copies up to `length` bytes from the file `inFd` to any descriptor (a
 * socket, a pipe) in the kernel (`sendfile`), from `offset` (leaving the
 * input's position alone) or from its position. Returns the bytes copied.
 *
 * @example
 * ```ts
 * sendfileSync(socketFd, file, size, { offset: 0 })
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/sendfile.2.html
 */
export function sendfileSync(outFd: FdLike, inFd: FdLike, length: number | bigint, options?: { offset?: number | bigint }): number {
  return native.sendfileSync(...sendfileArgs(outFd, inFd, length, options))
}

/**
 * {@link sendfileSync} on the libuv threadpool.
 *
 * @example
 * ```ts
 * await sendfile(socketFd, file, size, { offset: 0 })
 * ```
 */
export async function sendfile(
  outFd: FdLike,
  inFd: FdLike,
  length: number | bigint,
  options?: { offset?: number | bigint },
): Promise<number> {
  return native.sendfile(...sendfileArgs(outFd, inFd, length, options))
}

/**
 * Makes `destFd`'s file share all of `srcFd`'s extents (`FICLONE`): an
 * instant copy that takes no space until either changes, on Btrfs, XFS,
 * bcachefs, OCFS2. Where the filesystem cannot, it fails (`ENOTSUP`,
 * `EXDEV` across filesystems, `EINVAL`) and copies nothing: fall back to
 * {@link copyFileRangeSync} yourself if you want a copy.
 *
 * @example
 * ```ts
 * using src = openSync('vm.img')
 * using dest = openSync('vm-snapshot.img', 'w')
 * cloneFileSync(src, dest) // instant on btrfs/XFS, ENOTSUP elsewhere
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/ioctl_ficlone.2.html
 */
export function cloneFileSync(srcFd: FdLike, destFd: FdLike): void {
  native.cloneFileSync(srcFd, destFd)
}

/**
 * {@link cloneFileSync} on the libuv threadpool.
 *
 * @example
 * ```ts
 * using src = openSync('vm.img')
 * using dest = openSync('vm-snapshot.img', 'w')
 * await cloneFile(src, dest) // instant on btrfs/XFS, ENOTSUP elsewhere
 * ```
 */
export async function cloneFile(srcFd: FdLike, destFd: FdLike): Promise<void> {
  return native.cloneFile(srcFd, destFd)
}

/**
 * The first offset at or after `offset` that holds data (`SEEK_DATA`), or
 * `null` when only holes follow. Moves the file position there.
 *
 * @example
 * ```ts
 * seekData(fd, 0) // the first byte of data: 0, or past a leading hole
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/lseek.2.html
 */
export function seekData(fd: FdLike, offset: number | bigint = 0): number | null {
  return native.seekData(fd, validateOffset(offset, 'offset'))
}

/**
 * The first offset at or after `offset` in a hole (`SEEK_HOLE`; the end of
 * the file counts as one), or `null` past the end. Moves the file position.
 *
 * @example
 * ```ts
 * seekHole(fd, 0) // where the first hole starts (the size if none)
 * ```
 *
 */
export function seekHole(fd: FdLike, offset: number | bigint = 0): number | null {
  return native.seekHole(fd, validateOffset(offset, 'offset'))
}

/**
 * The data extents of a (sparse) file, `[{ offset, length }]`, found with
 * `SEEK_DATA` and `SEEK_HOLE`: the map `cp --sparse=always` and `tar -S`
 * walk. A filesystem that does not track holes reports one extent. It
 * moves the file position (`lseek`): use a descriptor of your own, or
 * `pread`, if the position matters.
 *
 * @example
 * ```ts
 * for (const { offset, length } of sparseMapSync(fd)) copyFileRangeSync(fd, out, length, { inOffset: offset, outOffset: offset })
 * ```
 *
 */
export function sparseMapSync(fd: FdLike): DataExtent[] {
  return native.sparseMapSync(fd)
}

/**
 * {@link sparseMapSync} on the libuv threadpool.
 *
 * @example
 * ```ts
 * for (const { offset, length } of await sparseMap(fd)) copyFileRangeSync(fd, out, length, { inOffset: offset, outOffset: offset })
 * ```
 */
export async function sparseMap(fd: FdLike): Promise<DataExtent[]> {
  return native.sparseMap(fd)
}
