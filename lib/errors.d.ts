/** An error with Node's `code` property. */
export interface NodeError extends Error {
    code: string;
}
/** A system error, as Node's `fs` throws it. */
export interface SystemError extends NodeError {
    /** The negated error number (`-2` for `ENOENT`). */
    errno: number;
    /** The system call that failed. */
    syscall: string;
    /** The path the call was given, if any. */
    path?: string;
    /** The second path of a two-path call, if any. */
    dest?: string;
}
/** `TypeError [ERR_INVALID_ARG_TYPE]`: `expected` reads like "of type number". */
export declare function invalidArgType(name: string, expected: string, actual: unknown): TypeError & NodeError;
/** `TypeError [ERR_INVALID_ARG_VALUE]`: `reason` reads like "must be a file URL". */
export declare function invalidArgValue(name: string, value: unknown, reason: string): TypeError & NodeError;
/** `RangeError [ERR_OUT_OF_RANGE]`: `range` reads like ">= 0 && <= 10". */
export declare function outOfRange(name: string, range: string, received: unknown): RangeError & NodeError;
/**
 * `EBADF` for a descriptor sysix knows to be closed, thrown without a system
 * call, as Node does for a closed `FileHandle`; `syscall` names the sysix
 * function that refused it.
 */
export declare function closedFd(syscall: string): SystemError;
