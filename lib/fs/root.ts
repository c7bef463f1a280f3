// Root: a directory nothing can escape, after Go's os.Root and cap-std's Dir.

import { inspect } from 'node:util'

import { native, scratch } from '../binding'
import { named } from '../call'
import { closedFd } from '../errors'
import { newOwnedFd, newOwnedFdAsync, type OwnedFd } from '../fd'
import { type SetFileTimes, toFileTimes } from '../times'
import { type PathLike, toPath, validateBoolean, validateFollow, validateMode, validateOptions, type Mode } from '../validate'
import { type OpenFlags, rawNames, toOpenFlags } from './common'
import { type Dirent, type ReaddirOptions, toDirents } from './dir'
import { type RenameOptions, renameBits } from './names'
import { readStatx, STATX_LEN, type Statx } from './stat'

/** Options of {@link Root.open}. */
export interface RootOptions {
  /**
   * Resolve paths with the kernel's `openat2(RESOLVE_BENEATH)` where it has
   * it (`true`, the default), or always with sysix's own resolver, one
   * component at a time (`false`), which gives the same guarantees on
   * kernels before 5.6 and under seccomp filters that refuse `openat2`.
   */
  openat2?: boolean
}

const INTERNAL: unique symbol = Symbol('sysix.internal')

let makeRoot: (dir: OwnedFd, kernel: boolean) => Root

function openArgs(path: unknown, flags: unknown, mode: unknown) {
  return [toPath(path, 'path'), toOpenFlags(flags, 'flags', 0), validateMode(mode, 'mode', 0o666)] as const
}

function timesArgs(path: unknown, times: SetFileTimes, options: { followSymlinks?: boolean } | undefined) {
  const name = toPath(path, 'path')
  const [atime, mtime] = toFileTimes(times)
  return [name, atime, mtime, validateFollow(options)] as const
}

/** Whether this kernel has `openat2` (asked once). */
let kernelResolution: boolean | undefined

function useKernel(options: RootOptions | undefined): boolean {
  const wanted = validateBoolean(validateOptions(options).openat2, 'options.openat2', true)
  kernelResolution ??= native.rootKernelResolution()
  return wanted && kernelResolution
}

/** The synchronous calls fill the scratch memory. */
const shared = scratch.i64
const sharedWords = scratch.words

const lstatSync = named(native.rootStatSync, 'Root.lstatSync')
const lstat = named(native.rootStat, 'Root.lstat')

/**
 * A directory, and everything beneath it and nothing else: every path given
 * to a `Root` is resolved inside it. `..` above the top, absolute paths,
 * symlinks whose target leaves (absolute, or climbing out with `..`) and
 * magic links such as `/proc/self/root` fail with `EXDEV`; symlinks that
 * stay inside are followed. The guarantee holds while other processes
 * rename, move and swap symlinks in the tree: resolution never looks a path
 * up again from the top (`openat2(RESOLVE_BENEATH)`, or sysix's own
 * component-by-component walk over directories held open).
 *
 * For serving files from a directory named in a request, unpacking an
 * archive, or any path that comes from outside.
 *
 * @example
 * ```ts
 * using root = Root.openSync('/srv/www')
 * using file = root.openSync(request.path)   // '../../etc/passwd' → EXDEV
 * ```
 */
export class Root implements Disposable {
  /** The directory (`O_PATH`), with the lifecycle of every owned descriptor. */
  readonly #dir: OwnedFd
  readonly #kernel: boolean

  private constructor(token: typeof INTERNAL, dir: OwnedFd, kernel: boolean) {
    if (token !== INTERNAL) {
      throw new TypeError('Illegal constructor: use Root.open() or Root.openSync()')
    }
    this.#dir = dir
    this.#kernel = kernel
  }

  static {
    makeRoot = (dir, kernel) => new Root(INTERNAL, dir, kernel)
  }

  /**
   * Opens the directory `path` as a root.
   *
   * @see https://pkg.go.dev/os#Root
   */
  static openSync(path: PathLike, options?: RootOptions): Root {
    const kernel = useKernel(options)
    const dir = toPath(path, 'path')
    return makeRoot(
      newOwnedFd((token) => native.rootOpenSync(dir, token), 'Root'),
      kernel,
    )
  }

  /** {@link Root.openSync} on the libuv threadpool. */
  static async open(path: PathLike, options?: RootOptions): Promise<Root> {
    const kernel = useKernel(options)
    const dir = toPath(path, 'path')
    return makeRoot(await newOwnedFdAsync((token) => native.rootOpen(dir, token), 'Root'), kernel)
  }

  /** Whether paths resolve with `openat2` (`true`) or sysix's own walk (`false`). */
  get kernelResolution(): boolean {
    return this.#kernel
  }

  /** Whether the root has been closed. */
  get closed(): boolean {
    return this.#dir.closed
  }

  /** Closes the root's directory descriptor. Calling it again does nothing. */
  close(): void {
    this.#dir.close()
  }

  /** Closes the root when a `using` declaration goes out of scope. */
  [Symbol.dispose](): void {
    this.close()
  }

  /** The directory descriptor's number, lent (an `O_PATH` descriptor), e.g. for the `*at` calls. */
  get fd(): number {
    if (this.#dir.closed) {
      throw closedFd('Root.fd', 'the Root is closed')
    }
    return this.#dir.fd
  }

  /** Opens `path` beneath the root, close-on-exec; `flags` as for `open` (`'r'` by default). */
  openSync(path: PathLike, flags: OpenFlags = 'r', mode?: Mode): OwnedFd {
    const args = openArgs(path, flags, mode)
    return newOwnedFd((token) => native.rootOpenFileSync(this.#dir, this.#kernel, ...args, token))
  }

  /** {@link Root.openSync} on the libuv threadpool. */
  async open(path: PathLike, flags: OpenFlags = 'r', mode?: Mode): Promise<OwnedFd> {
    const args = openArgs(path, flags, mode)
    return newOwnedFdAsync((token) => native.rootOpenFile(this.#dir, this.#kernel, ...args, token))
  }

  /** A root at the directory `path` beneath this one, with this root's resolver. */
  openRootSync(path: PathLike): Root {
    const name = toPath(path, 'path')
    return makeRoot(
      newOwnedFd((token) => native.rootOpenRootSync(this.#dir, this.#kernel, name, token), 'Root'),
      this.#kernel,
    )
  }

  /** {@link Root.openRootSync} on the libuv threadpool. */
  async openRoot(path: PathLike): Promise<Root> {
    const name = toPath(path, 'path')
    return makeRoot(await newOwnedFdAsync((token) => native.rootOpenRoot(this.#dir, this.#kernel, name, token), 'Root'), this.#kernel)
  }

  /** `statx` of what `path` names beneath the root, following a final symlink (inside the root). */
  statSync(path: PathLike): Statx {
    native.rootStatSync(this.#dir, this.#kernel, toPath(path, 'path'), true, undefined)
    return readStatx(shared, sharedWords)
  }

  /** {@link Root.statSync} on the libuv threadpool. */
  async stat(path: PathLike): Promise<Statx> {
    const out = new BigInt64Array(STATX_LEN)
    await native.rootStat(this.#dir, this.#kernel, toPath(path, 'path'), true, out)
    return readStatx(out)
  }

  /** `statx` of what `path` names, of a final symlink itself. */
  lstatSync(path: PathLike): Statx {
    lstatSync(this.#dir, this.#kernel, toPath(path, 'path'), false, undefined)
    return readStatx(shared, sharedWords)
  }

  /** {@link Root.lstatSync} on the libuv threadpool. */
  async lstat(path: PathLike): Promise<Statx> {
    const out = new BigInt64Array(STATX_LEN)
    await lstat(this.#dir, this.#kernel, toPath(path, 'path'), false, out)
    return readStatx(out)
  }

  /** Creates a directory (mode `0o777` less the umask by default). */
  mkdirSync(path: PathLike, mode?: Mode): void {
    native.rootMkdirSync(this.#dir, this.#kernel, toPath(path, 'path'), validateMode(mode, 'mode', 0o777))
  }

  /** {@link Root.mkdirSync} on the libuv threadpool. */
  async mkdir(path: PathLike, mode?: Mode): Promise<void> {
    return native.rootMkdir(this.#dir, this.#kernel, toPath(path, 'path'), validateMode(mode, 'mode', 0o777))
  }

  /** The entries of a directory beneath the root (`'.'`, the root itself, by default). */
  readdirSync(path?: PathLike, options?: ReaddirOptions & { encoding?: 'utf8' }): Dirent[]
  readdirSync(path: PathLike | undefined, options: ReaddirOptions & { encoding: 'buffer' }): Dirent<Buffer>[]
  readdirSync(path: PathLike = '.', options?: ReaddirOptions): Dirent<string | Buffer>[] {
    const raw = rawNames(options)
    return toDirents(native.rootReaddirSync(this.#dir, this.#kernel, toPath(path, 'path'), raw))
  }

  /** {@link Root.readdirSync} on the libuv threadpool. */
  async readdir(path?: PathLike, options?: ReaddirOptions & { encoding?: 'utf8' }): Promise<Dirent[]>
  async readdir(path: PathLike | undefined, options: ReaddirOptions & { encoding: 'buffer' }): Promise<Dirent<Buffer>[]>
  async readdir(path: PathLike = '.', options?: ReaddirOptions): Promise<Dirent<string | Buffer>[]> {
    const raw = rawNames(options)
    return toDirents(await native.rootReaddir(this.#dir, this.#kernel, toPath(path, 'path'), raw))
  }

  /** What a symlink beneath the root holds, as written (a string, or a `Buffer` with `encoding: 'buffer'`). */
  readlinkSync(path: PathLike, options?: ReaddirOptions & { encoding?: 'utf8' }): string
  readlinkSync(path: PathLike, options: ReaddirOptions & { encoding: 'buffer' }): Buffer
  readlinkSync(path: PathLike, options?: ReaddirOptions): string | Buffer {
    const raw = rawNames(options)
    const target = native.rootReadlinkSync(this.#dir, this.#kernel, toPath(path, 'path'))
    return raw ? target : target.toString('utf8')
  }

  /** {@link Root.readlinkSync} on the libuv threadpool. */
  async readlink(path: PathLike, options?: ReaddirOptions & { encoding?: 'utf8' }): Promise<string>
  async readlink(path: PathLike, options: ReaddirOptions & { encoding: 'buffer' }): Promise<Buffer>
  async readlink(path: PathLike, options?: ReaddirOptions): Promise<string | Buffer> {
    const raw = rawNames(options)
    const target = await native.rootReadlink(this.#dir, this.#kernel, toPath(path, 'path'))
    return raw ? target : target.toString('utf8')
  }

  /**
   * Creates a symlink at `path` holding `target`, as written. Following it
   * through this root later stays beneath the root, whatever it says.
   */
  symlinkSync(target: PathLike, path: PathLike): void {
    native.rootSymlinkSync(this.#dir, this.#kernel, toPath(target, 'target'), toPath(path, 'path'))
  }

  /** {@link Root.symlinkSync} on the libuv threadpool. */
  async symlink(target: PathLike, path: PathLike): Promise<void> {
    return native.rootSymlink(this.#dir, this.#kernel, toPath(target, 'target'), toPath(path, 'path'))
  }

  /** Creates a hard link `newPath` to `existingPath`, both beneath the root. */
  linkSync(existingPath: PathLike, newPath: PathLike): void {
    native.rootLinkSync(this.#dir, this.#kernel, toPath(existingPath, 'existingPath'), toPath(newPath, 'newPath'))
  }

  /** {@link Root.linkSync} on the libuv threadpool. */
  async link(existingPath: PathLike, newPath: PathLike): Promise<void> {
    return native.rootLink(this.#dir, this.#kernel, toPath(existingPath, 'existingPath'), toPath(newPath, 'newPath'))
  }

  /** Renames `from` to `to`, both beneath the root; `noReplace` and `exchange` as for {@link renameat2Sync}. */
  renameSync(from: PathLike, to: PathLike, options?: RenameOptions): void {
    native.rootRenameSync(this.#dir, this.#kernel, toPath(from, 'from'), toPath(to, 'to'), renameBits(options))
  }

  /** {@link Root.renameSync} on the libuv threadpool. */
  async rename(from: PathLike, to: PathLike, options?: RenameOptions): Promise<void> {
    return native.rootRename(this.#dir, this.#kernel, toPath(from, 'from'), toPath(to, 'to'), renameBits(options))
  }

  /** Removes a name (not a directory). */
  unlinkSync(path: PathLike): void {
    native.rootUnlinkSync(this.#dir, this.#kernel, toPath(path, 'path'))
  }

  /** {@link Root.unlinkSync} on the libuv threadpool. */
  async unlink(path: PathLike): Promise<void> {
    return native.rootUnlink(this.#dir, this.#kernel, toPath(path, 'path'))
  }

  /** Removes an empty directory. */
  rmdirSync(path: PathLike): void {
    native.rootRmdirSync(this.#dir, this.#kernel, toPath(path, 'path'))
  }

  /** {@link Root.rmdirSync} on the libuv threadpool. */
  async rmdir(path: PathLike): Promise<void> {
    return native.rootRmdir(this.#dir, this.#kernel, toPath(path, 'path'))
  }

  /** Changes the mode of what `path` names (a final symlink is followed, inside the root). */
  chmodSync(path: PathLike, mode: Mode): void {
    native.rootChmodSync(this.#dir, this.#kernel, toPath(path, 'path'), validateMode(mode, 'mode'))
  }

  /** {@link Root.chmodSync} on the libuv threadpool. */
  async chmod(path: PathLike, mode: Mode): Promise<void> {
    return native.rootChmod(this.#dir, this.#kernel, toPath(path, 'path'), validateMode(mode, 'mode'))
  }

  /** Sets access and/or modification times, as `setFileTimesSync` does, beneath the root. */
  setFileTimesSync(path: PathLike, times: SetFileTimes, options?: { followSymlinks?: boolean }): void {
    native.rootSetFileTimesSync(this.#dir, this.#kernel, ...timesArgs(path, times, options))
  }

  /** {@link Root.setFileTimesSync} on the libuv threadpool. */
  async setFileTimes(path: PathLike, times: SetFileTimes, options?: { followSymlinks?: boolean }): Promise<void> {
    return native.rootSetFileTimes(this.#dir, this.#kernel, ...timesArgs(path, times, options))
  }

  /** What `util.inspect` and `console.log` show: the number, or that it is closed. */
  [inspect.custom](): string {
    return this.closed ? 'Root { closed }' : `Root { fd: ${this.#dir.fd}, resolver: '${this.#kernel ? 'openat2' : 'userspace'}' }`
  }
}
