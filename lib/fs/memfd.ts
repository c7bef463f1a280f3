// Anonymous files in memory, and seals.

import { native } from '../binding'
import { invalidArgType, invalidArgValue } from '../errors'
import { type FdLike, newOwnedFd, type OwnedFd } from '../fd'
import { flagBits } from '../validate'
import { constants } from './common'

/** A seal: what a sealed memfd may no longer do. */
export type Seal = 'seal' | 'shrink' | 'grow' | 'write' | 'futureWrite'

const SEALS: [Seal, number][] = [
  ['seal', constants.F_SEAL_SEAL],
  ['shrink', constants.F_SEAL_SHRINK],
  ['grow', constants.F_SEAL_GROW],
  ['write', constants.F_SEAL_WRITE],
  ['futureWrite', constants.F_SEAL_FUTURE_WRITE],
]

/** Options of {@link memfdCreate}. */
const MEMFD_BITS = { allowSealing: constants.MFD_ALLOW_SEALING, hugetlb: constants.MFD_HUGETLB } as const

/** Options of {@link memfdCreate}. */
export interface MemfdOptions {
  /** Allow seals ({@link addSeals}); without it the file can never be sealed. Default `false`. */
  allowSealing?: boolean
  /** Back the file with huge pages. Default `false`. */
  hugetlb?: boolean
}

/**
 * An anonymous file in memory (`memfd_create`), close-on-exec, as an
 * {@link OwnedFd}: it lives until its last descriptor closes, can be
 * resized, mapped, passed to a child or over a socket, and sealed. `name`
 * only shows in `/proc/self/fd` (`memfd:<name>`).
 *
 * @example
 * ```ts
 * using memory = memfdCreate('config', { allowSealing: true })
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/memfd_create.2.html
 */
export function memfdCreate(name: string, options?: MemfdOptions): OwnedFd {
  if (typeof name !== 'string') {
    throw invalidArgType('name', 'of type string', name)
  }
  if (name.includes('\u0000') || Buffer.byteLength(name) > 249) {
    throw invalidArgValue('name', name, 'must be at most 249 bytes, without null bytes')
  }
  const flags = flagBits(options, MEMFD_BITS)
  return newOwnedFd((token) => native.memfdCreate(name, flags, token))
}

/**
 * Seals a memfd made with `allowSealing`: `'write'` (no more writes, by
 * `write` or through a mapping; `EBUSY` while a writable shared mapping
 * exists), `'futureWrite'` (no new writes or writable mappings; existing
 * mappings may still write), `'shrink'`, `'grow'`, `'seal'` (no more
 * seals). Seals are for good: a process given the file can rely on them.
 *
 * @example
 * ```ts
 * addSeals(memory, ['shrink', 'grow', 'write'])
 * ```
 *
 * @see https://man7.org/linux/man-pages/man2/memfd_create.2.html ("File sealing")
 */
export function addSeals(fd: FdLike, seals: Seal[]): void {
  if (!Array.isArray(seals)) {
    throw invalidArgType('seals', 'an instance of Array', seals)
  }
  const bits = seals.reduce((all, seal, i) => {
    const entry = SEALS.find(([name]) => name === seal)
    if (entry === undefined) {
      throw invalidArgValue(`seals[${i}]`, seal, `must be one of: ${SEALS.map(([n]) => `'${n}'`).join(', ')}`)
    }
    return all | entry[1]
  }, 0)
  native.addSeals(fd, bits)
}

/**
 * The seals a file has: `[]` for a file that cannot be sealed at all (not
 * a memfd or other shmem file); `['seal']` for a memfd made without
 * `allowSealing` (or a tmpfs file), which is sealed against sealing.
 *
 * @example
 * ```ts
 * getSeals(memory) // ['shrink', 'grow', 'write']
 * ```
 *
 */
export function getSeals(fd: FdLike): Seal[] {
  const bits = native.getSeals(fd)
  return SEALS.filter(([, bit]) => (bits & bit) !== 0).map(([name]) => name)
}
