// A Promise call never reads or writes JavaScript memory that can go away
// while it runs: a view's buffer can be transferred (`transfer()`,
// `structuredClone(..., { transfer })`), detached or collected under a
// pending call, and Node-API cannot pin it. The bytes a call writes are
// copied as it starts; the bytes it reads land in a buffer of the call's
// own and are copied into the view, as it is then, when the promise
// settles: into a view that is gone by then, never (the promise rejects).
// Each scenario runs 25 times with garbage collection forced in between, so
// that memory freed under a call would be reused by other buffers.

import * as fs from 'node:fs'
import { join } from 'node:path'

import test from 'ava'

import { openSync, pipe, pread, preadv2, pwrite, pwritev2, readv, setxattr, statx, writeFileAtomic, writev } from 'sysix'
import { tempDir } from './helpers.mjs'

const RUNS = 25
const SIZE = 64 * 1024
const MARK = 0x5a

const collect = (globalThis as { gc?: () => void }).gc
if (collect === undefined) {
  throw new Error('these tests need node --expose-gc (ava passes it)')
}

/** Moves `view`'s memory to a new buffer, leaving `view` detached (length 0); `transfer()` where the runtime has it. */
function transferAway(view: Uint8Array): ArrayBuffer {
  const buffer = view.buffer as ArrayBuffer & { transfer?: () => ArrayBuffer }
  return typeof buffer.transfer === 'function' ? buffer.transfer() : structuredClone(buffer, { transfer: [buffer] })
}

/** Fresh buffers, zeroed, to take the memory a freed buffer leaves: none may ever hold the marker. */
function newcomers(): Uint8Array[] {
  return Array.from({ length: 16 }, () => new Uint8Array(SIZE))
}

function holdsMark(arrays: Uint8Array[]): boolean {
  return arrays.some((array) => array.includes(MARK))
}

type Read = (fd: ReturnType<typeof pipe>['reader'], view: Uint8Array) => Promise<number>

const READS: [string, Read][] = [
  ['readv', (fd, view) => readv(fd, [view])],
  ['preadv2', (fd, view) => preadv2(fd, [view.subarray(0, 100), view.subarray(100)], null)],
  ['pread (position null)', (fd, view) => pread(fd, view, null)],
]

for (const [name, read] of READS) {
  test.serial(`${name}: a view transferred and collected while the read is pending is never written; the promise rejects`, async (t) => {
    for (let run = 0; run < RUNS; run++) {
      const { reader, writer } = pipe()
      let view: Uint8Array | undefined = new Uint8Array(SIZE)
      const pending = read(reader, view)
      // The read waits on the pool for data; meanwhile the memory goes away.
      let moved: ArrayBuffer | undefined = transferAway(view)
      t.is(view.byteLength, 0, 'detached')
      moved = undefined
      view = undefined
      collect?.()
      const others = newcomers()
      fs.writeSync(writer.fd, Buffer.alloc(4096, MARK))
      const error = await t.throwsAsync(pending)
      t.regex(error.message, /transferred, detached or shrunk before it settled/)
      t.false(holdsMark(others), `run ${run}: no other buffer got the bytes`)
      reader.close()
      writer.close()
      void moved
    }
  })
}

test.serial(
  'a read into a view that stays is delivered as the promise settles, only the bytes read, the rest left as it was',
  async (t) => {
    const { reader, writer } = pipe()
    const view = new Uint8Array(16).fill(1)
    const pending = readv(reader, [view.subarray(0, 4), view.subarray(4, 8)])
    fs.writeSync(writer.fd, Buffer.from([9, 9, 9, 9, 9]))
    t.is(await pending, 5)
    t.deepEqual([...view], [9, 9, 9, 9, 9, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1])
    reader.close()
    writer.close()
  },
)

test.serial('overlapping views of one readv get the bytes in turn, as the kernel fills them (sync and Promise)', async (t) => {
  for (const form of ['sync', 'promise']) {
    const { reader, writer } = pipe()
    const memory = new Uint8Array(6)
    fs.writeSync(writer.fd, Buffer.from('abcdef'))
    const views = [memory.subarray(0, 4), memory.subarray(2, 6)]
    const n = form === 'sync' ? (await import('sysix')).readvSync(reader, views) : await readv(reader, views)
    t.is(n, 6)
    // iov[0] gets 'abcd' (bytes 0..4), then iov[1] the 'ef' left, over bytes 2..4.
    t.deepEqual([...memory], [0x61, 0x62, 0x65, 0x66, 0, 0], form)
    reader.close()
    writer.close()
  }
})

test.serial('what a Promise write sends is what the view held when it was called, whatever happens to the view after', async (t) => {
  const dir = tempDir(t)
  for (let run = 0; run < RUNS; run++) {
    const file = join(dir, `w${run}`)
    fs.writeFileSync(file, '')
    using fd = openSync(file, 'r+')
    const second = join(dir, `v${run}`)
    using other = openSync(second, 'w')
    const data = new Uint8Array(SIZE).fill(MARK)
    const views = [new Uint8Array(8).fill(0x41), new Uint8Array(8).fill(0x42)]
    const calls = [pwrite(fd, data, 0), writev(other, views), pwritev2(fd, views, SIZE + 16)]
    transferAway(data)
    views[0].fill(0)
    transferAway(views[1])
    collect?.()
    newcomers()
    await Promise.all(calls)
    const written = fs.readFileSync(file)
    t.true(
      written.subarray(0, SIZE).every((byte) => byte === MARK),
      `run ${run}: pwrite wrote the view as it was`,
    )
    t.true(written.subarray(SIZE + 16, SIZE + 24).every((byte) => byte === 0x41))
    t.true(written.subarray(SIZE + 24, SIZE + 32).every((byte) => byte === 0x42))
    t.is(fs.readFileSync(second, 'latin1'), 'AAAAAAAABBBBBBBB', 'writev wrote the views as they were')
  }
})

test.serial(
  'writeFileAtomic, setxattr and a statx result array: data copied at the call, results into arrays as they are then',
  async (t) => {
    const dir = tempDir(t)
    for (let run = 0; run < RUNS; run++) {
      const file = join(dir, `a${run}`)
      const data = new Uint8Array(SIZE).fill(MARK)
      const value = new Uint8Array(16).fill(0x43)
      const written = writeFileAtomic(file, data, { fsync: false })
      transferAway(data)
      collect?.()
      await written
      t.true(
        fs.readFileSync(file).every((byte) => byte === MARK),
        `run ${run}: the file holds the data as it was`,
      )
      const set = setxattr(file, 'user.memory', value)
      transferAway(value)
      await set
      t.is(fs.statSync(file).size, SIZE)
    }
    // A statx result array held by reference: the result lands in the array itself.
    const stats = await Promise.all(Array.from({ length: RUNS }, () => statx(dir)))
    t.true(stats.every((st) => st.type === 'directory'))
  },
)

test.serial('a SharedArrayBuffer view: read into and written from, in both forms', async (t) => {
  const dir = tempDir(t)
  const file = join(dir, 'shared')
  fs.writeFileSync(file, 'shared bytes')
  using fd = openSync(file, 'r+')
  const shared = new Uint8Array(new SharedArrayBuffer(12))
  const { preadSync, pwriteSync } = await import('sysix')
  t.is(preadSync(fd, shared, 0), 12)
  t.is(Buffer.from(shared).toString(), 'shared bytes')
  shared.fill(0)
  t.is(await pread(fd, shared, 0), 12)
  t.is(Buffer.from(shared).toString(), 'shared bytes')
  shared.set(Buffer.from('SHARED'))
  t.is(pwriteSync(fd, shared.subarray(0, 6), 0), 6)
  t.is(await pwrite(fd, shared.subarray(0, 6), 6), 6)
  t.is(fs.readFileSync(file, 'utf8'), 'SHAREDSHARED')
})
