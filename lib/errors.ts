// Argument errors worded as Node's own (`lib/internal/errors.js`), so that
// code handling `err.code === 'ERR_INVALID_ARG_TYPE'` for `fs` handles sysix
// alike. System errors are built by the native binding.

import { constants } from 'node:os'
import { inspect } from 'node:util'

/** An error with Node's `code` property. */
export interface NodeError extends Error {
  /** The error's code (`'ENOENT'`, `'ERR_INVALID_ARG_TYPE'`...), what programs test. */
  code: string
}

/** A system error, as Node's `fs` throws it. */
export interface SystemError extends NodeError {
  /** The negated error number (`-2` for `ENOENT`). */
  errno: number
  /** The system call that failed. */
  syscall: string
  /** The path the call was given, if any. */
  path?: string
  /** The second path of a two-path call, if any. */
  dest?: string
}

function withCode<E extends Error>(error: E, code: string): E & NodeError {
  return Object.assign(error, { code })
}

/** `"argument"` for a parameter, `"property"` for an option (`options.x`). */
function kind(name: string): string {
  return name.includes('.') ? 'property' : 'argument'
}

/** How Node describes a value it refused: `type number (1)`, `an instance of Foo`, `null`. */
function describe(value: unknown): string {
  if (value === null || value === undefined) {
    return String(value)
  }
  if (typeof value === 'function') {
    return `function ${value.name}`
  }
  if (typeof value === 'object') {
    const name = (value as { constructor?: { name?: string } }).constructor?.name
    return name ? `an instance of ${name}` : inspect(value, { depth: -1 })
  }
  let shown = inspect(value, { colors: false })
  if (shown.length > 28) {
    shown = `${shown.slice(0, 25)}...`
  }
  return `type ${typeof value} (${shown})`
}

/** `TypeError [ERR_INVALID_ARG_TYPE]`: `expected` reads like "of type number". */
export function invalidArgType(name: string, expected: string, actual: unknown): TypeError & NodeError {
  return withCode(new TypeError(`The "${name}" ${kind(name)} must be ${expected}. Received ${describe(actual)}`), 'ERR_INVALID_ARG_TYPE')
}

/** `TypeError [ERR_INVALID_ARG_VALUE]`: `reason` reads like "must be a file URL". */
export function invalidArgValue(name: string, value: unknown, reason: string): TypeError & NodeError {
  return withCode(new TypeError(`The ${kind(name)} '${name}' ${reason}. Received ${inspect(value)}`), 'ERR_INVALID_ARG_VALUE')
}

/** `RangeError [ERR_OUT_OF_RANGE]`: `range` reads like ">= 0 && <= 10". */
/**
 * `ERR_FEATURE_UNAVAILABLE_ON_PLATFORM` (Node's code for it): what this
 * runtime cannot do, and why.
 */
export function unavailable(feature: string, reason: string): TypeError & NodeError {
  return withCode(new TypeError(`${feature} is not available on this runtime: ${reason}`), 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM')
}

export function outOfRange(name: string, range: string, received: unknown): RangeError & NodeError {
  const shown = typeof received === 'bigint' ? `${received}n` : typeof received === 'number' ? String(received) : inspect(received)
  return withCode(new RangeError(`The value of "${name}" is out of range. It must be ${range}. Received ${shown}`), 'ERR_OUT_OF_RANGE')
}

/**
 * A system error with `code` and `syscall` raised by sysix itself, before
 * any system call: `EBUSY: resource busy or locked, OwnedFd.intoRaw: ...`.
 * `detail` says what sysix found; the message starts as Node's do.
 */
export function nodeError(code: keyof typeof constants.errno, syscall: string, detail: string): SystemError {
  const errno = constants.errno[code]
  return Object.assign(new Error(`${code}: ${describeErrno(code)}, ${syscall}: ${detail}`), {
    errno: -errno,
    code,
    syscall,
  })
}

/** libuv's descriptions of the codes sysix raises itself. */
function describeErrno(code: string): string {
  return code === 'EBADF' ? 'bad file descriptor' : code === 'EBUSY' ? 'resource busy or locked' : code.toLowerCase()
}

/**
 * `EBADF` for a descriptor sysix knows to be closed, thrown without a system
 * call, as Node does for a closed `FileHandle`; `syscall` names the sysix
 * function that refused it and `detail` which descriptor was closed:
 * `EBADF: bad file descriptor, fileTimesSync: the OwnedFd passed as "target" is closed`.
 */
export function closedFd(syscall: string, detail: string): SystemError {
  return nodeError('EBADF', syscall, detail)
}

/**
 * What a Promise call rejects with when its `AbortSignal` fires, as Node's
 * own APIs do: `AbortError`, `code: 'ABORT_ERR'`, the signal's reason as
 * `cause`.
 */
export class AbortError extends Error {
  readonly code = 'ABORT_ERR'

  constructor(cause?: unknown) {
    super('The operation was aborted', cause === undefined ? undefined : { cause })
    this.name = 'AbortError'
  }
}
