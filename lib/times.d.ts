import { type PathOrFd } from './fd';
/** The timestamps of a file as `bigint` nanoseconds since the Unix epoch. */
export interface FileTimes {
    /** Last access (`st_atime`). */
    atimeNs: bigint;
    /** Last modification of the contents (`st_mtime`). */
    mtimeNs: bigint;
    /** Last change of the inode (`st_ctime`). */
    ctimeNs: bigint;
    /** Creation (`stx_btime`), or `null` where the kernel or the filesystem records none. */
    birthtimeNs: bigint | null;
}
/**
 * A time to set: a `bigint` of nanoseconds since the Unix epoch, a `Date`, a
 * `number` of milliseconds since the epoch (as `Date.now()` returns), or
 * `'now'` for the kernel's current time. Times before 1970 are negative.
 */
export type TimeLike = bigint | Date | number | 'now';
/** The times to set; an omitted one is left as it is. */
export interface SetFileTimes {
    /** The new access time. */
    atime?: TimeLike;
    /** The new modification time. */
    mtime?: TimeLike;
}
/** Options of the file-time functions. */
export interface FileTimesOptions {
    /** Act on the file a symlink points to (`true`, the default) or on the link itself. Ignored for descriptors. */
    followSymlinks?: boolean;
}
/**
 * The access, modification, change and birth times of a file, as `bigint`
 * nanoseconds since the Unix epoch, exactly as the kernel keeps them (what
 * `stat --format='%.9X %.9Y %.9Z %.9W'` prints). `birthtimeNs` is `null`
 * where the kernel or the filesystem records no creation time (Node shows
 * the change time there instead).
 *
 * `target` is a path (`string`, `Buffer`, `file:` URL) or a descriptor.
 *
 * @see https://man7.org/linux/man-pages/man2/statx.2.html
 */
export declare function fileTimesSync(target: PathOrFd, options?: FileTimesOptions): FileTimes;
/** {@link fileTimesSync} on the libuv threadpool. */
export declare function fileTimes(target: PathOrFd, options?: FileTimesOptions): Promise<FileTimes>;
/**
 * Sets a file's access and/or modification time to the nanosecond; a time
 * left out stays as it is (`UTIME_OMIT`), and `'now'` takes the kernel's
 * clock (`UTIME_NOW`, which needs only write permission, not ownership).
 *
 * A path is never opened, as `touch` does it: this works on a FIFO without
 * blocking and on a file its owner cannot read. With `followSymlinks: false`
 * a symlink's own times are set. The filesystem stores what it can: a time
 * beyond its range is clamped, and a coarse filesystem drops nanoseconds.
 *
 * @see https://man7.org/linux/man-pages/man2/utimensat.2.html
 */
export declare function setFileTimesSync(target: PathOrFd, times: SetFileTimes, options?: FileTimesOptions): void;
/** {@link setFileTimesSync} on the libuv threadpool. */
export declare function setFileTimes(target: PathOrFd, times: SetFileTimes, options?: FileTimesOptions): Promise<void>;
