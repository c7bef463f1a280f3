// inotify: file-system events with the detail fs.watch hides.

import type { InotifyEvent as NativeEvent } from '../../binding'
import { native } from '../binding'
import { type FdLike, newOwnedFd, type OwnedFd } from '../fd'
import { type PathLike, toPath, validateBoolean, validateInteger, validateOptions } from '../validate'
import { abortable, type NameEncoding, rawNames } from './common'

/** One inotify event. */
export interface InotifyEvent<Name extends string | Buffer = string> {
  /** The watch it comes from (what {@link inotifyAddWatch} returned). */
  wd: number
  /** What happened: `constants.IN_*` bits (`IN_CLOSE_WRITE`, `IN_MOVED_TO`, `IN_ISDIR`...). */
  mask: number
  /** Pairs the `IN_MOVED_FROM` and `IN_MOVED_TO` of one rename (0 otherwise). */
  cookie: number
  /** The name within a watched directory, or `null` for an event of the watched file itself. */
  name: Name | null
}

/**
 * A new inotify instance (`inotify_init1`), close-on-exec, as an
 * {@link OwnedFd}. With `nonBlocking`, reading it with none waiting returns
 * no events instead of waiting.
 *
 * @example
 * ```ts
 * using watcher = inotifyInit()
 * inotifyAddWatch(watcher, '/var/spool/in', constants.IN_CLOSE_WRITE)
 * ```
 *
 * @see https://man7.org/linux/man-pages/man7/inotify.7.html
 */
export function inotifyInit(options?: { nonBlocking?: boolean }): OwnedFd {
  const nonBlocking = validateBoolean(validateOptions(options).nonBlocking, 'options.nonBlocking', false)
  return newOwnedFd((token) => native.inotifyInit(nonBlocking, token))
}

/**
 * Watches `path` for the events in `mask` (`constants.IN_*` bits); returns
 * the watch descriptor its events carry. Watching a path again updates its
 * watch (or adds to it with `IN_MASK_ADD`).
 *
 * @example
 * ```ts
 * const wd = inotifyAddWatch(watcher, dir, constants.IN_CLOSE_WRITE | constants.IN_MOVED_TO)
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/inotify_add_watch.2.html
 */
export function inotifyAddWatch(fd: FdLike, path: PathLike, mask: number): number {
  return native.inotifyAddWatch(fd, toPath(path, 'path'), validateInteger(mask, 'mask', 1, 0xffffffff))
}

/**
 * Stops a watch; its last event is `IN_IGNORED`.
 *
 * @example
 * ```ts
 * inotifyRemoveWatch(watcher, wd)
 * ```
 */
export function inotifyRemoveWatch(fd: FdLike, wd: number): void {
  native.inotifyRmWatch(fd, validateInteger(wd, 'wd', 0, 2 ** 31 - 1))
}

function events(raw: NativeEvent[], encoding: NameEncoding): InotifyEvent<string | Buffer>[] {
  return raw.map((e) => ({
    wd: e.wd,
    mask: e.mask,
    cookie: e.cookie,
    name: e.name === null ? null : encoding === 'buffer' ? e.name : e.name.toString('utf8'),
  }))
}

function encodingOf(options: { encoding?: NameEncoding } | undefined): NameEncoding {
  return rawNames(options) ? 'buffer' : 'utf8'
}

/**
 * The events waiting, one read's worth: none on a non-blocking instance
 * with none waiting; a blocking instance waits for some, on the calling thread.
 *
 * @example
 * ```ts
 * for (const { name, mask } of readInotifyEventsSync(watcher)) console.log(name, mask)
 * ```
 *
 */
export function readInotifyEventsSync(fd: FdLike, options?: { encoding?: 'utf8' }): InotifyEvent[]
export function readInotifyEventsSync(fd: FdLike, options: { encoding: 'buffer' }): InotifyEvent<Buffer>[]
export function readInotifyEventsSync(fd: FdLike, options?: { encoding?: NameEncoding }): InotifyEvent<string | Buffer>[] {
  const encoding = encodingOf(options)
  return events(native.inotifyReadSync(fd), encoding)
}

/**
 * Waits for events (on a thread of its own, not the libuv threadpool) and
 * returns them; `signal` gives the wait up.
 *
 * @example
 * ```ts
 * for (const { name, mask } of await readInotifyEvents(watcher)) console.log(name, mask)
 * ```
 *
 */
export async function readInotifyEvents(fd: FdLike, options?: { encoding?: 'utf8'; signal?: AbortSignal }): Promise<InotifyEvent[]>
export async function readInotifyEvents(fd: FdLike, options: { encoding: 'buffer'; signal?: AbortSignal }): Promise<InotifyEvent<Buffer>[]>
export async function readInotifyEvents(
  fd: FdLike,
  options?: { encoding?: NameEncoding; signal?: AbortSignal },
): Promise<InotifyEvent<string | Buffer>[]> {
  const encoding = encodingOf(options)
  const { signal } = validateOptions(options)
  const raw = await abortable(signal, 'options.signal', (id) => native.inotifyReadWait(fd, id))
  return events(raw, encoding)
}
