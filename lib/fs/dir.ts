// Directory entries straight from getdents64: no stat per entry.

import type { DirEntries } from '../../binding'
import { native } from '../binding'
import { named } from '../call'
import { type FdLike, newOwnedFdAsync, type OwnedFd } from '../fd'
import { isPathLike, type PathLike, toPath } from '../validate'
import { AT_FDCWD, type FileType, fileType, type NameEncoding, rawNames } from './common'

/** One entry of a directory. */
export interface Dirent<Name extends string | Buffer = string> {
  /** Its name (bytes that are not UTF-8 read as U+FFFD; ask for `encoding: 'buffer'` to keep them). */
  name: Name
  /** Its inode number. */
  ino: bigint
  /** Its type, as the directory records it: `'unknown'` on filesystems that do not. */
  type: FileType
}

/** Options of {@link readdirSync}. */
export interface ReaddirOptions {
  /** Names as strings (`'utf8'`, the default) or `Buffer`s of their bytes (`'buffer'`). */
  encoding?: NameEncoding
}

/** The separator of the binding's joined names: no name contains it. */
const SLASH = 0x2f

/** @internal Zips the binding's columns into entries. */
export function toDirents(columns: DirEntries): Dirent<string | Buffer>[] {
  const { names, kinds, inos } = columns
  const count = kinds.length
  const entries = new Array<Dirent<string | Buffer>>(count)
  if (count === 0) {
    return entries
  }
  if (typeof names === 'string') {
    const split = names.split('/')
    for (let i = 0; i < count; i++) {
      entries[i] = { name: split[i], ino: inos[i], type: fileType(kinds[i] << 12) }
    }
  } else {
    for (let i = 0, start = 0; i < count; i++) {
      const end = i + 1 < count ? names.indexOf(SLASH, start) : names.length
      entries[i] = { name: names.subarray(start, end), ino: inos[i], type: fileType(kinds[i] << 12) }
      start = end + 1
    }
  }
  return entries
}

/** A directory argument: a path, or a descriptor of the directory (read from its top, its own position left alone). */
function dirArgs(dir: unknown): [FdLike, string | Uint8Array] {
  return isPathLike(dir) ? [AT_FDCWD, toPath(dir, 'dir')] : [dir as FdLike, '']
}

/**
 * Every entry of a directory (a path, or a descriptor of one) with its
 * inode number and type, from `getdents64` with no `stat` per entry: what
 * `fs.readdirSync(d, { withFileTypes: true })` gives, plus inode numbers and
 * raw names, faster.
 *
 * @example
 * ```ts
 * for (const { name, type, ino } of readdirSync('/etc')) if (type === 'directory') console.log(name, ino)
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/getdents64.2.html
 */
export function readdirSync(dir: PathLike | FdLike, options?: ReaddirOptions & { encoding?: 'utf8' }): Dirent[]
export function readdirSync(dir: PathLike | FdLike, options: ReaddirOptions & { encoding: 'buffer' }): Dirent<Buffer>[]
export function readdirSync(dir: PathLike | FdLike, options?: ReaddirOptions): Dirent<string | Buffer>[] {
  const raw = rawNames(options)
  return toDirents(native.readdirSync(...dirArgs(dir), raw))
}

/**
 * {@link readdirSync} on the libuv threadpool.
 *
 * @example
 * ```ts
 * for (const { name, type, ino } of await readdir('/etc')) if (type === 'directory') console.log(name, ino)
 * ```
 */
export async function readdir(dir: PathLike | FdLike, options?: ReaddirOptions & { encoding?: 'utf8' }): Promise<Dirent[]>
export async function readdir(dir: PathLike | FdLike, options: ReaddirOptions & { encoding: 'buffer' }): Promise<Dirent<Buffer>[]>
export async function readdir(dir: PathLike | FdLike, options?: ReaddirOptions): Promise<Dirent<string | Buffer>[]> {
  const raw = rawNames(options)
  return toDirents(await native.readdir(...dirArgs(dir), raw))
}

const INTERNAL: unique symbol = Symbol('sysix.internal')

const readBatch = named(native.readDirBatch, 'Dir.read')
const opendirAsOpenDir = named(native.opendir, 'openDir')

let makeDir: (fd: OwnedFd, raw: boolean) => Dir

/**
 * An open directory read a batch at a time (one `getdents64` call's worth,
 * on the threadpool): for directories too large to list at once. Iterate it
 * with `for await`; it closes itself when done, or with {@link Dir.close}.
 *
 * @example
 * ```ts
 * for await (const entry of await openDir('/var/log')) console.log(entry.name)
 * ```
 *
 */
export class Dir<Name extends string | Buffer = string> implements AsyncIterable<Dirent<Name>>, AsyncDisposable, Disposable {
  readonly #fd: OwnedFd
  readonly #raw: boolean
  #done = false

  private constructor(token: typeof INTERNAL, fd: OwnedFd, raw: boolean) {
    if (token !== INTERNAL) {
      throw new TypeError('Illegal constructor: use openDir()')
    }
    this.#fd = fd
    this.#raw = raw
  }

  static {
    makeDir = (fd, raw) => new Dir(INTERNAL, fd, raw)
  }

  /** The next batch of entries; empty once the directory has been read to its end. */
  async read(): Promise<Dirent<Name>[]> {
    if (this.#done) {
      return []
    }
    const batch = toDirents(await readBatch(this.#fd, this.#raw)) as Dirent<Name>[]
    if (batch.length === 0) {
      this.#done = true
    }
    return batch
  }

  /** Every entry, batch by batch; the directory is closed at the end (or on `break`). */
  async *[Symbol.asyncIterator](): AsyncIterator<Dirent<Name>> {
    try {
      for (let batch = await this.read(); batch.length > 0; batch = await this.read()) {
        yield* batch
      }
    } finally {
      this.close()
    }
  }

  /** Closes the directory. Calling it again does nothing. */
  close(): void {
    this.#fd.close()
  }

  /** Whether the directory has been closed. */
  get closed(): boolean {
    return this.#fd.closed
  }

  /** Closes the directory when a `using` declaration goes out of scope. */
  [Symbol.dispose](): void {
    this.close()
  }

  /** Closes the directory when an `await using` declaration goes out of scope. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close()
  }
}

/**
 * Opens a directory (a path, or a descriptor of one, read from its top) to
 * read its entries a batch at a time: `for await (const entry of await
 * openDir(path))`.
 *
 * @example
 * ```ts
 * for await (const { name } of await openDir('/var/spool/mail')) console.log(name)
 * ```
 *
 */
export async function openDir(dir: PathLike | FdLike, options?: ReaddirOptions & { encoding?: 'utf8' }): Promise<Dir>
export async function openDir(dir: PathLike | FdLike, options: ReaddirOptions & { encoding: 'buffer' }): Promise<Dir<Buffer>>
export async function openDir(dir: PathLike | FdLike, options?: ReaddirOptions): Promise<Dir<string | Buffer>> {
  const raw = rawNames(options)
  const [at, path] = dirArgs(dir)
  return makeDir(await newOwnedFdAsync((token) => opendirAsOpenDir(at, path, token), 'Dir'), raw)
}
