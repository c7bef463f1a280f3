/**
 * The files and descriptors the benchmark works on, in a temporary
 * directory made for the run and removed after it: an empty file (stat,
 * times, locks), a 10,000-entry directory (readdir, the batches), a 1 MiB
 * source to copy, a 4 MiB data file to read and a scratch file to write,
 * each open once the way sysix takes it (an `OwnedFd`) and once the way
 * Node takes it (a number, a `FileHandle`).
 */

import { closeSync, mkdirSync, mkdtempSync, openSync as nodeOpen, rmSync, writeFileSync } from 'node:fs'
import { type FileHandle, open as nodeOpenAsync } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { OwnedFd } from 'sysix'
import { constants, openSync } from 'sysix/fs'

export const ENTRIES = 10_000
/** The size of a read or write, and how many the read batch makes. */
export const BLOCK = 4096
export const READS = 1000

export interface Fixture {
  dir: string
  /** An empty file. */
  file: string
  /** A directory of `entry-0` ... `entry-9999`, empty files. */
  bigDir: string
  /** The paths of those entries. */
  entries: string[]
  source: string
  dest: string
  /** {@link READS} blocks of {@link BLOCK} bytes. */
  data: string
  scratch: string
  /** `file` open for reading: sysix's, Node's, and a second sysix one for the fs-ext and koffi flock rows. */
  lockFd: OwnedFd
  nodeLockFd: number
  /** `file` open, for the leased (OwnedFd) and duplicated (number) descriptor rows. */
  owned: OwnedFd
  plainFd: number
  dataFd: OwnedFd
  nodeDataFd: number
  dataHandle: FileHandle
  scratchFd: OwnedFd
  nodeScratchFd: number
  /** Removes everything. */
  close(): Promise<void>
}

export async function makeFixture(): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'sysix-bench-'))
  const file = join(dir, 'file')
  writeFileSync(file, '')
  const bigDir = join(dir, 'many')
  mkdirSync(bigDir)
  const entries = Array.from({ length: ENTRIES }, (_, i) => join(bigDir, `entry-${i}`))
  for (const entry of entries) writeFileSync(entry, '')
  const source = join(dir, 'source')
  writeFileSync(source, Buffer.alloc(1 << 20, 7))
  const data = join(dir, 'data')
  writeFileSync(data, Buffer.alloc(READS * BLOCK, 9))
  const scratch = join(dir, 'scratch')
  writeFileSync(scratch, Buffer.alloc(BLOCK))
  const fixture: Fixture = {
    dir,
    file,
    bigDir,
    entries,
    source,
    dest: join(dir, 'dest'),
    data,
    scratch,
    lockFd: openSync(file, 'r'),
    nodeLockFd: nodeOpen(file, 'r'),
    owned: OwnedFd.fromRaw(nodeOpen(file, 'r')),
    plainFd: nodeOpen(file, 'r'),
    dataFd: openSync(data, 'r'),
    nodeDataFd: nodeOpen(data, 'r'),
    dataHandle: await nodeOpenAsync(data, 'r'),
    scratchFd: openSync(scratch, constants.O_WRONLY),
    nodeScratchFd: nodeOpen(scratch, 'r+'),
    async close() {
      for (const fd of [fixture.lockFd, fixture.owned, fixture.dataFd, fixture.scratchFd]) fd.close()
      for (const fd of [fixture.nodeLockFd, fixture.plainFd, fixture.nodeDataFd, fixture.nodeScratchFd]) closeSync(fd)
      await fixture.dataHandle.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
  return fixture
}
