import { spawnSync } from 'node:child_process'
import { closeSync, openSync, promises as fsp, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

import test from 'ava'

import { FileId, OwnedFd, sameFile, sameFileSync } from 'sysix'
import { NOBODY, ROOT, inChild, tempDir, tool } from './helpers.mjs'

function fixture(t: Parameters<typeof tempDir>[0]) {
  const dir = tempDir(t)
  const file = join(dir, 'file')
  writeFileSync(file, 'x')
  tool('ln', [file, join(dir, 'hard')])
  tool('ln', ['-s', file, join(dir, 'soft')])
  writeFileSync(join(dir, 'other'), 'x')
  return { dir, file, hard: join(dir, 'hard'), soft: join(dir, 'soft'), other: join(dir, 'other') }
}

test('links, symlinks, descriptors, Buffers and URLs name the same file', async (t) => {
  const { file, hard, soft, other } = fixture(t)
  const fd = openSync(file, 'r')
  const owned = OwnedFd.fromRaw(openSync(hard, 'r'))
  const handle = await fsp.open(soft, 'r')

  for (const same of [hard, soft, fd, owned, owned.borrow(), handle, Buffer.from(file), pathToFileURL(file)]) {
    t.true(sameFileSync(file, same), String(same))
    t.true(await sameFile(same, file))
  }
  t.true(sameFileSync(fd, owned), 'two descriptors of one file')
  t.false(sameFileSync(file, other))
  t.false(await sameFile(other, owned))
  t.false(sameFileSync(file, ROOT))

  closeSync(fd)
  owned.close()
  await handle.close()
})

test('FileId dev and ino are what stat(1) and fs.statSync show', (t) => {
  const { file, hard } = fixture(t)
  const id = FileId.fromPath(file)
  const [dev, ino] = tool('stat', ['--format=%d %i', file]).trim().split(' ')
  t.is(id.dev, BigInt(dev))
  t.is(id.ino, BigInt(ino))
  const stats = statSync(file, { bigint: true })
  t.is(id.dev, stats.dev)
  t.is(id.ino, stats.ino)
  t.true(id.equals(FileId.fromPath(hard)))
  t.false(id.equals(FileId.fromPath(ROOT)))
  id.close()
})

test('a FIFO neither blocks nor fails', (t) => {
  const { dir } = fixture(t)
  const fifo = join(dir, 'fifo')
  tool('mkfifo', [fifo])
  const id = FileId.fromPath(fifo)
  t.is(id.ino, statSync(fifo, { bigint: true }).ino)
  t.true(sameFileSync(fifo, fifo))
  id.close()
})

test('an unreadable file works for its owner, where an open for reading fails', (t) => {
  const { dir } = fixture(t)
  const secret = join(dir, 'secret')
  const result = inChild<{ readable: string; same: boolean; ino: bigint }>(
    `const fs = require('fs');
     fs.writeFileSync(${JSON.stringify(secret)}, 'x', { mode: 0o000 });
     let readable = 'yes';
     try { fs.openSync(${JSON.stringify(secret)}, 'r') } catch (e) { readable = e.code }
     const id = sysix.FileId.fromPath(${JSON.stringify(secret)});
     report({ readable, same: sysix.sameFileSync(${JSON.stringify(secret)}, ${JSON.stringify(secret)}), ino: id.ino });`,
    { uid: NOBODY },
  )
  t.is(result.readable, 'EACCES', 'same-file would fail here: it opens for reading')
  t.true(result.same)
  t.is(result.ino, statSync(secret, { bigint: true }).ino)
})

test('a held FileId keeps its inode from being reused by a new file', (t) => {
  const { dir } = fixture(t)
  const path = join(dir, 'recycled')
  let collisions = 0
  for (let i = 0; i < 200; i++) {
    writeFileSync(path, '')
    const held = FileId.fromPath(path)
    unlinkSync(path)
    writeFileSync(path, '')
    const fresh = FileId.fromPath(path)
    if (held.equals(fresh)) {
      collisions++
    }
    held.close()
    fresh.close()
    unlinkSync(path)
  }
  t.is(collisions, 0)

  // The same dance compared by stat alone, as Node or Python would.
  let statCollisions = 0
  for (let i = 0; i < 200; i++) {
    writeFileSync(path, '')
    const before = statSync(path, { bigint: true }).ino
    unlinkSync(path)
    writeFileSync(path, '')
    statCollisions += Number(statSync(path, { bigint: true }).ino === before)
    unlinkSync(path)
  }
  t.log(`comparing by stat alone, ${statCollisions} of 200 new files looked like the deleted one`)
})

test('a closed FileId refuses to be used; close is idempotent', (t) => {
  const { file } = fixture(t)
  const id = FileId.fromPath(file)
  const other = FileId.fromPath(file)
  id[Symbol.dispose]()
  t.true(id.closed)
  t.notThrows(() => id.close())
  t.throws(() => id.dev, { code: 'EBADF' })
  t.throws(() => id.ino, { code: 'EBADF' })
  t.throws(() => id.equals(other), { code: 'EBADF' })
  t.throws(() => other.equals(id), { code: 'EBADF' })
  t.throws(() => other.equals(file as never), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' })
  other.close()
})

test('FileId.fromFd holds the file after the descriptor is closed', (t) => {
  const { file } = fixture(t)
  const fd = openSync(file, 'r')
  const id = FileId.fromFd(fd)
  closeSync(fd)
  t.true(id.equals(FileId.fromPath(file)))
  id.close()
})

test('the classic use: a tool refuses to write its output over one of its inputs', (t) => {
  const { dir, file, other } = fixture(t)
  // A little `cat` that writes its inputs to standard output, like GNU cat's
  // "input file is output file" check.
  const cat = `
    const sysix = require(${JSON.stringify(ROOT)});
    const fs = require('fs');
    const output = sysix.FileId.stdout();
    for (const input of process.argv.slice(1)) {
      const id = sysix.FileId.fromPath(input);
      const clash = id.equals(output);
      id.close();
      if (clash) { console.error('cat: ' + input + ': input file is output file'); process.exit(1) }
      fs.writeSync(1, fs.readFileSync(input));
    }`
  const outPath = join(dir, 'out')
  const run = (out: string, inputs: string[]) => {
    const fd = openSync(out, 'a')
    try {
      return spawnSync(process.execPath, ['-e', cat, ...inputs], { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' })
    } finally {
      closeSync(fd)
    }
  }
  t.is(run(outPath, [file, other]).status, 0)
  const refused = run(file, [other, join(dir, 'hard')])
  t.is(refused.status, 1)
  t.regex(refused.stderr, /input file is output file/)
})

test('FileId.stdin/stdout/stderr identify the standard streams', (t) => {
  const { dir } = fixture(t)
  const out = join(dir, 'out')
  const fd = openSync(out, 'w')
  const result = spawnSync(
    process.execPath,
    [
      '-e',
      `const { FileId } = require(${JSON.stringify(ROOT)});
       const out = FileId.fromPath(${JSON.stringify(out)});
       console.error(JSON.stringify([FileId.stdout().equals(out), FileId.stderr().equals(out), FileId.stdin().equals(out)]))`,
    ],
    { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' },
  )
  closeSync(fd)
  t.deepEqual(JSON.parse(result.stderr), [true, false, false])
})

test('errors name the call and the path', async (t) => {
  const { dir, file } = fixture(t)
  const missing = join(dir, 'missing')
  t.like(
    t.throws(() => sameFileSync(missing, file)),
    {
      code: 'ENOENT',
      errno: -2,
      syscall: 'open',
      path: missing,
      message: `ENOENT: no such file or directory, open '${missing}'`,
    },
  )
  t.like(
    t.throws(() => sameFileSync(file, missing)),
    { code: 'ENOENT', syscall: 'stat', path: missing },
  )
  t.like(await t.throwsAsync(sameFile(missing, file)), { code: 'ENOENT', path: missing })
  t.like(
    t.throws(() => FileId.fromPath(join(file, 'below'))),
    { code: 'ENOTDIR', syscall: 'open' },
  )
  t.throws(() => sameFileSync(file, undefined as never), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' })
  t.throws(() => FileId.fromPath(3 as never), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' })
  t.throws(() => FileId.fromFd(file as never), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' })
})
