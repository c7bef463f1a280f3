// Directory entries from getdents64, against find(1) and Node's readdir.

import { mkdirSync, readdirSync as nodeReaddir, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

import test from 'ava'

import { constants, openDir, openSync, readdir, readdirSync } from 'sysix/fs'
import { tempDir, tool } from './helpers.mjs'

/** What `find -maxdepth 1` says of a directory: `name inode type` per entry, sorted. */
function find(dir: string): string[] {
  return tool('find', [dir, '-mindepth', '1', '-maxdepth', '1', '-printf', '%f %i %y\n']).trim().split('\n').sort()
}

const FIND_TYPE: Record<string, string> = { file: 'f', directory: 'd', symlink: 'l', fifo: 'p', socket: 's', block: 'b', char: 'c' }

test('names, inode numbers and types are what find(1) reports', async (t) => {
  const dir = tempDir(t)
  writeFileSync(join(dir, 'file'), '')
  mkdirSync(join(dir, 'sub'))
  symlinkSync('file', join(dir, 'link'))
  tool('mkfifo', [join(dir, 'fifo')])
  const ours = readdirSync(dir)
    .map((e) => `${e.name} ${e.ino} ${FIND_TYPE[e.type]}`)
    .sort()
  t.deepEqual(ours, find(dir))
  t.deepEqual((await readdir(dir)).map((e) => e.name).sort(), nodeReaddir(dir).sort())
  t.false(readdirSync(dir).some((e) => e.name === '.' || e.name === '..'))
})

test('10,000 entries, and names that are not UTF-8 kept as bytes', async (t) => {
  const dir = tempDir(t)
  for (let i = 0; i < 10_000; i++) writeFileSync(join(dir, `entry-${i}`), '')
  const latin1 = Buffer.concat([Buffer.from(`${dir}/caf`), Buffer.from([0xe9])])
  writeFileSync(latin1, '')
  const entries = readdirSync(dir)
  t.is(entries.length, 10_001)
  t.deepEqual(entries.map((e) => e.name).sort(), nodeReaddir(dir).sort())
  const raw = readdirSync(dir, { encoding: 'buffer' })
  t.true(raw.some((e) => Buffer.isBuffer(e.name) && e.name.equals(Buffer.from([0x63, 0x61, 0x66, 0xe9]))))
  t.true(
    entries.some((e) => e.name === 'caf\ufffd'),
    'decoded lossily by default',
  )
  t.is((await readdir(dir, { encoding: 'buffer' })).length, 10_001)
})

test('a descriptor is read from its top, its own position left alone (an O_PATH one too)', (t) => {
  const dir = tempDir(t)
  for (const name of ['a', 'b', 'c']) writeFileSync(join(dir, name), '')
  using fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY)
  t.deepEqual(
    readdirSync(fd)
      .map((e) => e.name)
      .sort(),
    ['a', 'b', 'c'],
  )
  t.deepEqual(
    readdirSync(fd)
      .map((e) => e.name)
      .sort(),
    ['a', 'b', 'c'],
    'again: nothing consumed',
  )
  using path = openSync(dir, constants.O_PATH | constants.O_DIRECTORY)
  t.is(readdirSync(path).length, 3)
})

test('openDir reads a batch at a time and closes itself at the end or on break', async (t) => {
  const dir = tempDir(t)
  for (let i = 0; i < 5000; i++) writeFileSync(join(dir, `entry-${i}-${'x'.repeat(40)}`), '')
  const listing = await openDir(dir)
  const first = await listing.read()
  t.true(first.length > 0 && first.length < 5000, `${first.length} entries in the first batch`)
  let count = first.length
  for await (const entry of listing) {
    t.is(typeof entry.ino, 'bigint')
    count++
  }
  t.is(count, 5000)
  t.true(listing.closed)
  const early = await openDir(dir)
  for await (const _ of early) break
  t.true(early.closed, 'closed on break')
})

test('errors name the call and the path; files are not directories', async (t) => {
  const dir = tempDir(t)
  writeFileSync(join(dir, 'file'), '')
  tool('mkfifo', [join(dir, 'fifo')])
  t.like(
    t.throws(() => readdirSync(join(dir, 'file'))),
    { code: 'ENOTDIR', path: join(dir, 'file') },
  )
  t.like(
    t.throws(() => readdirSync(join(dir, 'missing'))),
    { code: 'ENOENT', syscall: 'open' },
  )
  await t.throwsAsync(openDir(join(dir, 'missing')), { code: 'ENOENT' })
  t.throws(() => readdirSync(dir, { encoding: 'latin1' as never }), { instanceOf: TypeError })
})
