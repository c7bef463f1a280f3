// Extended attributes: by path (following symlinks or not) or descriptor.

import { types } from 'node:util'

import { native } from '../binding'
import { invalidArgType } from '../errors'
import { type PathOrFd, toTarget } from '../fd'
import { toPath, validateBoolean, validateOptions } from '../validate'
import { constants } from './common'

/** Options of the attribute calls. */
export interface XattrOptions {
  /** With a path: the attributes of a final symlink's target (`true`, the default) or of the link itself. */
  followSymlinks?: boolean
}

/** Options of {@link setxattrSync}. */
export interface SetXattrOptions extends XattrOptions {
  /** Only create: fail with `EEXIST` if the attribute exists. */
  create?: boolean
  /** Only replace: fail with `ENODATA` if it does not. */
  replace?: boolean
}

function follow(options: XattrOptions | undefined): boolean {
  return validateBoolean(validateOptions(options).followSymlinks, 'options.followSymlinks', true)
}

function name(value: unknown): string | Uint8Array {
  return toPath(value, 'name')
}

/**
 * The value of an extended attribute (`user.comment`, `security.selinux`...)
 * as a `Buffer`; `ENODATA` where there is none.
 *
 * @see https://man7.org/linux/man-pages/man2/getxattr.2.html
 */
export function getxattrSync(target: PathOrFd, attribute: string, options?: XattrOptions): Buffer {
  return native.getxattrSync(toTarget(target, 'target', 'getxattrSync'), name(attribute), follow(options))
}

/** {@link getxattrSync} on the libuv threadpool. */
export async function getxattr(target: PathOrFd, attribute: string, options?: XattrOptions): Promise<Buffer> {
  return native.getxattr(toTarget(target, 'target', 'getxattr'), name(attribute), follow(options))
}

function value(data: unknown): NodeJS.ArrayBufferView {
  if (typeof data === 'string') {
    return Buffer.from(data, 'utf8')
  }
  if (!types.isArrayBufferView(data)) {
    throw invalidArgType('value', 'of type string or an instance of Buffer, TypedArray, or DataView', data)
  }
  return data
}

function setFlags(options: SetXattrOptions | undefined): number {
  const { create, replace } = validateOptions(options)
  return (
    (validateBoolean(create, 'options.create', false) ? constants.XATTR_CREATE : 0) |
    (validateBoolean(replace, 'options.replace', false) ? constants.XATTR_REPLACE : 0)
  )
}

/**
 * Sets an extended attribute to `value` (a string is stored as UTF-8).
 *
 * @see https://man7.org/linux/man-pages/man2/setxattr.2.html
 */
export function setxattrSync(target: PathOrFd, attribute: string, data: string | NodeJS.ArrayBufferView, options?: SetXattrOptions): void {
  native.setxattrSync(toTarget(target, 'target', 'setxattrSync'), name(attribute), value(data), setFlags(options), follow(options))
}

/** {@link setxattrSync} on the libuv threadpool. */
export async function setxattr(
  target: PathOrFd,
  attribute: string,
  data: string | NodeJS.ArrayBufferView,
  options?: SetXattrOptions,
): Promise<void> {
  return native.setxattr(toTarget(target, 'target', 'setxattr'), name(attribute), value(data), setFlags(options), follow(options))
}

/**
 * The names of a file's extended attributes (those this process may see).
 *
 * @see https://man7.org/linux/man-pages/man2/listxattr.2.html
 */
export function listxattrSync(target: PathOrFd, options?: XattrOptions): string[] {
  return native.listxattrSync(toTarget(target, 'target', 'listxattrSync'), follow(options)).map((n) => n.toString('utf8'))
}

/** {@link listxattrSync} on the libuv threadpool. */
export async function listxattr(target: PathOrFd, options?: XattrOptions): Promise<string[]> {
  return (await native.listxattr(toTarget(target, 'target', 'listxattr'), follow(options))).map((n) => n.toString('utf8'))
}

/**
 * Removes an extended attribute; `ENODATA` where there is none.
 *
 * @see https://man7.org/linux/man-pages/man2/removexattr.2.html
 */
export function removexattrSync(target: PathOrFd, attribute: string, options?: XattrOptions): void {
  native.removexattrSync(toTarget(target, 'target', 'removexattrSync'), name(attribute), follow(options))
}

/** {@link removexattrSync} on the libuv threadpool. */
export async function removexattr(target: PathOrFd, attribute: string, options?: XattrOptions): Promise<void> {
  return native.removexattr(toTarget(target, 'target', 'removexattr'), name(attribute), follow(options))
}
