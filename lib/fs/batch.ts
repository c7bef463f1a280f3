// Batches: many statx, pread or pwrite requests in one Promise call, on
// io_uring where the kernel allows it.

import { native } from '../binding'
import { invalidArgType } from '../errors'
import type { SystemError } from '../errors'
import type { FdLike } from '../fd'
import { type PathLike, toPath, validateOffset, validateOptions } from '../validate'
import { toView, type View } from './io'
import { readStatx, STATX_LEN, type Statx, type StatxOptions, statxOptionArgs, wordsOf } from './stat'

/** The elements of an array, each read once and shaped by `each`, into an array of sysix's own. */
export function eachOf<T>(value: unknown, name: string, each: (element: unknown, name: string) => T): T[] {
  if (!Array.isArray(value)) {
    throw invalidArgType(name, 'an instance of Array', value)
  }
  const length = value.length
  const shaped = new Array<T>(length)
  for (let i = 0; i < length; i++) {
    shaped[i] = each(value[i], `${name}[${i}]`)
  }
  return shaped
}

/** What the binding gives for each request of a batch: a count, or the request's error. */
type Outcome = number | SystemError

/**
 * The paths of a batch, checked as every path is; when every one is a
 * string (nearly always), joined by NULs into one string, which the binding
 * reads in one call and splits (no path holds a NUL: `toPath` refuses one).
 */
export function toPaths(paths: unknown): { list: (string | Uint8Array)[]; arg: string | (string | Uint8Array)[] } {
  const list = eachOf(paths, 'paths', toPath)
  const strings = list.length > 0 && list.every((path) => typeof path === 'string')
  return { list, arg: strings ? list.join('\u0000') : list }
}

/**
 * @internal Runs the binding's `statxMany` and hands each layout of its
 * array (at slot `base`) to `read`: a result a path, or the error of that path.
 */
export async function statxEach<T>(
  call: typeof native.statxMany,
  paths: ReturnType<typeof toPaths>,
  [dir, mask, follow, sync]: readonly [FdLike, number, boolean, number],
  read: (out: BigInt64Array, words: Uint32Array, base: number) => T,
): Promise<(T | SystemError)[]> {
  const out = new BigInt64Array(paths.list.length * STATX_LEN)
  const outcomes = (await call(dir, paths.arg, mask, follow, sync, out)) as Outcome[]
  const words = wordsOf(out)
  const results = new Array<T | SystemError>(outcomes.length)
  for (let i = 0; i < outcomes.length; i++) {
    const outcome = outcomes[i]
    results[i] = typeof outcome === 'number' ? read(out, words, i * STATX_LEN) : outcome
  }
  return results
}

/**
 * {@link statx} of every path at once: one Promise call whose requests all
 * go to the kernel together through io_uring (up to 256 in flight), or,
 * where io_uring is missing or forbidden (`kernel.io_uring_disabled`, a
 * seccomp filter, `SYSIX_IO_URING=0`), made one after another on one
 * threadpool thread. Either way several times the throughput of
 * `Promise.all` over single calls.
 *
 * Resolves to one entry a path, in order: its {@link Statx}, or the error
 * that path alone failed with (an `Error` with `code`, `errno`, `syscall`
 * `'statx'` and `path`, as {@link statx} would reject with). It rejects
 * only for bad arguments. `options` apply to every path, `dirFd` included.
 *
 * @example
 * ```ts
 * const results = await statxMany(['a.txt', 'b.txt', 'gone.txt'])
 * for (const result of results) {
 *   if (result instanceof Error) console.log(result.code) // 'ENOENT'
 *   else console.log(result.size)
 * }
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/statx.2.html
 * @see https://man7.org/linux/man-pages/man7/io_uring.7.html
 */
export async function statxMany(paths: PathLike[], options?: StatxOptions): Promise<(Statx | SystemError)[]> {
  const shaped = toPaths(paths)
  return statxEach(native.statxMany, shaped, statxOptionArgs(options), readStatx)
}

/** One request of {@link preadMany}: where to read, and into what. */
export interface ReadRequest {
  /** The memory to read into (`Buffer`, `TypedArray`, `DataView`), filled from its start. */
  view: View
  /** The file offset to read at. */
  position: number | bigint
}

/** One request of {@link pwriteMany}: what to write, and where. */
export interface WriteRequest {
  /** The bytes to write (`Buffer`, `TypedArray`, `DataView`), copied as the call starts. */
  view: View
  /** The file offset to write at. */
  position: number | bigint
}

/** The views and positions of a batch of requests, each property read once. */
function requestsOf(requests: unknown): [View[], (number | bigint)[]] {
  const positions: (number | bigint)[] = []
  const views = eachOf(requests, 'requests', (request, name) => {
    const { view, position } = validateOptions(request as ReadRequest, name)
    positions.push(validateOffset(position, `${name}.position`))
    return toView(view, `${name}.view`)
  })
  return [views, positions]
}

/**
 * {@link pread} of every request at once, from one descriptor: through
 * io_uring where the kernel allows it (up to 256 in flight), else one after
 * another on one threadpool thread. Each view is filled as the promise
 * settles, as {@link pread} fills its one (a view transferred or detached
 * meanwhile rejects the whole batch).
 *
 * Resolves to one entry a request, in order: the bytes it read (fewer than
 * its view's length at the end of the file), or the error it alone failed
 * with (`syscall` `'pread'`). A pipe, socket or terminal has no positions:
 * each request fails with `ESPIPE`, as `pread` does, and its data is left.
 *
 * @example
 * ```ts
 * const pages = Array.from({ length: 64 }, () => Buffer.alloc(4096))
 * const counts = await preadMany(fd, pages.map((view, i) => ({ view, position: i * 4096 })))
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/pread.2.html
 */
export async function preadMany(fd: FdLike, requests: ReadRequest[]): Promise<(number | SystemError)[]> {
  return native.preadMany(fd, ...requestsOf(requests)) as Promise<Outcome[]>
}

/**
 * {@link pwrite} of every request at once, to one descriptor, as
 * {@link preadMany} reads: each request's bytes copied as the call starts.
 * Resolves to the bytes each wrote, or the error it alone failed with
 * (`syscall` `'pwrite'`). The requests may complete in any order: give
 * overlapping ones separate batches.
 *
 * @example
 * ```ts
 * await pwriteMany(fd, [
 *   { view: Buffer.from('head'), position: 0 },
 *   { view: Buffer.from('tail'), position: 1 << 20 },
 * ])
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/pwrite.2.html
 */
export async function pwriteMany(fd: FdLike, requests: WriteRequest[]): Promise<(number | SystemError)[]> {
  return native.pwriteMany(fd, ...requestsOf(requests)) as Promise<Outcome[]>
}
