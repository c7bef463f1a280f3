// What differs between the runtimes sysix runs on (Node, Bun, Deno), in one
// place: the rest of lib/ asks here rather than testing runtimes itself.

import { fstatSync } from 'node:fs'
import { isMainThread } from 'node:worker_threads'

import { invalidArgValue, unavailable } from './errors'

const versions = process.versions as { bun?: string; deno?: string }

/** Whether this is Deno, whose `node:fs` numbers are resource ids rather than kernel descriptors. */
export const DENO = versions.deno !== undefined

/** Whether this is Bun. */
export const BUN = versions.bun !== undefined

/**
 * Whether this is a Node worker thread, where Node tracks the descriptors its
 * `fs` opens and closes them when the worker exits (`trackUnmanagedFds`).
 */
export const NODE_WORKER = !isMainThread && !BUN && !DENO

/** Whether Deno's `node:fs` has a resource of this number (then it is Deno's to close, not a descriptor to own). */
export function denoResource(fd: number): boolean {
  try {
    fstatSync(fd)
    return true
  } catch {
    return false
  }
}

/**
 * `ERR_INVALID_ARG_VALUE` for a Deno `node:fs` number that is not the kernel
 * descriptor it looks like.
 */
export function denoResourceId(name: string, fd: number): TypeError {
  return invalidArgValue(
    name,
    fd,
    "is a Deno resource id, not a kernel file descriptor: Deno's node:fs hands out numbers that it maps and closes itself, " +
      'so sysix can neither own them nor trust them to name the same file. Use descriptors sysix created (an OwnedFd) instead',
  )
}

/**
 * On Deno, checks that a plain number is the kernel descriptor it looks like:
 * a standard stream, one an `OwnedFd` owns, or a `node:fs` number whose file
 * is the one the kernel descriptor of that number has open. `owned` and
 * `identity` ask the binding (passed in, so that this module needs none).
 */
export function checkDenoNumber(
  fd: number,
  name: string,
  owned: (fd: number) => boolean,
  identity: (fd: number) => [bigint, bigint],
): void {
  if (!DENO || fd <= 2 || owned(fd)) {
    return
  }
  let same = false
  try {
    const stats = fstatSync(fd, { bigint: true })
    const [dev, ino] = identity(fd)
    same = stats.dev === dev && stats.ino === ino
  } catch {
    // Not a Deno resource, or not a kernel descriptor: refused below.
  }
  if (!same) {
    throw denoResourceId(name, fd)
  }
}

/** Bun's `net.Socket` ignores `fd` (oven-sh/bun#29141): refuses `toSocket()` there. */
export function refuseBunSocket(feature: string): void {
  if (BUN) {
    throw unavailable(feature, "Bun's net.Socket does not adopt a descriptor ({ fd }); the descriptor stays owned here")
  }
}

/** Deno's fs streams use Deno resources: a kernel descriptor given to one fails (EBADF) and is never closed. */
export function refuseDenoStream(feature: string): void {
  if (DENO) {
    throw unavailable(feature, "Deno's fs streams take only descriptors its node:fs opened; the descriptor stays owned here")
  }
}
