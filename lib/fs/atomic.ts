// Replacing a file whole or not at all, as the npm package write-file-atomic does.

import { resolve } from 'node:path'

import { native } from '../binding'
import { type Mode, type PathLike, toData, toPath, validateBoolean, validateMode, validateOptions } from '../validate'

/** Options of {@link writeFileAtomicSync}. */
export interface WriteFileAtomicOptions {
  /**
   * The file's mode, less the umask. Left out, a replaced file keeps its
   * mode (set-id and sticky bits too) and, where the caller may change it
   * (as root), its owner and group; a new file gets `0o666` less the umask.
   */
  mode?: Mode
  /**
   * Put the data and the new name on the device before returning: `fsync`
   * of the file before the rename, and of its directory after. Default
   * `true`.
   */
  fsync?: boolean
  /** The encoding of string data, any that `Buffer` knows. Default `'utf8'`. */
  encoding?: BufferEncoding | null
}

/** The binding's arguments: path, bytes, mode (-1: keep the replaced file's), fsync. */
function atomicArgs(path: unknown, data: unknown, options: WriteFileAtomicOptions | BufferEncoding | undefined) {
  const { mode, fsync, encoding } = typeof options === 'string' ? { encoding: options } : validateOptions(options)
  return [
    toPath(path, 'path'),
    toData(data, 'data', encoding ?? 'utf8'),
    mode === undefined ? -1 : validateMode(mode, 'options.mode'),
    validateBoolean(fsync, 'options.fsync', true),
  ] as const
}

/**
 * Replaces (or creates) the file at `path` with `data`, whole or not at
 * all: a reader, or a crash at any moment, sees the old contents or the new,
 * never part of either. What users of the npm package `write-file-atomic`
 * expect holds:
 *
 * - A path that is a symlink stays one: the file it names (followed to the
 *   end) is replaced, or created if the link dangles.
 * - A replaced file keeps its mode and, where permitted, its owner, unless
 *   `mode` is given.
 * - With `fsync` (the default), the data is on the device before the
 *   rename and the new name after it: when the call returns, a crash leaves
 *   the new contents.
 * - Errors name `path` (`EISDIR` for a directory or `'name/'`, `ENOTDIR`
 *   for `'file/.'`, as `fs.writeFile`), never the temporary file.
 *
 * The data goes into an unnamed `O_TMPFILE` file beside the target (where
 * the kernel, the filesystem or a missing `/proc` do not allow one, a named
 * one), which gets the name `.<name>.<16 random hex digits>.tmp` and is
 * renamed over the target. A crash in the moment between the two (or,
 * without `O_TMPFILE`, while writing) leaves that name behind; a name left
 * by any process is never in the way of a later call. The third argument
 * may be an encoding, as in `fs.writeFile`.
 *
 * @example
 * ```ts
 * writeFileAtomicSync('config.json', JSON.stringify(config))
 * writeFileAtomicSync('token', 'c2VjcmV0', 'base64') // keeps the file's 0o600
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/open.2.html (`O_TMPFILE`)
 * @see https://man7.org/linux/man-pages/man2/rename.2.html
 */
export function writeFileAtomicSync(
  path: PathLike,
  data: string | NodeJS.ArrayBufferView,
  options?: WriteFileAtomicOptions | BufferEncoding,
): void {
  native.writeFileAtomicSync(...atomicArgs(path, data, options))
}

/** The last write queued for each path (resolved to an absolute one), while one is pending. */
const queued = new Map<string, Promise<void>>()

/** A key for `path`: two spellings of one path share it (a shared key only costs waiting). */
function queueKey(path: string | Uint8Array): string {
  return resolve(typeof path === 'string' ? path : Buffer.from(path.buffer, path.byteOffset, path.byteLength).toString())
}

/**
 * {@link writeFileAtomicSync} on the libuv threadpool. Calls on one path
 * run one at a time in the order they were made, so the last call made
 * wins, as with `write-file-atomic`; the data is taken when the call is
 * made, so changing a Buffer afterwards changes nothing. (A
 * {@link writeFileAtomicSync} call writes at once, ahead of pending
 * Promise calls.)
 *
 * @example
 * ```ts
 * await writeFileAtomic('config.json', JSON.stringify(config))
 * ```
 */
export async function writeFileAtomic(
  path: PathLike,
  data: string | NodeJS.ArrayBufferView,
  options?: WriteFileAtomicOptions | BufferEncoding,
): Promise<void> {
  const [target, bytes, mode, fsync] = atomicArgs(path, data, options)
  const key = queueKey(target)
  const previous = queued.get(key)
  // The first call hands its data to the binding now, which copies it; a
  // queued one copies it now, and hands the copy over when its turn comes.
  let write: Promise<void>
  if (previous === undefined) {
    write = native.writeFileAtomic(target, bytes, mode, fsync)
  } else {
    const copy = typeof data === 'string' ? bytes : snapshot(bytes)
    write = previous.then(() => native.writeFileAtomic(target, copy, mode, fsync))
  }
  const settled = write.then(
    () => {},
    () => {},
  )
  queued.set(key, settled)
  try {
    return await write
  } finally {
    if (queued.get(key) === settled) {
      queued.delete(key)
    }
  }
}

/** A copy of the bytes of `view`, in memory of its own. */
function snapshot(view: NodeJS.ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice()
}
