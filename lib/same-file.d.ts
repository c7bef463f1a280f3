import { inspect } from 'node:util';
import { type FdLike, type PathOrFd } from './fd';
import { type PathLike } from './validate';
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
export declare class FileId implements Disposable {
    #private;
    private constructor();
    /**
     * The identity of the file at `path`, following symlinks.
     *
     * @see https://man7.org/linux/man-pages/man2/open.2.html (`O_PATH`)
     */
    static fromPath(path: PathLike): FileId;
    /** The identity of the file open on `fd`, held through a duplicate of it. */
    static fromFd(fd: FdLike): FileId;
    /** The identity of standard input. */
    static stdin(): FileId;
    /** The identity of standard output. */
    static stdout(): FileId;
    /** The identity of standard error. */
    static stderr(): FileId;
    /** The device number (`st_dev`), as `fs.statSync(p, { bigint: true }).dev` and `stat -c %d` show it. */
    get dev(): bigint;
    /** The inode number (`st_ino`), as `fs.statSync(p, { bigint: true }).ino` and `stat -c %i` show it. */
    get ino(): bigint;
    /** Whether {@link FileId.close} has been called. */
    get closed(): boolean;
    /** Whether both identities name the same file: same device, same inode. */
    equals(other: FileId): boolean;
    /** Releases the file. Calling it again does nothing; using the identity afterwards throws `EBADF`. */
    close(): void;
    /** Releases the file when a `using` declaration goes out of scope. */
    [Symbol.dispose](): void;
    [inspect.custom](): string;
}
/**
 * Whether `a` and `b` are the same file (same device and inode), for any mix
 * of paths and descriptors. Symlinks are followed. A file deleted between
 * the two lookups cannot be mistaken for a new one that got its inode
 * number: of two paths, the first is held open (`O_PATH`) while the second
 * is looked up, and a descriptor holds its file by itself. Neither FIFOs nor
 * unreadable files block or fail.
 */
export declare function sameFileSync(a: PathOrFd, b: PathOrFd): boolean;
/** {@link sameFileSync} on the libuv threadpool. */
export declare function sameFile(a: PathOrFd, b: PathOrFd): Promise<boolean>;
