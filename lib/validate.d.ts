import { URL } from 'node:url';
/** A path, as Node's `fs` takes one. A `Buffer` carries names that are not UTF-8. */
export type PathLike = string | Buffer | Uint8Array | URL;
/** The largest descriptor number, and largest `int`, the kernel takes. */
export declare const INT32_MAX: number;
/** Checks that `value` is an integer from `min` to `max`. */
export declare function validateInteger(value: unknown, name: string, min: number, max: number): number;
/** Checks an optional boolean option, returning `fallback` when it is absent. */
export declare function validateBoolean(value: unknown, name: string, fallback: boolean): boolean;
/** Checks an options argument: absent (`undefined` or `null`) or an object. */
export declare function validateOptions<T extends object>(value: T | null | undefined, name?: string): Partial<T>;
/** Whether `value` is a path rather than a descriptor. */
export declare function isPathLike(value: unknown): value is PathLike;
/**
 * A path as the binding takes it: a string or the bytes of a `Buffer`, with
 * a `file:` URL converted as Node converts it. A NUL byte is refused, since
 * the kernel would read the path only up to it.
 */
export declare function toPath(value: unknown, name: string): string | Uint8Array;
