// writeFileAtomic as users of the npm package write-file-atomic expect it:
// modes, owners and symlinks kept, calls on one path in call order, long
// names, names left by dead processes, no /proc, errors that name the
// caller's path as fs.writeFile's do, and durability seen in the system
// calls (strace); rewritten under SIGKILL at random moments, and killed by
// strace at the one moment that matters.

import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import {
  chownSync,
  closeSync,
  mkdirSync,
  openSync as nodeOpen,
  readdirSync,
  readFileSync,
  readlinkSync,
  readSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { constants as osConstants } from 'node:os'
import { join } from 'node:path'

import test from 'ava'

import { AT_FDCWD, unlinkatSync, writeFileAtomic, writeFileAtomicSync } from 'sysix/fs'
import { NOBODY, ROOT, inChild, tempDir, tool } from './helpers.mjs'

const { errno } = osConstants

/** `stat -c FORMAT` of `path` (of a symlink itself unless `follow`). */
const stat = (path: string, format: string, follow = false): string => tool('stat', [...(follow ? ['-L'] : []), '-c', format, path]).trim()

/** This process's umask, from /proc/self/status (process.umask() without an argument is deprecated). */
function umask(): number {
  const line = /^Umask:\s+([0-7]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))
  if (!line) throw new Error('no Umask in /proc/self/status')
  return parseInt(line[1], 8)
}

const read = (path: string): string => readFileSync(path, 'utf8')

/** The temporary names writeFileAtomic documents, for a file named `name`. */
const temporaryName = (name: string) => new RegExp(`^\\.${name}\\.[0-9a-f]{16}\\.tmp$`)

test('writeFileAtomicSync writes strings, Buffers and exactly the bytes of a view; a new file gets 0o666 less the umask', async (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'file')
  writeFileAtomicSync(path, 'text é')
  t.is(read(path), 'text é')
  t.is(stat(path, '%a'), (0o666 & ~umask()).toString(8))
  const memory = new Uint8Array(Buffer.from('..middle..'))
  writeFileAtomicSync(path, memory.subarray(2, 8), { mode: 0o640 })
  t.is(read(path), 'middle')
  t.is(stat(path, '%a'), '640')
  await writeFileAtomic(path, new DataView(memory.buffer, 1, 3), { mode: 0o600, fsync: false })
  t.is(read(path), '.mi')
  t.is(stat(path, '%a'), '600')
  writeFileAtomicSync(path, new Uint16Array([0x4241]))
  t.true(readFileSync(path).equals(Buffer.from(new Uint16Array([0x4241]).buffer)))
  writeFileAtomicSync(path, '')
  t.is(statSync(path).size, 0)
  t.deepEqual(readdirSync(dir), ['file'])
  t.throws(() => writeFileAtomicSync(path, 42 as unknown as string), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' })
  t.throws(() => writeFileAtomicSync(path, 'x', { mode: -1 }), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' })
  t.throws(() => writeFileAtomicSync(path, 'x', { fsync: 'no' as unknown as boolean }), {
    instanceOf: TypeError,
    code: 'ERR_INVALID_ARG_TYPE',
  })
})

test('an encoding, as the third argument or options.encoding, reads string data as fs.writeFile does', async (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'file')
  const node = join(dir, 'by-node')
  for (const [data, encoding] of [
    ['c2VjcmV0', 'base64'],
    ['736563726574', 'hex'],
    ['caf\u00e9', 'latin1'],
    ['\u00e9t\u00e9', 'utf16le'],
  ] as const) {
    writeFileSync(node, data, encoding)
    writeFileAtomicSync(path, data, encoding)
    t.true(readFileSync(path).equals(readFileSync(node)), encoding)
    await writeFileAtomic(path, data, { encoding, fsync: false })
    t.true(readFileSync(path).equals(readFileSync(node)), `${encoding} in options`)
  }
  writeFileAtomicSync(path, Buffer.from('bytes'), 'hex')
  t.is(read(path), 'bytes', 'the encoding is for strings only, as in fs.writeFile')
  writeFileAtomicSync(path, 'null means utf8', { encoding: null })
  t.is(read(path), 'null means utf8')
  const nodeError = t.throws<NodeJS.ErrnoException>(() => writeFileSync(node, 'x', 'nope' as BufferEncoding))
  const ours = t.throws(() => writeFileAtomicSync(path, 'x', 'nope' as BufferEncoding))
  t.like(ours, { name: nodeError?.name, code: nodeError?.code })
  // As Node 20.20 and later word it (20.19 swaps the name and the value).
  t.is(ours?.message, "The argument 'encoding' is invalid encoding. Received 'nope'")
  t.is(read(path), 'null means utf8', 'a refused call writes nothing')
})

test('a replaced file keeps its mode, set-id bits included, and (as root) its owner and group, unless a mode is given', (t) => {
  const dir = tempDir(t)
  const secret = join(dir, 'secret')
  writeFileSync(secret, 'old', { mode: 0o600 })
  writeFileAtomicSync(secret, 'new')
  t.is(stat(secret, '%a'), '600', 'a 0600 secret stays 0600')
  const shared = join(dir, 'shared')
  writeFileSync(shared, 'old')
  chownSync(shared, NOBODY, NOBODY)
  tool('chmod', ['2750', shared])
  writeFileAtomicSync(shared, 'new')
  t.is(stat(shared, '%a %u %g'), `2750 ${NOBODY} ${NOBODY}`)
  writeFileAtomicSync(shared, 'given', { mode: 0o640 })
  t.is(stat(shared, '%a'), '640', 'a given mode is the mode')
  t.is(read(shared), 'given')
  t.deepEqual(readdirSync(dir).sort(), ['secret', 'shared'])
})

test('by an unprivileged user, the mode is kept and the owner becomes the writer, who cannot give files away', (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'group-file')
  writeFileSync(path, 'root wrote this')
  tool('chmod', ['664', path])
  inChild(`sysix.writeFileAtomicSync(${JSON.stringify(path)}, 'nobody replaced it'); report(null)`, { uid: NOBODY })
  t.is(read(path), 'nobody replaced it')
  t.is(stat(path, '%a %u'), `664 ${NOBODY}`)
})

test('writeFileAtomicSync of a relative name in the current directory, by an unprivileged user', (t) => {
  const dir = tempDir(t)
  inChild(`sysix.writeFileAtomicSync('relative', 'by nobody', { mode: 0o644 }); report(null)`, { uid: NOBODY, cwd: dir })
  t.is(read(join(dir, 'relative')), 'by nobody')
  t.is(stat(join(dir, 'relative'), '%u %a'), `${NOBODY} 644`)
  t.deepEqual(readdirSync(dir), ['relative'])
})

test('a path that is a symlink stays one: the file at the end of the chain is replaced, or created where the link dangles', async (t) => {
  const dir = tempDir(t)
  mkdirSync(join(dir, 'real'))
  writeFileSync(join(dir, 'real', 'config'), 'old', { mode: 0o640 })
  tool('ln', ['-s', 'real/config', join(dir, 'link')])
  tool('ln', ['-s', join(dir, 'link'), join(dir, 'chain')])
  writeFileAtomicSync(join(dir, 'chain'), 'new')
  t.is(tool('readlink', [join(dir, 'chain')]).trim(), join(dir, 'link'))
  t.is(tool('readlink', [join(dir, 'link')]).trim(), 'real/config')
  t.is(read(join(dir, 'real', 'config')), 'new')
  t.is(stat(join(dir, 'real', 'config'), '%a'), '640')
  await writeFileAtomic(join(dir, 'link'), 'newer')
  t.is(read(join(dir, 'real', 'config')), 'newer')
  symlinkSync('real/made', join(dir, 'dangling'))
  writeFileAtomicSync(join(dir, 'dangling'), 'made')
  t.is(readlinkSync(join(dir, 'dangling')), 'real/made')
  t.is(read(join(dir, 'real', 'made')), 'made')
  t.deepEqual(readdirSync(join(dir, 'real')).sort(), ['config', 'made'], 'no temporary names left beside the target')
  symlinkSync('loop', join(dir, 'loop'))
  t.like(
    t.throws(() => writeFileAtomicSync(join(dir, 'loop'), 'x')),
    { code: 'ELOOP', path: join(dir, 'loop') },
  )
})

test('50 concurrent writeFileAtomic calls on one path finish in call order: the last call made wins, with the data it was given', async (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'file')
  const order: number[] = []
  const calls = Array.from({ length: 50 }, (_, i) => writeFileAtomic(path, `write ${i}`, { fsync: i % 2 === 0 }).then(() => order.push(i)))
  await Promise.all(calls)
  t.is(read(path), 'write 49')
  t.deepEqual(
    order,
    Array.from({ length: 50 }, (_, i) => i),
  )
  // Another spelling of the path waits its turn too; a Buffer changed after
  // the call does not change what is written.
  const data = Buffer.from('as given')
  const first = writeFileAtomic(path, Buffer.alloc(1 << 20, 0x61))
  const second = writeFileAtomic(join(dir, '.', 'file'), data)
  data.write('changed!')
  await Promise.all([first, second])
  t.is(read(path), 'as given')
  // A failed call leaves the queue running. (`file/../file` is the same
  // path to path.resolve, and ENOTDIR to the kernel.)
  const slow = writeFileAtomic(path, Buffer.alloc(1 << 20, 0x62))
  const failing = writeFileAtomic(`${path}/../file`, 'x')
  const after = writeFileAtomic(path, 'after')
  await slow
  t.like(await t.throwsAsync(failing), { code: 'ENOTDIR' })
  await after
  t.is(read(path), 'after')
  t.deepEqual(readdirSync(dir), ['file'])
})

test('names up to 255 bytes, in any script, and names that temporary files of other processes already use', (t) => {
  const dir = tempDir(t)
  for (const name of ['n'.repeat(255), '\u00e9'.repeat(127), '\u{1f600}'.repeat(63)]) {
    writeFileAtomicSync(join(dir, name), name)
    t.is(read(join(dir, name)), name, `${Buffer.byteLength(name)} bytes`)
  }
  t.like(
    t.throws(() => writeFileAtomicSync(join(dir, 'n'.repeat(256)), 'x')),
    { code: 'ENAMETOOLONG', path: join(dir, 'n'.repeat(256)) },
  )
  t.is(readdirSync(dir).length, 3, 'the three files and nothing else')
})

test('a temporary name left by an earlier process with the same pid (in a fresh pid namespace each, killed at its rename) is never in the way', (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'config')
  writeFileSync(path, 'old')
  // In a new pid namespace strace is pid 1 and Node gets the same pid every time.
  const run = (kill: boolean) =>
    spawnSync(
      'unshare',
      [
        '--pid',
        '--fork',
        '--mount-proc',
        'strace',
        '-f',
        '-o',
        '/dev/null',
        ...(kill
          ? ['-e', 'trace=rename,renameat,renameat2', '-e', 'inject=rename,renameat,renameat2:signal=SIGKILL']
          : ['-e', 'trace=none']),
        process.execPath,
        '-e',
        `process.stdout.write(String(process.pid)); require(${JSON.stringify(ROOT)}).writeFileAtomicSync(${JSON.stringify(path)}, 'new')`,
      ],
      { encoding: 'utf8' },
    )
  const pids = new Set<string>()
  for (let i = 0; i < 2; i++) {
    const killed = run(true)
    t.not(killed.status, 0, 'killed at the rename')
    pids.add(killed.stdout)
  }
  const strays = readdirSync(dir).filter((name) => name !== 'config')
  t.is(strays.length, 2, 'each killed run left its temporary name')
  t.is(read(path), 'old')
  const last = run(false)
  t.is(last.status, 0, last.stderr)
  pids.add(last.stdout)
  t.is(pids.size, 1, `one pid for all three runs: ${[...pids]}`)
  t.is(read(path), 'new')
  t.deepEqual(
    readdirSync(dir)
      .filter((name) => name !== 'config')
      .sort(),
    strays.sort(),
    'the names left behind are left alone',
  )
})

test('without /proc mounted (unshare, umount -R /proc, its submounts such as binfmt_misc too), it writes through a named temporary file, keeping mode and symlinks', (t) => {
  const dir = tempDir(t)
  writeFileSync(join(dir, 'target'), 'old', { mode: 0o600 })
  symlinkSync('target', join(dir, 'link'))
  const script = `
    const fs = require('fs');
    const sysix = require(${JSON.stringify(ROOT)});
    sysix.writeFileAtomicSync(${JSON.stringify(join(dir, 'link'))}, 'new');
    sysix.writeFileAtomic(${JSON.stringify(join(dir, 'fresh'))}, 'fresh').then(() => console.log(JSON.stringify({ proc: fs.existsSync('/proc/self') })));`
  const result = spawnSync('unshare', ['-m', 'sh', '-c', 'umount -R /proc && exec "$0" -e "$1"', process.execPath, script], {
    encoding: 'utf8',
  })
  t.is(result.status, 0, result.stderr)
  t.false(JSON.parse(result.stdout).proc, '/proc was not mounted')
  t.is(read(join(dir, 'target')), 'new')
  t.is(stat(join(dir, 'target'), '%a'), '600')
  t.is(readlinkSync(join(dir, 'link')), 'target')
  t.is(read(join(dir, 'fresh')), 'fresh')
  t.deepEqual(readdirSync(dir).sort(), ['fresh', 'link', 'target'])
})

test("errors name the caller's path and read as fs.writeFile's, for every path that cannot name a file", async (t) => {
  const dir = tempDir(t)
  writeFileSync(join(dir, 'plain'), 'plain')
  mkdirSync(join(dir, 'sub'))
  for (const name of ['plain/', 'plain/.', 'plain/..', 'plain/x', 'sub', 'sub/', 'sub/.', 'missing/x', '']) {
    const path = name === '' ? '' : `${dir}/${name}`
    const expected = t.throws<NodeJS.ErrnoException>(() => writeFileSync(path, 'x'))
    const sync = t.throws(() => writeFileAtomicSync(path, 'x'))
    const promise = await t.throwsAsync(writeFileAtomic(path, 'x'))
    for (const error of [sync, promise]) {
      t.like(error, { code: expected?.code, errno: expected?.errno, path }, JSON.stringify(name))
      t.is(error?.message, expected?.message, JSON.stringify(name))
    }
  }
  t.is(read(join(dir, 'plain')), 'plain')
  t.deepEqual(readdirSync(dir).sort(), ['plain', 'sub'])
  t.deepEqual(readdirSync(join(dir, 'sub')), [])
})

test('a write that fails midway (ENOSPC on a small tmpfs) names the path, leaves the old file and no temporary one', (t) => {
  const script = `
    const fs = require('fs');
    const sysix = require(${JSON.stringify(ROOT)});
    fs.writeFileSync('/mnt/file', 'old');
    let error;
    try { sysix.writeFileAtomicSync('/mnt/file', Buffer.alloc(1 << 20)) } catch (e) { error = { code: e.code, syscall: e.syscall, path: e.path, message: e.message } }
    console.log(JSON.stringify({ error, contents: fs.readFileSync('/mnt/file', 'utf8'), names: fs.readdirSync('/mnt') }));`
  const result = spawnSync(
    'unshare',
    ['-m', 'sh', '-c', 'mount -t tmpfs -o size=64k none /mnt && exec "$0" -e "$1"', process.execPath, script],
    {
      encoding: 'utf8',
    },
  )
  t.is(result.status, 0, result.stderr)
  const out = JSON.parse(result.stdout)
  t.like(out.error, { code: 'ENOSPC', syscall: 'write', path: '/mnt/file' })
  t.regex(out.error.message, /^ENOSPC: no space left on device, write '\/mnt\/file'/)
  t.is(out.contents, 'old')
  t.deepEqual(out.names, ['file'])
})

test('durability, seen by strace: fsync of the file before the rename, of the directory after it, and only then does the Promise resolve', (t) => {
  const dir = tempDir(t)
  const trace = join(dir, 'trace')
  const file = join(dir, 'file')
  const script = `
    const sysix = require(${JSON.stringify(ROOT)});
    const say = (word) => require('fs').writeSync(1, word);
    sysix.writeFileAtomic(${JSON.stringify(file)}, 'durable')
      .then(() => say('resolved'))
      .then(() => sysix.writeFileAtomic(${JSON.stringify(file)}, 'fast', { fsync: false }))
      .then(() => say('unsynced'));`
  const result = spawnSync(
    'strace',
    ['-f', '-qq', '-o', trace, '-e', 'trace=fsync,fdatasync,rename,renameat,renameat2,write', process.execPath, '-e', script],
    {
      encoding: 'utf8',
    },
  )
  t.is(result.status, 0, result.stderr)
  t.is(result.stdout, 'resolvedunsynced')
  const calls = read(trace)
    .split('\n')
    .map((line) => /^\d+\s+(\w+)\((.*)/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null && (m[1] !== 'write' || /"(resolved|unsynced)"/.test(m[2])))
    .map((m) => (m[1] === 'write' ? /"(\w+)"/.exec(m[2])?.[1] : m[1].replace(/^renameat2?$/, 'rename')))
  t.deepEqual(calls, ['fsync', 'rename', 'fsync', 'resolved', 'rename', 'unsynced'])
  t.is(read(file), 'fast')
})

test('writeFileAtomicSync replaces a file with a new one: readers of the old keep the old, and nothing else is left in the directory', async (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'file')
  writeFileSync(path, 'old contents')
  const inode = statSync(path).ino
  const reader = nodeOpen(path, 'r')
  t.teardown(() => closeSync(reader))
  writeFileAtomicSync(path, 'new')
  t.is(read(path), 'new')
  t.not(statSync(path).ino, inode, 'a new file took the name')
  const buffer = Buffer.alloc(32)
  t.is(buffer.subarray(0, readSync(reader, buffer, 0, 32, 0)).toString(), 'old contents', 'never a mix')
  await writeFileAtomic(path, 'newer')
  t.is(read(path), 'newer')
  t.deepEqual(readdirSync(dir), ['file'], 'no temporary names left')
  t.like(
    t.throws(() => writeFileAtomicSync(join(dir, 'missing', 'file'), 'x')),
    { code: 'ENOENT', errno: -errno.ENOENT },
  )
  t.like(await t.throwsAsync(writeFileAtomic(dir, 'x')), { code: 'EISDIR' })
  t.deepEqual(readdirSync(dir), ['file'], 'a failed write leaves nothing either')
})

test('writeFileAtomic under SIGKILL at random moments: the 20 MB file is always all A or all B, never older than the last completed write', async (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'file')
  const size = 20 * 1024 * 1024
  const A = Buffer.alloc(size, 0x41)
  const B = Buffer.alloc(size, 0x42)
  writeFileSync(path, A)
  // Each child writes B, A, B, A... and says `done` after each write returns.
  const script = `
    const sysix = require(${JSON.stringify(ROOT)});
    const A = Buffer.alloc(${size}, 0x41), B = Buffer.alloc(${size}, 0x42);
    process.stdout.write('ready\\n');
    for (let i = 1; ; i++) { sysix.writeFileAtomicSync(${JSON.stringify(path)}, i % 2 ? B : A); process.stdout.write('done\\n'); }
  `
  const strays: string[] = []
  let completed = 0
  let before = 'A'
  for (let kill = 0; kill < 30; kill++) {
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
    t.teardown(() => child.kill('SIGKILL'))
    let output = ''
    let wake = () => {}
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk
      wake()
    })
    const closed = once(child, 'close')
    // Every tenth child is first let finish one write, so that some kills
    // surely come after a completed replacement.
    const wanted = kill % 10 === 9 ? 'done' : 'ready'
    child.on('exit', () => wake())
    while (!output.includes(wanted) && child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => (wake = resolve))
    }
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 150))
    child.kill('SIGKILL')
    const [, signal] = await closed
    t.is(signal, 'SIGKILL')
    const done = output.split('\n').filter((line) => line === 'done').length
    completed += done
    const data = readFileSync(path)
    const now = data.equals(A) ? 'A' : data.equals(B) ? 'B' : `neither (${data.length} bytes)`
    const settled = done === 0 ? before : done % 2 ? 'B' : 'A'
    const inFlight = (done + 1) % 2 ? 'B' : 'A'
    t.true(now === settled || now === inFlight, `after kill ${kill} (${done} writes done): ${now}`)
    before = now
    for (const name of readdirSync(dir)) {
      if (name === 'file') continue
      t.regex(name, temporaryName('file'), 'nothing but temporary names of the documented form')
      strays.push(name)
      unlinkatSync(AT_FDCWD, join(dir, name))
    }
  }
  t.log(`${completed} writes completed in all; stray temporary names after the kills: ${strays.length ? strays.join(', ') : 'none'}`)
  t.true(completed >= 3, 'replacements happened between the kills')
})

test('writeFileAtomic killed between naming its O_TMPFILE file and renaming it (strace inject) leaves the old file and, as documented, a whole temporary file', (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'file')
  writeFileSync(path, 'old')
  const tmpfile = spawnSync('python3', ['-c', 'import os, sys; os.open(sys.argv[1], os.O_TMPFILE | os.O_WRONLY, 0o600)', dir])
  t.is(tmpfile.status, 0, 'this filesystem supports O_TMPFILE')
  const result = spawnSync(
    'strace',
    [
      '-f',
      '-o',
      '/dev/null',
      '-e',
      'trace=rename,renameat,renameat2',
      '-e',
      'inject=rename,renameat,renameat2:signal=SIGKILL',
      process.execPath,
      '-e',
      `require(${JSON.stringify(ROOT)}).writeFileAtomicSync(${JSON.stringify(path)}, 'new')`,
    ],
    { encoding: 'utf8' },
  )
  t.is(result.signal ?? `exit ${result.status}`, 'SIGKILL', 'killed at the rename')
  t.is(read(path), 'old', 'the old file stands')
  const strays = readdirSync(dir).filter((name) => name !== 'file')
  t.is(strays.length, 1, 'the one temporary name the documentation warns of')
  t.regex(strays[0] ?? '', temporaryName('file'))
  t.is(read(join(dir, strays[0] ?? '')), 'new', 'holding the new data, whole')
})
