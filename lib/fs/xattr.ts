// Extended attributes: by path (following symlinks or not) or descriptor.

import { native } from '../binding'
import { type PathOrFd, toTargetArg } from '../fd'
import { flagBits, toData, toPath, validateFollow } from '../validate'
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

function xattrArgs(target: unknown, attribute: unknown) {
  return [toTargetArg(target, 'target'), toPath(attribute, 'name')] as const
}

/**
 * The value of an extended attribute (`user.comment`, `security.selinux`...)
 * as a `Buffer`; `ENODATA` where there is none.
 *
 * @example
 * ```ts
 * getxattrSync('download.zip', 'user.xdg.origin.url').toString()
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/getxattr.2.html
 */
export function getxattrSync(target: PathOrFd, attribute: string, options?: XattrOptions): Buffer {
  return native.getxattrSync(...xattrArgs(target, attribute), validateFollow(options))
}

/**
 * {@link getxattrSync} on the libuv threadpool.
 *
 * @example
 * ```ts
 * const origin = (await getxattr('download.zip', 'user.xdg.origin.url')).toString()
 * ```
 */
export async function getxattr(target: PathOrFd, attribute: string, options?: XattrOptions): Promise<Buffer> {
  return native.getxattr(...xattrArgs(target, attribute), validateFollow(options))
}

const SET_BITS = { create: constants.XATTR_CREATE, replace: constants.XATTR_REPLACE } as const

function setArgs(target: unknown, attribute: unknown, data: unknown, options: SetXattrOptions | undefined) {
  const [path, name] = xattrArgs(target, attribute)
  return [path, name, toData(data, 'value'), flagBits(options, SET_BITS), validateFollow(options)] as const
}

/**
 * Sets an extended attribute to `value` (a string is stored as UTF-8).
 *
 * @example
 * ```ts
 * setxattrSync('download.zip', 'user.xdg.origin.url', url)
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/setxattr.2.html
 */
export function setxattrSync(target: PathOrFd, attribute: string, data: string | NodeJS.ArrayBufferView, options?: SetXattrOptions): void {
  native.setxattrSync(...setArgs(target, attribute, data, options))
}

/**
 * {@link setxattrSync} on the libuv threadpool.
 *
 * @example
 * ```ts
 * await setxattr('download.zip', 'user.xdg.origin.url', url)
 * ```
 */
export async function setxattr(
  target: PathOrFd,
  attribute: string,
  data: string | NodeJS.ArrayBufferView,
  options?: SetXattrOptions,
): Promise<void> {
  return native.setxattr(...setArgs(target, attribute, data, options))
}

/**
 * The names of a file's extended attributes (those this process may see).
 *
 * @example
 * ```ts
 * listxattrSync('download.zip') // ['user.xdg.origin.url']
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/listxattr.2.html
 */
export function listxattrSync(target: PathOrFd, options?: XattrOptions): string[] {
  return native.listxattrSync(toTargetArg(target, 'target'), validateFollow(options)).map((n) => n.toString('utf8'))
}

/**
 * {@link listxattrSync} on the libuv threadpool.
 *
 * @example
 * ```ts
 * await listxattr('download.zip') // ['user.xdg.origin.url']
 * ```
 */
export async function listxattr(target: PathOrFd, options?: XattrOptions): Promise<string[]> {
  return (await native.listxattr(toTargetArg(target, 'target'), validateFollow(options))).map((n) => n.toString('utf8'))
}

/**
 * Removes an extended attribute; `ENODATA` where there is none.
 *
 * @example
 * ```ts
 * removexattrSync('download.zip', 'user.xdg.origin.url')
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/removexattr.2.html
 */
export function removexattrSync(target: PathOrFd, attribute: string, options?: XattrOptions): void {
  native.removexattrSync(...xattrArgs(target, attribute), validateFollow(options))
}

/**
 * {@link removexattrSync} on the libuv threadpool.
 *
 * @example
 * ```ts
 * await removexattr('download.zip', 'user.xdg.origin.url')
 * ```
 */
export async function removexattr(target: PathOrFd, attribute: string, options?: XattrOptions): Promise<void> {
  return native.removexattr(...xattrArgs(target, attribute), validateFollow(options))
}
