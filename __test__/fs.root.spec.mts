// Root: every path resolved beneath one directory, with the kernel's
// openat2(RESOLVE_BENEATH) and with sysix's own component-by-component walk
// (forced with `openat2: false`), checked against coreutils and against a
// symlink swapped under it in a race.

import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, mkdirSync, readFileSync, readSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

import test, { type ExecutionContext } from 'ava'

import { constants, Root, type SystemError } from 'sysix'
import { AT_ONCE_MS, ROOT, seccompWrapper, tempDir, tool } from './helpers.mjs'

const RESOLVERS = [
  { name: 'openat2', options: { openat2: true } },
  { name: 'userspace walk', options: { openat2: false } },
] as const

/**
 * A tree: `root/` holds `dir/inside`, symlinks that stay (`relative`,
 * `dir/sideways`) and symlinks that leave (`up`, `absolute`, `dir/climb`,
 * `proc` to /proc, `magic` to /proc/self/root); `outside` is next to it.
 */
function tree(t: ExecutionContext): { base: string; root: string; outside: string } {
  const base = tempDir(t)
  const root = join(base, 'root')
  mkdirSync(join(root, 'dir'), { recursive: true })
  writeFileSync(join(root, 'dir', 'inside'), 'inside')
  writeFileSync(join(base, 'outside'), 'OUTSIDE')
  symlinkSync('dir/inside', join(root, 'relative'))
  symlinkSync('../dir/./inside', join(root, 'dir', 'sideways'))
  symlinkSync('../outside', join(root, 'up'))
  symlinkSync(join(base, 'outside'), join(root, 'absolute'))
  symlinkSync('../../outside', join(root, 'dir', 'climb'))
  symlinkSync('/proc', join(root, 'proc'))
  symlinkSync('/proc/self/root', join(root, 'magic'))
  return { base, root, outside: join(base, 'outside') }
}

function read(root: Root, path: string): string {
  using fd = root.openSync(path)
  const buffer = Buffer.alloc(64)
  return buffer.subarray(0, readSync(fd.fd, buffer)).toString()
}

function code(call: () => unknown): string {
  try {
    call()
    return 'none'
  } catch (error) {
    return (error as SystemError).code
  }
}

for (const { name, options } of RESOLVERS) {
  test(`${name}: paths that stay inside resolve, symlinks included`, (t) => {
    const { root } = tree(t)
    using r = Root.openSync(root, options)
    t.is(r.kernelResolution, options.openat2)
    t.is(read(r, 'dir/inside'), 'inside')
    t.is(read(r, 'relative'), 'inside')
    t.is(read(r, 'dir/sideways'), 'inside')
    t.is(read(r, './dir/../dir/inside'), 'inside')
    t.is(read(r, 'dir/../relative'), 'inside')
  })

  test(`${name}: every way out fails with EXDEV and reads nothing outside`, (t) => {
    const { root } = tree(t)
    using r = Root.openSync(root, options)
    for (const way of [
      '..',
      '../outside',
      'dir/../../outside',
      '/etc/hostname',
      'up',
      'absolute',
      'dir/climb',
      'proc/self/status',
      'magic/etc/hostname',
    ]) {
      const error = t.throws(() => read(r, way), undefined, way) as SystemError
      t.is(error.code, 'EXDEV', way)
      t.is(error.path, way)
    }
    t.is(
      code(() => r.openSync('missing')),
      'ENOENT',
    )
    t.is(
      code(() => r.openSync('dir/inside/x')),
      'ENOTDIR',
    )
    t.is(
      code(() => r.openSync('up', 'r')),
      'EXDEV',
    )
  })

  test(`${name}: a root at /proc/self follows no magic link (ELOOP, as RESOLVE_NO_MAGICLINKS), its plain links yes`, (t) => {
    using r = Root.openSync('/proc/self', options)
    t.regex(read(r, 'status'), /^Name:/)
    for (const magic of ['root/etc/hostname', 'cwd/package.json', 'exe', 'fd/0']) {
      t.is(
        code(() => r.openSync(magic)),
        'ELOOP',
        magic,
      )
    }
    using proc = Root.openSync('/proc', options)
    t.regex(read(proc, 'self/status'), /^Name:/, '/proc/self is a plain symlink, followed')
    t.true(read(proc, 'mounts').length > 0, '/proc/mounts (a link to self/mounts) too')
  })

  test.serial(
    `${name}: O_DIRECTORY is kept to the end: a file is never truncated, created or a FIFO opened where a directory is wanted`,
    async (t) => {
      const { root } = tree(t)
      writeFileSync(join(root, 'important'), 'keep me')
      tool('mkfifo', [join(root, 'fifo')])
      using r = Root.openSync(root, options)
      const { O_RDWR, O_TRUNC, O_DIRECTORY, O_CREAT, O_WRONLY } = constants
      t.is(
        code(() => r.openSync('important', O_RDWR | O_TRUNC | O_DIRECTORY)),
        'ENOTDIR',
      )
      t.is(readFileSync(join(root, 'important'), 'utf8'), 'keep me', 'not truncated')
      t.is(
        code(() => r.openSync('created', O_CREAT | O_DIRECTORY | O_WRONLY)),
        'EINVAL',
      )
      t.false(existsSync(join(root, 'created')), 'nothing created')
      // A listing of a FIFO fails at once, sync and Promise, instead of waiting for a writer forever.
      const started = Date.now()
      t.is(
        code(() => r.readdirSync('fifo')),
        'ENOTDIR',
      )
      await t.throwsAsync(r.readdir('fifo'), { code: 'ENOTDIR' })
      t.is(
        code(() => r.openRootSync('fifo')),
        'ENOTDIR',
      )
      t.true(Date.now() - started < AT_ONCE_MS)
    },
  )

  test(`${name}: trailing slashes and dots as rmdir(2), unlink(2), rename(2) and lstat(2) take them`, (t) => {
    const { root } = tree(t)
    mkdirSync(join(root, 'sub'))
    writeFileSync(join(root, 'file'), 'file')
    symlinkSync('dir', join(root, 'dirlink'))
    using r = Root.openSync(root, options)
    t.is(
      code(() => r.rmdirSync('sub/.')),
      'EINVAL',
    )
    t.true(existsSync(join(root, 'sub')), 'sub/. does not remove sub')
    t.is(
      code(() => r.unlinkSync('file/')),
      'ENOTDIR',
    )
    t.is(
      code(() => r.renameSync('file/', 'moved')),
      'ENOTDIR',
    )
    t.true(existsSync(join(root, 'file')))
    t.is(r.lstatSync('dirlink/').type, 'directory', 'a trailing slash follows the link, as the kernel does')
    t.is(r.lstatSync('dirlink/').ino, BigInt(statSync(join(root, 'dir')).ino))
    t.is(r.lstatSync('dirlink').type, 'symlink')
    t.is(
      code(() => r.lstatSync('up/')),
      'EXDEV',
      'and a link out of the root fails',
    )
    t.is(
      code(() => r.lstatSync('file/')),
      'ENOTDIR',
    )
    t.is(r.statSync('.').ino, BigInt(statSync(root).ino), 'stat(.) is the root')
    t.is(r.lstatSync('.').ino, BigInt(statSync(root).ino), 'lstat(.) too')
    t.is(
      code(() => r.statSync('')),
      'ENOENT',
      "'' names nothing",
    )
    t.is(
      code(() => r.openSync('')),
      'ENOENT',
    )
    r.rmdirSync('sub/')
    t.false(existsSync(join(root, 'sub')))
  })

  test(`${name}: an escape says what happened`, (t) => {
    const { root } = tree(t)
    using r = Root.openSync(root, options)
    for (const way of ['../outside', '/etc/passwd', 'up']) {
      const error = t.throws(() => r.openSync(way)) as SystemError
      t.is(error.code, 'EXDEV')
      t.regex(
        error.message,
        /^EXDEV: cross-device link not permitted, open\w* '.*': the path leads out of the root \(an absolute path, `\.\.` above its top, or a symlink out of it\): pass a path that stays beneath it$/,
        way,
      )
    }
  })

  test(`${name}: name operations work beneath the root, as coreutils sees them`, async (t) => {
    const { base, root } = tree(t)
    using r = Root.openSync(root, options)
    r.mkdirSync('made', 0o750)
    t.is(tool('stat', ['-c', '%F %a', join(root, 'made')]).trim(), `directory ${(0o750 & ~process.umask()).toString(8)}`)
    await r.mkdir('made/deeper')
    const handle = r.openSync('made/file', 'wx', 0o600)
    handle.close()
    t.is(tool('stat', ['-c', '%F', join(root, 'made', 'file')]).trim(), 'regular empty file')
    r.symlinkSync('../dir/inside', 'made/link')
    t.is(tool('readlink', [join(root, 'made', 'link')]).trim(), '../dir/inside')
    t.is(r.readlinkSync('made/link'), '../dir/inside')
    t.deepEqual(await r.readlink('made/link', { encoding: 'buffer' }), Buffer.from('../dir/inside'))
    r.linkSync('dir/inside', 'made/hard')
    t.is(tool('stat', ['-c', '%h', join(root, 'dir', 'inside')]).trim(), '2')
    await r.rename('made/hard', 'made/renamed')
    t.throws(() => r.renameSync('made/renamed', 'dir/inside', { noReplace: true }), { code: 'EEXIST' })
    const names = r
      .readdirSync('made')
      .map((e) => `${e.name}:${e.type}`)
      .sort()
    t.deepEqual(names, ['deeper:directory', 'file:file', 'link:symlink', 'renamed:file'])
    t.deepEqual((await r.readdir()).map((e) => e.name).sort(), tool('ls', ['-A', root]).trim().split('\n').sort())
    r.chmodSync('made/file', 0o640)
    t.is(tool('stat', ['-c', '%a', join(root, 'made', 'file')]).trim(), '640')
    r.setFileTimesSync('made/file', { mtime: 1_234_567_890_123_456_789n })
    t.is(tool('stat', ['-c', '%.9Y', join(root, 'made', 'file')]).trim(), '1234567890.123456789')
    r.setFileTimesSync('made/link', { mtime: 5_000_000_000n }, { followSymlinks: false })
    t.is(tool('stat', ['-c', '%Y', join(root, 'made', 'link')]).trim(), '5')
    t.is(r.statSync('made/link').type, 'file')
    t.is(r.lstatSync('made/link').type, 'symlink')
    t.is((await r.stat('dir/inside')).ino, statSync(join(root, 'dir', 'inside'), { bigint: true }).ino)
    r.unlinkSync('made/link')
    t.is(
      code(() => r.rmdirSync('made')),
      'ENOTEMPTY',
    )
    for (const entry of ['file', 'renamed']) await r.unlink(`made/${entry}`)
    r.rmdirSync('made/deeper')
    await r.rmdir('made')
    t.deepEqual(tool('ls', ['-A', base]).trim().split('\n'), ['outside', 'root'])
  })

  test(`${name}: name operations refuse paths whose parent leaves, and never touch the outside`, (t) => {
    const { base, root, outside } = tree(t)
    mkdirSync(join(base, 'elsewhere'))
    symlinkSync('../elsewhere', join(root, 'away'))
    using r = Root.openSync(root, options)
    const before = statSync(outside)
    t.is(
      code(() => r.mkdirSync('away/x')),
      'EXDEV',
    )
    t.is(
      code(() => r.symlinkSync('x', 'away/x')),
      'EXDEV',
    )
    t.is(
      code(() => r.renameSync('dir/inside', 'away/stolen')),
      'EXDEV',
    )
    t.is(
      code(() => r.renameSync('../outside', 'dir/stolen')),
      'EXDEV',
    )
    t.is(
      code(() => r.linkSync('../outside', 'dir/stolen')),
      'EXDEV',
    )
    t.is(
      code(() => r.chmodSync('up', 0o777)),
      'EXDEV',
    )
    t.is(
      code(() => r.setFileTimesSync('absolute', { mtime: 0n })),
      'EXDEV',
    )
    t.is(
      code(() => r.statSync('up')),
      'EXDEV',
    )
    t.is(
      code(() => r.readdirSync('away')),
      'EXDEV',
    )
    t.is(
      code(() => r.openRootSync('away')),
      'EXDEV',
    )
    t.is(r.lstatSync('up').type, 'symlink', 'the link itself is inside')
    r.unlinkSync('up') // removes the link, not what it points to
    t.deepEqual(tool('ls', [join(base, 'elsewhere')]).trim(), '')
    const after = statSync(outside)
    t.is(after.mode, before.mode)
    t.is(after.mtimeMs, before.mtimeMs)
    t.is(readFileSync(outside, 'utf8'), 'OUTSIDE')
  })

  test(`${name}: openRoot nests a root that cannot climb back into its parent`, async (t) => {
    const { root } = tree(t)
    using r = Root.openSync(root, options)
    using inner = await r.openRoot('dir')
    t.is(inner.kernelResolution, r.kernelResolution)
    t.is(read(inner, 'inside'), 'inside')
    t.is(
      code(() => inner.openSync('../relative')),
      'EXDEV',
    )
    t.is(
      code(() => inner.openSync('sideways')),
      'EXDEV',
      'inside the outer root, but not the inner one',
    )
  })

  // Serial: it spins the event loop for its whole length.
  test.serial(`${name}: a symlink swapped in a race never lets a read out`, async (t) => {
    const { base, root } = tree(t)
    mkdirSync(join(root, 'door'))
    writeFileSync(join(root, 'door', 'secret'), 'inside')
    mkdirSync(join(base, 'vault'))
    writeFileSync(join(base, 'vault', 'secret'), 'OUTSIDE')
    symlinkSync('../vault', join(root, 'swap'))
    // Another process swaps `door` (a directory) and `swap` (a symlink out)
    // atomically, over and over (renameat2 RENAME_EXCHANGE).
    const swapper = spawn(
      process.execPath,
      [
        '-e',
        `const { renameat2Sync, AT_FDCWD } = require(${JSON.stringify(ROOT)});
         const [a, b] = process.argv.slice(1);
         const stop = Date.now() + 20000;
         renameat2Sync(AT_FDCWD, a, AT_FDCWD, b, { exchange: true });
         process.stdout.write('swapping\\n');
         while (Date.now() < stop) renameat2Sync(AT_FDCWD, a, AT_FDCWD, b, { exchange: true });`,
        join(root, 'door'),
        join(root, 'swap'),
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    )
    t.teardown(() => swapper.kill('SIGKILL'))
    using r = Root.openSync(root, options)
    const seen = { inside: 0, refused: 0, missing: 0, outside: 0, nodeReadOutside: 0 }
    // Race only once the swapper swaps (a Node starting under emulation takes seconds).
    const started = await Promise.race([once(swapper.stdout, 'data').then(() => true), once(swapper, 'exit').then(([code]) => code)])
    t.is(started, true, 'the swapper started (else this is its exit code)')
    const until = Date.now() + 1500
    while (Date.now() < until) {
      try {
        const content = read(r, 'door/secret')
        if (content === 'inside') seen.inside++
        else seen.outside++
      } catch (error) {
        const errno = (error as SystemError).code
        if (errno === 'EXDEV') seen.refused++
        else if (errno === 'ENOENT' || errno === 'ENOTDIR') seen.missing++
        else throw error
      }
      // What a plain path lookup meets in the same race.
      try {
        if (readFileSync(join(root, 'door', 'secret'), 'utf8') === 'OUTSIDE') seen.nodeReadOutside++
      } catch {
        // between two swaps
      }
    }
    t.log(seen)
    t.is(seen.outside, 0, 'never read the file outside')
    t.true(seen.inside > 0, 'the directory was read while it was in place')
    t.true(seen.refused > 0, 'the symlink out was met, and refused')
    t.true(seen.nodeReadOutside > 0, 'the race is real: a plain lookup of the same path read the outside file')
  })
}

test('a closed Root refuses every call without a system call', (t) => {
  const { root } = tree(t)
  const r = Root.openSync(root)
  r.close()
  t.true(r.closed)
  t.like(
    t.throws(() => r.openSync('dir/inside')),
    { code: 'EBADF', syscall: 'Root.openSync', message: 'EBADF: bad file descriptor, Root.openSync: the Root is closed' },
  )
  t.like(
    t.throws(() => r.fd),
    { code: 'EBADF' },
  )
  t.notThrows(() => r.close())
})

test('the root descriptor is an O_PATH directory descriptor, close-on-exec', (t) => {
  const { root } = tree(t)
  using r = Root.openSync(root)
  const info = readFileSync(`/proc/self/fdinfo/${r.fd}`, 'utf8')
  const flags = parseInt(/^flags:\s+(\d+)$/m.exec(info)?.[1] ?? '0', 8)
  t.is(flags & 0o10000000, 0o10000000, 'O_PATH')
  t.is(flags & 0o2000000, 0o2000000, 'O_CLOEXEC')
  t.is(tool('readlink', [`/proc/${process.pid}/fd/${r.fd}`]).trim(), root)
})

test('Root.open refuses what is not a directory, with the path', async (t) => {
  const { root } = tree(t)
  await t.throwsAsync(Root.open(join(root, 'dir', 'inside')), { code: 'ENOTDIR' })
  t.like(
    t.throws(() => Root.openSync(join(root, 'nope'))),
    { code: 'ENOENT', path: join(root, 'nope') },
  )
})

/** openat2 has one number on every architecture sysix runs its suite on (Linux 5.6). */
const NR_OPENAT2 = 437

for (const [answer, errno] of [
  ['EPERM', 1],
  ['ENOSYS', 38],
  ['EAGAIN', 11],
] as const) {
  test(`under a real seccomp filter that answers ${answer} for openat2, Root works (and stays beneath)`, (t) => {
    const wrapper = seccompWrapper(t, NR_OPENAT2)
    const { root } = tree(t)
    const script = `
      const { Root } = require(${JSON.stringify(join(ROOT, 'dist', 'lib', 'fs'))});
      const r = Root.openSync(process.argv[1]);
      const out = { kernel: r.kernelResolution, inside: require('fs').readFileSync(r.openSync('dir/inside').fd, 'utf8') };
      try { r.openSync('up'); out.escape = 'none' } catch (e) { out.escape = e.code }
      console.log(JSON.stringify(out));`
    const result = spawnSync(wrapper, [String(errno), process.execPath, '-e', script, root], { encoding: 'utf8' })
    t.is(result.status, 0, result.stderr)
    const out = JSON.parse(result.stdout)
    t.is(out.inside, 'inside')
    t.is(out.escape, 'EXDEV')
    // EPERM and ENOSYS mean no openat2 (asked once); EAGAIN is retried, then the walk takes over.
    t.is(out.kernel, answer === 'EAGAIN', `kernelResolution under ${answer}`)
  })
}

test.serial(
  'without /proc mounted (unshare, umount -R /proc, its submounts such as binfmt_misc too), Root#chmod and setFileTimes still work',
  (t) => {
    const { root } = tree(t)
    writeFileSync(join(root, 'f'), 'x')
    const script = `
    const fs = require('fs');
    const { Root } = require(${JSON.stringify(join(ROOT, 'dist', 'lib', 'fs'))});
    const out = { proc: fs.existsSync('/proc/self') };
    for (const openat2 of [true, false]) {
      const r = Root.openSync(${JSON.stringify(root)}, { openat2 });
      r.chmodSync('f', 0o640);
      r.setFileTimesSync('f', { mtime: 1000 });
      out[openat2 ? 'kernel' : 'walk'] = [fs.statSync(${JSON.stringify(join(root, 'f'))}).mode & 0o777, fs.statSync(${JSON.stringify(join(root, 'f'))}).mtimeMs];
      r.close();
    }
    console.log(JSON.stringify(out));`
    const result = spawnSync('unshare', ['-m', 'sh', '-c', 'umount -R /proc && exec "$0" -e "$1"', process.execPath, script], {
      encoding: 'utf8',
    })
    t.is(result.status, 0, result.stderr)
    const out = JSON.parse(result.stdout)
    t.false(out.proc, '/proc was not mounted')
    t.deepEqual(out.kernel, [0o640, 1000])
    t.deepEqual(out.walk, [0o640, 1000])
  },
)
