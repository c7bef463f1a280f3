// File identity: device and inode, with the file held open.

import { inspect } from 'node:util'

import { native, scratch } from './binding'
import { named } from './call'
import { closedFd, invalidArgType } from './errors'
import { type FdLike, newOwnedFd, type OwnedFd, type PathOrFd, toTargetArg } from './fd'
import { toPath, type PathLike } from './validate'

const INTERNAL: unique symbol = Symbol('sysix.internal')

/** Where the binding writes a new identity's device and inode numbers. */
const ids = scratch.u64

const { O_PATH, O_RDONLY } = native.fsConstants()
const openAsFileIdFromPath = named(native.openSync, 'FileId.fromPath')
const dupAsFileIdFromFd = named(native.fdDup, 'FileId.fromFd')

let wrap: (held: OwnedFd) => FileId

/**
 * The identity of a file, its device and inode numbers, with the file held
 * open so that its inode cannot be freed and reused by another file while
 * identities are compared (as Rust's same-file crate does). Two `FileId`s are
 * {@link FileId.equals | equal} when they name the same file, through any
 * path, hard link, symlink or descriptor.
 *
 * Paths are opened with `O_PATH`, so FIFOs, devices and files you cannot read
 * work without blocking or failing. Close a `FileId` (or declare it with
 * `using`) to release the file; garbage collection releases it otherwise.
 *
 * @example Refuse to write output over one of the inputs, as `cat` does:
 * ```ts
 * using output = FileId.stdout()
 * for (const input of inputs) {
 *   using id = FileId.fromPath(input)
 *   if (id.equals(output)) throw new Error(`${input}: input file is also the output`)
 * }
 * ```
 */
export class FileId implements Disposable {
  /** The descriptor that holds the file (`O_PATH`), with the lifecycle of every owned descriptor. */
  readonly #held: OwnedFd
  readonly #dev: bigint
  readonly #ino: bigint

  private constructor(token: typeof INTERNAL, held: OwnedFd, dev: bigint, ino: bigint) {
    if (token !== INTERNAL) {
      throw new TypeError('Illegal constructor: use FileId.fromPath(), FileId.fromFd() or FileId.stdin()')
    }
    this.#held = held
    this.#dev = dev
    this.#ino = ino
  }

  static {
    // The identity of the file the new descriptor holds (`fstat`); the
    // descriptor is closed if that fails.
    wrap = (held) => {
      try {
        native.fdIdentity(held.fd, undefined)
      } catch (error) {
        held.close()
        throw error
      }
      return new FileId(INTERNAL, held, ids[0], ids[1])
    }
  }

  /**
   * The identity of the file at `path`, following symlinks.
   *
   * @see https://man7.org/linux/man-pages/man2/open.2.html (`O_PATH`)
   */
  static fromPath(path: PathLike): FileId {
    const name = toPath(path, 'path')
    return wrap(newOwnedFd((token) => openAsFileIdFromPath(name, O_PATH | O_RDONLY, 0, token), 'FileId'))
  }

  /**
   * The identity of the file open on `fd`, held through a duplicate of it.
   *
   * @example
   * ```ts
   * using id = FileId.fromFd(fd)
   * ```
   */
  static fromFd(fd: FdLike): FileId {
    return wrap(newOwnedFd((token) => dupAsFileIdFromFd(fd, token), 'FileId'))
  }

  /**
   * The identity of standard input.
   *
   * @example
   * ```ts
   * using stdin = FileId.stdin()
   * ```
   */
  static stdin(): FileId {
    return FileId.fromFd(0)
  }

  /**
   * The identity of standard output.
   *
   * @example
   * ```ts
   * using stdout = FileId.stdout()
   * ```
   */
  static stdout(): FileId {
    return FileId.fromFd(1)
  }

  /**
   * The identity of standard error.
   *
   * @example
   * ```ts
   * using stderr = FileId.stderr()
   * ```
   */
  static stderr(): FileId {
    return FileId.fromFd(2)
  }

  /** The device number (`st_dev`), as `fs.statSync(p, { bigint: true }).dev` and `stat -c %d` show it. */
  get dev(): bigint {
    this.#live('dev')
    return this.#dev
  }

  /** The inode number (`st_ino`), as `fs.statSync(p, { bigint: true }).ino` and `stat -c %i` show it. */
  get ino(): bigint {
    this.#live('ino')
    return this.#ino
  }

  /** Whether {@link FileId.close} has been called. */
  get closed(): boolean {
    return this.#held.closed
  }

  /** Whether both identities name the same file: same device, same inode. */
  equals(other: FileId): boolean {
    if (!(other instanceof FileId)) {
      throw invalidArgType('other', 'an instance of FileId', other)
    }
    this.#live('equals')
    other.#live('equals')
    return this.#dev === other.#dev && this.#ino === other.#ino
  }

  /**
   * Releases the file. Calling it again does nothing; using the identity
   * afterwards throws `EBADF`. Like every descriptor sysix owns, an
   * unclosed `FileId` is released when its worker thread exits or, with a
   * warning, when it is garbage-collected.
   */
  close(): void {
    this.#held.close()
  }

  /** Releases the file when a `using` declaration goes out of scope. */
  [Symbol.dispose](): void {
    this.close()
  }

  #live(syscall: string): void {
    if (this.#held.closed) {
      throw closedFd(`FileId.${syscall}`, 'the FileId is closed')
    }
  }

  /** What `util.inspect` and `console.log` show: the number, or that it is closed. */
  [inspect.custom](): string {
    return this.closed ? 'FileId { closed }' : `FileId { dev: ${this.#dev}n, ino: ${this.#ino}n }`
  }
}

/**
 * Whether `a` and `b` are the same file (same device and inode), for any mix
 * of paths and descriptors. Symlinks are followed. A file deleted between
 * the two lookups cannot be mistaken for a new one that got its inode
 * number: of two paths, the first is held open (`O_PATH`) while the second
 * is looked up, and a descriptor holds its file by itself. Neither FIFOs nor
 * unreadable files block or fail.
 *
 * @example
 * ```ts
 * if (sameFileSync(input, output)) throw new Error('input file is also the output')
 * ```
 *
 */
export function sameFileSync(a: PathOrFd, b: PathOrFd): boolean {
  return native.sameFileSync(toTargetArg(a, 'a'), toTargetArg(b, 'b'))
}

/**
 * {@link sameFileSync} on the libuv threadpool.
 *
 * @example
 * ```ts
 * if (await sameFile(input, output)) throw new Error('input file is also the output')
 * ```
 */
export async function sameFile(a: PathOrFd, b: PathOrFd): Promise<boolean> {
  return native.sameFile(toTargetArg(a, 'a'), toTargetArg(b, 'b'))
}
