// Argument checks shared by every function, raising Node's errors before any
// call reaches the native binding.

import { fileURLToPath, type URL } from 'node:url'
import { types } from 'node:util'

import { invalidArgType, invalidArgValue, outOfRange } from './errors'

/** A path, as Node's `fs` takes one. A `Buffer` carries names that are not UTF-8. */
export type PathLike = string | Buffer | Uint8Array | URL

/** The largest descriptor number, and largest `int`, the kernel takes. */
export const INT32_MAX = 2 ** 31 - 1

/** Checks that `value` is an integer from `min` to `max`. */
export function validateInteger(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number') {
    throw invalidArgType(name, 'of type number', value)
  }
  if (!Number.isInteger(value)) {
    throw outOfRange(name, 'an integer', value)
  }
  if (value < min || value > max) {
    throw outOfRange(name, `>= ${min} && <= ${max}`, value)
  }
  return value
}

/** Checks an optional boolean option, returning `fallback` when it is absent. */
export function validateBoolean(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) {
    return fallback
  }
  if (typeof value !== 'boolean') {
    throw invalidArgType(name, 'of type boolean', value)
  }
  return value
}

/**
 * The `followSymlinks` option of an options argument (checked as one):
 * whether to act on what a final symlink names, `fallback` when left out.
 */
export function validateFollow(options: { followSymlinks?: boolean } | null | undefined, fallback = true): boolean {
  return options === undefined ? fallback : validateBoolean(validateOptions(options).followSymlinks, 'options.followSymlinks', fallback)
}

/**
 * The bits of the boolean options in `table` that are set: each option read
 * once and checked, an absent one off. How option objects become flags.
 */
export function flagBits<K extends string>(
  options: object | null | undefined,
  table: Readonly<Record<K, number>>,
  name = 'options',
): number {
  const checked = validateOptions(options, name) as Partial<Record<K, unknown>>
  let bits = 0
  for (const key of Object.keys(table) as K[]) {
    if (validateBoolean(checked[key], `${name}.${key}`, false)) {
      bits |= table[key]
    }
  }
  return bits
}

/** What absent options read as: one frozen object, not a new one a call. */
const NO_OPTIONS: Readonly<Record<string, undefined>> = Object.freeze({})

/** Checks an options argument: absent (`undefined` or `null`) or an object. */
export function validateOptions<T extends object>(value: T | null | undefined, name = 'options'): Partial<T> {
  if (value === undefined || value === null) {
    return NO_OPTIONS as Partial<T>
  }
  if (typeof value !== 'object') {
    throw invalidArgType(name, 'of type object', value)
  }
  return value
}

/**
 * Whether `value` is a `URL`, of this realm or another (`vm`, Jest), as
 * Node's `fs` tells: an object with `href` and `protocol`.
 */
export function isURL(value: unknown): value is URL {
  const url = value as { href?: unknown; protocol?: unknown; auth?: unknown; path?: unknown } | null
  return (
    typeof url === 'object' &&
    url !== null &&
    typeof url.href === 'string' &&
    typeof url.protocol === 'string' &&
    url.auth === undefined &&
    url.path === undefined
  )
}

/** Whether `value` is a path rather than a descriptor. */
export function isPathLike(value: unknown): value is PathLike {
  return typeof value === 'string' || types.isUint8Array(value) || isURL(value)
}

/**
 * A path as the binding takes it: a string or the bytes of a `Buffer`, with
 * a `file:` URL converted as Node converts it. A NUL byte is refused, since
 * the kernel would read the path only up to it.
 */
export function toPath(value: unknown, name: string): string | Uint8Array {
  if (isURL(value)) {
    value = fileURLToPath(value.href)
  }
  if (typeof value === 'string') {
    if (value.includes('\u0000')) {
      throw invalidArgValue(name, value, 'must be a string, Uint8Array, or URL without null bytes')
    }
    return value
  }
  if (types.isUint8Array(value)) {
    if (value.includes(0)) {
      throw invalidArgValue(name, value, 'must be a string, Uint8Array, or URL without null bytes')
    }
    return value
  }
  throw invalidArgType(name, 'of type string or an instance of Buffer or URL', value)
}

/** The largest offset the kernel takes: 2^63 - 1. */
const MAX_OFFSET = 2n ** 63n - 1n

/**
 * Checks a file offset or length: an integer `number` from 0 to 2^53 - 1, or
 * a `bigint` from 0 to 2^63 - 1, as Node's `fs` takes positions.
 */
export function validateOffset(value: unknown, name: string): number | bigint {
  if (typeof value === 'bigint') {
    if (value < 0n || value > MAX_OFFSET) {
      throw outOfRange(name, '>= 0 && <= 2 ** 63 - 1', value)
    }
    return value
  }
  return validateInteger(value, name, 0, Number.MAX_SAFE_INTEGER)
}

/** Checks an optional offset; `undefined` and `null` mean "the file position". */
export function validateOptionalOffset(value: unknown, name: string): number | bigint | null {
  return value === undefined || value === null ? null : validateOffset(value, name)
}

/** A file mode: permission bits with the set-id and sticky bits, as a number (`0o644`) or an octal string (`'644'`), as Node's `fs` takes it. */
export type Mode = number | string

/** Checks a mode: permission bits and the set-id and sticky bits. */
export function validateMode(value: unknown, name: string, fallback?: number): number {
  if (value === undefined && fallback !== undefined) {
    return fallback
  }
  // As Node's fs: an octal string ('755') or an integer.
  if (typeof value === 'string') {
    if (!/^[0-7]+$/.test(value)) {
      throw invalidArgValue(name, value, 'must be a 32-bit unsigned integer or an octal string')
    }
    return validateInteger(Number.parseInt(value, 8), name, 0, 0o7777)
  }
  return validateInteger(value, name, 0, 0o7777)
}

/** Checks an optional `AbortSignal` (of this realm or another, as Node's `validateAbortSignal`). */
export function validateAbortSignal(value: unknown, name: string): AbortSignal | undefined {
  if (value === undefined) {
    return undefined
  }
  if (
    typeof value !== 'object' ||
    value === null ||
    !('aborted' in value) ||
    typeof (value as AbortSignal).addEventListener !== 'function'
  ) {
    throw invalidArgType(name, 'an instance of AbortSignal', value)
  }
  return value as AbortSignal
}

/**
 * Checks that `value` is one of `choices` (or, left out, `fallback`) and
 * returns its index: how a string option becomes the number the binding
 * takes, in one scan.
 */
export function validateChoice<T extends string>(value: unknown, name: string, choices: readonly T[], fallback?: T): number {
  const wanted = value === undefined ? fallback : value
  // A plain loop: on the few choices of a hot call (flockSync), cheaper
  // than a call to Array.prototype.indexOf.
  for (let index = 0; index < choices.length; index++) {
    if (choices[index] === wanted) {
      return index
    }
  }
  throw invalidArgValue(name, value, `must be one of: ${choices.map((c) => `'${c}'`).join(', ')}`)
}

/** Checks that `value` is one of `choices`. */
export function validateOneOf<T extends string>(value: unknown, name: string, choices: readonly T[], fallback?: T): T {
  if (value === undefined && fallback !== undefined) {
    return fallback
  }
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw invalidArgValue(name, value, `must be one of: ${choices.map((c) => `'${c}'`).join(', ')}`)
  }
  return value as T
}

/**
 * Data to write: the bytes of a view, or a string in `encoding` (any
 * encoding `Buffer` knows, `'utf8'` by default), as Node's `fs.writeFile`
 * takes them.
 */
export function toData(value: unknown, name: string, encoding: unknown = 'utf8'): NodeJS.ArrayBufferView {
  if (typeof value === 'string') {
    if (typeof encoding !== 'string' || !Buffer.isEncoding(encoding)) {
      throw invalidArgValue('encoding', encoding, 'is invalid encoding')
    }
    return Buffer.from(value, encoding)
  }
  if (!types.isArrayBufferView(value)) {
    throw invalidArgType(name, 'of type string or an instance of Buffer, TypedArray, or DataView', value)
  }
  return value
}
