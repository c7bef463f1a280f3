// File identity: device and inode, with the file held open.

import { inspect } from 'node:util'

import { native } from './binding'
import { closedFd, invalidArgType } from './errors'
import { ownedFromHandle, toFd, toTarget, type FdLike, type OwnedFd, type PathOrFd } from './fd'
import { toPath, type PathLike } from './validate'

const INTERNAL: unique symbol = Symbol('sysix.internal')

/** Where the binding writes a new identity's device and inode numbers. */
const ids = new BigUint64Array(2)

let wrap: (handle: number) => FileId

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

  private constructor(token: typeof INTERNAL, handle: number, dev: bigint, ino: bigint) {
    if (token !== INTERNAL) {
      throw new TypeError('Illegal constructor: use FileId.fromPath(), FileId.fromFd() or FileId.stdin()')
    }
    this.#held = ownedFromHandle(handle, 'FileId')
    this.#dev = dev
    this.#ino = ino
  }

  static {
    wrap = (handle) => new FileId(INTERNAL, handle, ids[0], ids[1])
  }

  /**
   * The identity of the file at `path`, following symlinks.
   *
   * @see https://man7.org/linux/man-pages/man2/open.2.html (`O_PATH`)
   */
  static fromPath(path: PathLike): FileId {
    return wrap(native.fileIdOpen(toPath(path, 'path'), ids))
  }

  /** The identity of the file open on `fd`, held through a duplicate of it. */
  static fromFd(fd: FdLike): FileId {
    return wrap(native.fileIdOpen(toFd(fd, 'fd', 'FileId.fromFd'), ids))
  }

  /** The identity of standard input. */
  static stdin(): FileId {
    return wrap(native.fileIdStd(0, ids))
  }

  /** The identity of standard output. */
  static stdout(): FileId {
    return wrap(native.fileIdStd(1, ids))
  }

  /** The identity of standard error. */
  static stderr(): FileId {
    return wrap(native.fileIdStd(2, ids))
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
 */
export function sameFileSync(a: PathOrFd, b: PathOrFd): boolean {
  return native.sameFileSync(toTarget(a, 'a', 'sameFileSync'), toTarget(b, 'b', 'sameFileSync'))
}

/** {@link sameFileSync} on the libuv threadpool. */
export async function sameFile(a: PathOrFd, b: PathOrFd): Promise<boolean> {
  return native.sameFile(toTarget(a, 'a', 'sameFile'), toTarget(b, 'b', 'sameFile'))
}
