// Names in directories: renameat2, links, symlinks, special files, modes and
// owners, checked with coreutils stat/readlink/mknod, Python and Node's fs.

import { spawnSync } from 'node:child_process'
import {
  closeSync,
  lstatSync,
  mkdirSync,
  openSync as nodeOpen,
  readdirSync,
  readFileSync,
  readSync,
  statSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import { constants as osConstants } from 'node:os'
import { join } from 'node:path'

import test, { type ExecutionContext } from 'ava'

import {
  AT_FDCWD,
  constants,
  fchmodat,
  fchmodatSync,
  fchownat,
  fchownatSync,
  linkat,
  linkatSync,
  mkdirat,
  mkdiratSync,
  mkfifoat,
  mkfifoatSync,
  mknodat,
  mknodatSync,
  openSync,
  readlinkat,
  readlinkatSync,
  renameat2,
  renameat2Sync,
  symlinkat,
  symlinkatSync,
  unlinkat,
  unlinkatSync,
} from 'sysix/fs'
import { NOBODY, inChild, tempDir, tool } from './helpers.mjs'

const { errno } = osConstants

/** `stat -c FORMAT` of `path` (of a symlink itself unless `follow`). */
const stat = (path: string, format: string, follow = false): string => tool('stat', [...(follow ? ['-L'] : []), '-c', format, path]).trim()

/** This process's umask, from /proc/self/status (process.umask() without an argument is deprecated). */
function umask(): number {
  const line = /^Umask:\s+([0-7]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))
  if (!line) throw new Error('no Umask in /proc/self/status')
  return parseInt(line[1], 8)
}

/** A directory with files `a` (holding "A") and `b` (holding "B"), and an O_PATH descriptor of it. */
function twoFiles(t: ExecutionContext) {
  const dir = tempDir(t)
  writeFileSync(join(dir, 'a'), 'A')
  writeFileSync(join(dir, 'b'), 'B')
  const fd = openSync(dir, constants.O_PATH | constants.O_DIRECTORY)
  t.teardown(() => fd.close())
  return { dir, fd, a: join(dir, 'a'), b: join(dir, 'b') }
}

const read = (path: string): string => readFileSync(path, 'utf8')

test('renameat2Sync noReplace: EEXIST naming both paths, and both files stay; to a free name it renames', (t) => {
  const { dir, a, b } = twoFiles(t)
  const error = t.throws(() => renameat2Sync(AT_FDCWD, a, AT_FDCWD, b, { noReplace: true }))
  t.like(error, {
    code: 'EEXIST',
    errno: -errno.EEXIST,
    syscall: 'renameat2',
    path: a,
    dest: b,
    message: `EEXIST: file already exists, renameat2 '${a}' -> '${b}'`,
  })
  t.is(read(a), 'A')
  t.is(read(b), 'B')
  renameat2Sync(AT_FDCWD, a, AT_FDCWD, join(dir, 'c'), { noReplace: true })
  t.deepEqual(readdirSync(dir).sort(), ['b', 'c'])
  t.is(read(join(dir, 'c')), 'A')
})

test('renameat2Sync exchange swaps two names atomically, even a file and a directory', (t) => {
  const { dir, a, b } = twoFiles(t)
  const inode = statSync(a).ino
  renameat2Sync(AT_FDCWD, a, AT_FDCWD, b, { exchange: true })
  t.is(read(a), 'B')
  t.is(read(b), 'A')
  t.is(statSync(b).ino, inode, 'the same file, under the other name')
  mkdirSync(join(dir, 'sub'))
  writeFileSync(join(dir, 'sub', 'inside'), '')
  renameat2Sync(AT_FDCWD, join(dir, 'sub'), AT_FDCWD, a, { exchange: true })
  t.is(stat(a, '%F'), 'directory')
  t.deepEqual(readdirSync(a), ['inside'])
  t.is(read(join(dir, 'sub')), 'B')
  t.like(
    t.throws(() => renameat2Sync(AT_FDCWD, b, AT_FDCWD, join(dir, 'missing'), { exchange: true })),
    {
      code: 'ENOENT',
      syscall: 'renameat2',
      path: b,
      dest: join(dir, 'missing'),
    },
  )
  t.like(
    t.throws(() => renameat2Sync(AT_FDCWD, a, AT_FDCWD, b, { exchange: true, noReplace: true })),
    { code: 'EINVAL', syscall: 'renameat2' },
  )
})

test('renameat2Sync with no flag replaces the new name; its errors name renameat', (t) => {
  const { dir, a, b } = twoFiles(t)
  renameat2Sync(AT_FDCWD, a, AT_FDCWD, b)
  t.deepEqual(readdirSync(dir), ['b'])
  t.is(read(b), 'A')
  t.like(
    t.throws(() => renameat2Sync(AT_FDCWD, a, AT_FDCWD, b)),
    { code: 'ENOENT', errno: -errno.ENOENT, syscall: 'renameat', path: a, dest: b },
  )
})

test('renameat2 relative to directory descriptors (O_PATH | O_DIRECTORY), within one and across two; Promise form', async (t) => {
  const { dir, fd } = twoFiles(t)
  renameat2Sync(fd, 'a', fd, 'c')
  t.deepEqual(readdirSync(dir).sort(), ['b', 'c'])
  mkdirSync(join(dir, 'other'))
  using other = openSync(join(dir, 'other'), constants.O_PATH | constants.O_DIRECTORY)
  await renameat2(fd, 'c', other, 'moved', { noReplace: true })
  t.is(read(join(dir, 'other', 'moved')), 'A')
  await renameat2(other, 'moved', fd, 'b', { exchange: true })
  t.is(read(join(dir, 'b')), 'A')
  t.is(read(join(dir, 'other', 'moved')), 'B')
  const error = await t.throwsAsync(renameat2(fd, 'b', other, 'moved', { noReplace: true }))
  t.like(error, { code: 'EEXIST', path: 'b', dest: 'moved' })
  t.throws(() => renameat2Sync(fd, 'b', fd, 'c', { noReplace: 1 as unknown as boolean }), {
    instanceOf: TypeError,
    code: 'ERR_INVALID_ARG_TYPE',
  })
  t.throws(() => renameat2Sync(fd, 'b\u0000x', fd, 'c'), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_VALUE' })
  t.throws(() => renameat2Sync(-5 as number, 'b', fd, 'c'), { instanceOf: RangeError })
})

test('renameat2 with AT_FDCWD resolves relative names from the current directory (in a child started there)', (t) => {
  const { dir } = twoFiles(t)
  inChild(`const { renameat2Sync, AT_FDCWD } = sysix; renameat2Sync(AT_FDCWD, 'a', AT_FDCWD, 'z'); report(null)`, { cwd: dir })
  t.deepEqual(readdirSync(dir).sort(), ['b', 'z'])
})

test('linkatSync makes a hard link: stat %h counts 2, both names are one file', async (t) => {
  const { dir, fd, a } = twoFiles(t)
  linkatSync(fd, 'a', fd, 'a2')
  t.is(stat(a, '%h'), '2')
  t.is(stat(join(dir, 'a2'), '%h'), '2')
  t.is(stat(join(dir, 'a2'), '%i'), stat(a, '%i'))
  writeFileSync(a, 'changed')
  t.is(read(join(dir, 'a2')), 'changed')
  await linkat(AT_FDCWD, a, AT_FDCWD, join(dir, 'a3'))
  t.is(stat(a, '%h'), '3')
  t.like(
    t.throws(() => linkatSync(fd, 'a', fd, 'b')),
    { code: 'EEXIST', syscall: 'linkat', path: 'a', dest: 'b' },
  )
  t.like(
    t.throws(() => linkatSync(fd, 'nothing', fd, 'c')),
    { code: 'ENOENT', syscall: 'linkat' },
  )
})

test('linkat of a symlink links the link itself unless followSymlinks', (t) => {
  const { dir, fd, a } = twoFiles(t)
  symlinkSync('a', join(dir, 'link'))
  linkatSync(fd, 'link', fd, 'same-link')
  t.is(stat(join(dir, 'same-link'), '%F'), 'symbolic link')
  t.is(stat(join(dir, 'link'), '%h'), '2')
  linkatSync(fd, 'link', fd, 'target', { followSymlinks: true })
  t.is(stat(join(dir, 'target'), '%F'), 'regular file')
  t.is(stat(a, '%h'), '2')
})

test('an O_TMPFILE file has no name until linkat emptyPath publishes it, with its data and mode', async (t) => {
  const dir = tempDir(t)
  using dirFd = openSync(dir, constants.O_PATH | constants.O_DIRECTORY)
  using file = openSync(dir, constants.O_TMPFILE | constants.O_WRONLY, 0o640)
  writeSync(file.fd, 'published content')
  t.deepEqual(readdirSync(dir), [], 'no name before linking')
  linkatSync(file, '', dirFd, 'published', { emptyPath: true })
  t.deepEqual(readdirSync(dir), ['published'])
  t.is(read(join(dir, 'published')), 'published content')
  t.is(stat(join(dir, 'published'), '%a'), (0o640 & ~umask()).toString(8))
  t.is(stat(join(dir, 'published'), '%h'), '1')
  await linkat(file, '', AT_FDCWD, join(dir, 'again'), { emptyPath: true })
  t.is(stat(join(dir, 'published'), '%h'), '2')
  t.like(
    t.throws(() => linkatSync(file, '', dirFd, 'published', { emptyPath: true })),
    { code: 'EEXIST', syscall: 'linkat', path: 'published' },
  )
})

test('an O_TMPFILE | O_EXCL file can never be linked: ENOENT, as open(2) says', (t) => {
  const dir = tempDir(t)
  using file = openSync(dir, constants.O_TMPFILE | constants.O_WRONLY | constants.O_EXCL, 0o600)
  t.like(
    t.throws(() => linkatSync(file, '', AT_FDCWD, join(dir, 'name'), { emptyPath: true })),
    { code: 'ENOENT', errno: -errno.ENOENT, syscall: 'linkat' },
  )
  t.deepEqual(readdirSync(dir), [])
})

test('an unprivileged process publishes an O_TMPFILE file with emptyPath (no CAP_DAC_READ_SEARCH needed)', (t) => {
  const dir = tempDir(t)
  const result = inChild<{ names: string[] }>(
    `const fs = require('fs');
     const { openSync, linkatSync, constants, AT_FDCWD } = sysix;
     const file = openSync(${JSON.stringify(dir)}, constants.O_TMPFILE | constants.O_RDWR, 0o600);
     fs.writeSync(file.fd, 'from nobody');
     const names = fs.readdirSync(${JSON.stringify(dir)});
     linkatSync(file, '', AT_FDCWD, ${JSON.stringify(join(dir, 'mine'))}, { emptyPath: true });
     report({ names });`,
    { uid: NOBODY },
  )
  t.deepEqual(result.names, [])
  t.is(read(join(dir, 'mine')), 'from nobody')
  t.is(stat(join(dir, 'mine'), '%u %a'), `${NOBODY} 600`)
})

test('symlinkat and readlinkat: the target as a string, as readlink(1) prints it; Promise forms', async (t) => {
  const dir = tempDir(t)
  using fd = openSync(dir, constants.O_PATH | constants.O_DIRECTORY)
  symlinkatSync('some/where/é', fd, 'link')
  t.is(tool('readlink', [join(dir, 'link')]).replace(/\n$/, ''), 'some/where/é')
  t.is(readlinkatSync(fd, 'link'), 'some/where/é')
  t.true(readlinkatSync(fd, 'link', { encoding: 'buffer' }).equals(Buffer.from('some/where/é')))
  await symlinkat('/abs/target', AT_FDCWD, join(dir, 'abs'))
  t.is(await readlinkat(AT_FDCWD, join(dir, 'abs')), '/abs/target')
  t.true((await readlinkat(fd, 'abs', { encoding: 'buffer' })).equals(Buffer.from('/abs/target')))
  t.like(
    t.throws(() => symlinkatSync('x', fd, 'link')),
    { code: 'EEXIST', syscall: 'symlinkat', dest: 'link' },
  )
  writeFileSync(join(dir, 'plain'), '')
  t.like(
    t.throws(() => readlinkatSync(fd, 'plain')),
    { code: 'EINVAL', errno: -errno.EINVAL, syscall: 'readlinkat', path: 'plain' },
  )
  t.like(await t.throwsAsync(readlinkat(fd, 'missing')), { code: 'ENOENT', syscall: 'readlinkat' })
})

test('symlink targets up to PATH_MAX - 1 bytes round-trip; one byte more is ENAMETOOLONG from the kernel', (t) => {
  const dir = tempDir(t)
  using fd = openSync(dir, constants.O_PATH | constants.O_DIRECTORY)
  const longest = `/${'x/'.repeat(2047)}`
  t.is(Buffer.byteLength(longest), 4095)
  symlinkatSync(longest, fd, 'long')
  t.is(readlinkatSync(fd, 'long'), longest)
  t.is(tool('readlink', [join(dir, 'long')]).replace(/\n$/, ''), longest)
  t.like(
    t.throws(() => symlinkatSync(`${longest}y`, fd, 'longer')),
    { code: 'ENAMETOOLONG', syscall: 'symlinkat' },
  )
})

test('names that are not UTF-8, as Buffers, reach the kernel byte for byte (Python lists them)', (t) => {
  const dir = tempDir(t)
  using fd = openSync(dir, constants.O_PATH | constants.O_DIRECTORY)
  const name = Buffer.from([0x64, 0xff, 0x80])
  mkdiratSync(fd, name, 0o700)
  mknodatSync(fd, Buffer.from([0x66, 0xfe]), constants.S_IFIFO | 0o600)
  renameat2Sync(fd, Buffer.from([0x66, 0xfe]), fd, Buffer.from([0x67, 0xfd]))
  const listed = () =>
    JSON.parse(
      tool('python3', [
        '-c',
        'import json, os, sys; print(json.dumps(sorted(n.hex() for n in os.listdir(os.fsencode(sys.argv[1])))))',
        dir,
      ]),
    )
  t.deepEqual(listed(), ['64ff80', '67fd'])
  unlinkatSync(fd, name, { removeDir: true })
  unlinkatSync(fd, Buffer.from([0x67, 0xfd]))
  t.deepEqual(listed(), [])
})

test('renameat2 whiteout leaves a 0:0 character device at the old name, where mknod(1) may make devices', (t) => {
  const { dir, a } = twoFiles(t)
  const mayMknod = spawnSync('mknod', [join(dir, 'probe'), 'c', '0', '0']).status === 0
  if (mayMknod) {
    renameat2Sync(AT_FDCWD, a, AT_FDCWD, join(dir, 'c'), { whiteout: true })
    t.is(stat(a, '%F %t:%T'), 'character special file 0:0')
    t.is(read(join(dir, 'c')), 'A')
  } else {
    t.like(
      t.throws(() => renameat2Sync(AT_FDCWD, a, AT_FDCWD, join(dir, 'c'), { whiteout: true })),
      { code: 'EPERM', syscall: 'renameat2' },
    )
  }
})

test('a symlink target that is not UTF-8 round-trips byte for byte with encoding "buffer", as readlink(1) sees it', (t) => {
  const dir = tempDir(t)
  using fd = openSync(dir, constants.O_PATH | constants.O_DIRECTORY)
  const target = Buffer.from([0x66, 0xff, 0xfe, 0x2f, 0x80, 0x41, 0xc3])
  symlinkatSync(target, fd, Buffer.from([0x6c, 0xe9])) // the name 'l\xe9', Latin-1, not UTF-8 either
  const readBack = readlinkatSync(fd, Buffer.from([0x6c, 0xe9]), { encoding: 'buffer' })
  t.true(readBack.equals(target), readBack.toString('hex'))
  // readlink(1), handed the Latin-1 name by the shell's printf.
  const byTool = spawnSync('sh', ['-c', 'readlink -n -- "$1/$(printf "l\\351")"', 'sh', dir])
  t.is(byTool.status, 0, String(byTool.stderr))
  t.true(byTool.stdout.equals(target), 'readlink(1) prints the same bytes')
  const python = spawnSync('python3', [
    '-c',
    'import os, sys; sys.stdout.buffer.write(os.readlink(os.fsencode(sys.argv[1]) + b"/l\\xe9"))',
    dir,
  ])
  t.true(python.stdout.equals(target), 'Python reads the same bytes')
  t.is(readlinkatSync(fd, Buffer.from([0x6c, 0xe9])), target.toString('utf8'), 'as a string, decoded like Buffer#toString')
})

test('mkdiratSync creates directories with mode less the umask, as stat %a shows', async (t) => {
  const dir = tempDir(t)
  using fd = openSync(dir, constants.O_PATH | constants.O_DIRECTORY)
  const mask = umask()
  mkdiratSync(fd, 'default')
  t.is(stat(join(dir, 'default'), '%F %a'), `directory ${(0o777 & ~mask).toString(8)}`)
  mkdiratSync(fd, 'private', 0o700)
  t.is(stat(join(dir, 'private'), '%a'), '700')
  mkdiratSync(AT_FDCWD, join(dir, 'sticky'), 0o1777)
  t.is(stat(join(dir, 'sticky'), '%a'), (0o1777 & ~mask).toString(8))
  await mkdirat(fd, 'promised', 0o750)
  t.is(stat(join(dir, 'promised'), '%a'), (0o750 & ~mask).toString(8))
  t.like(
    t.throws(() => mkdiratSync(fd, 'private')),
    { code: 'EEXIST', errno: -errno.EEXIST, syscall: 'mkdirat', path: 'private' },
  )
  t.like(
    t.throws(() => mkdiratSync(fd, 'no/such/parent')),
    { code: 'ENOENT', syscall: 'mkdirat' },
  )
  t.throws(() => mkdiratSync(fd, 'bad', 0o10000), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' })
  t.throws(() => mkdiratSync(fd, 'bad', '0x1ed'), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_VALUE' })
  t.throws(() => mkdiratSync(fd, 'bad', true as unknown as number), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' })
  mkdiratSync(fd, 'octal', '705')
  t.is(stat(join(dir, 'octal'), '%a'), (0o705 & ~mask).toString(8), "an octal string, as fs.mkdir's mode takes it")
})

test('mkfifoatSync makes a FIFO (stat %F says fifo) with 0o666 less the umask by default', async (t) => {
  const dir = tempDir(t)
  using fd = openSync(dir, constants.O_PATH | constants.O_DIRECTORY)
  mkfifoatSync(fd, 'pipe')
  t.is(stat(join(dir, 'pipe'), '%F'), 'fifo')
  t.is(stat(join(dir, 'pipe'), '%a'), (0o666 & ~umask()).toString(8))
  await mkfifoat(AT_FDCWD, join(dir, 'private'), 0o600)
  t.is(stat(join(dir, 'private'), '%F %a'), 'fifo 600')
  // It is a real FIFO: what one end writes, the other reads.
  const reader = nodeOpen(join(dir, 'pipe'), constants.O_RDONLY | constants.O_NONBLOCK)
  const writer = nodeOpen(join(dir, 'pipe'), 'w')
  writeSync(writer, 'through the fifo')
  const buffer = Buffer.alloc(32)
  t.is(buffer.subarray(0, readSync(reader, buffer)).toString(), 'through the fifo')
  closeSync(reader)
  closeSync(writer)
  t.like(
    t.throws(() => mkfifoatSync(fd, 'pipe')),
    { code: 'EEXIST', syscall: 'mknodat' },
  )
})

test('mknodatSync makes FIFOs, sockets and regular files of the type in mode; a directory is EPERM', async (t) => {
  const dir = tempDir(t)
  using fd = openSync(dir, constants.O_PATH | constants.O_DIRECTORY)
  mknodatSync(fd, 'fifo', constants.S_IFIFO | 0o640)
  mknodatSync(fd, 'socket', constants.S_IFSOCK | 0o600)
  await mknodat(fd, 'regular', constants.S_IFREG | 0o644)
  t.is(stat(join(dir, 'fifo'), '%F %a'), `fifo ${(0o640 & ~umask()).toString(8)}`)
  t.is(stat(join(dir, 'socket'), '%F %a'), 'socket 600')
  t.is(stat(join(dir, 'regular'), '%F %s'), 'regular empty file 0')
  t.like(
    t.throws(() => mknodatSync(fd, 'dir', constants.S_IFDIR | 0o755)),
    { code: 'EPERM', errno: -errno.EPERM, syscall: 'mknodat', path: 'dir' },
  )
  t.throws(() => mknodatSync(fd, 'x', -1), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' })
  t.throws(() => mknodatSync(fd, 'x', constants.S_IFIFO, -1), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' })
  t.false(readdirSync(dir).includes('dir'))
})

test('mknodatSync with no type bits makes a regular file, as mknod(2) says of a zero file type', (t) => {
  const dir = tempDir(t)
  mknodatSync(AT_FDCWD, join(dir, 'plain'), 0o644)
  t.is(stat(join(dir, 'plain'), '%F'), 'regular empty file')
})

test('mknodatSync makes a character device where mknod(1) can, with the same numbers; else fails as it does', (t) => {
  const dir = tempDir(t)
  const byTool = spawnSync('mknod', [join(dir, 'theirs'), 'c', '1', '3'], { encoding: 'utf8' })
  const dev = (1 << 8) | 3 // makedev(1, 3): /dev/null's numbers
  if (byTool.status === 0) {
    mknodatSync(AT_FDCWD, join(dir, 'ours'), constants.S_IFCHR | 0o600, dev)
    t.is(stat(join(dir, 'ours'), '%F %t:%T'), stat(join(dir, 'theirs'), '%F %t:%T'))
    t.is(stat(join(dir, 'ours'), '%t:%T'), '1:3')
    t.is(statSync(join(dir, 'ours')).rdev, statSync('/dev/null').rdev)
  } else {
    t.regex(byTool.stderr, /Operation not permitted/)
    t.like(
      t.throws(() => mknodatSync(AT_FDCWD, join(dir, 'ours'), constants.S_IFCHR | 0o600, dev)),
      { code: 'EPERM', syscall: 'mknodat' },
    )
  }
})

test('unlinkatSync removes files; removeDir removes empty directories; the kernel refuses the rest', async (t) => {
  const dir = tempDir(t)
  using fd = openSync(dir, constants.O_PATH | constants.O_DIRECTORY)
  writeFileSync(join(dir, 'file'), '')
  mkdirSync(join(dir, 'empty'))
  mkdirSync(join(dir, 'full'))
  writeFileSync(join(dir, 'full', 'x'), '')
  t.like(
    t.throws(() => unlinkatSync(fd, 'empty')),
    { code: 'EISDIR', errno: -errno.EISDIR, syscall: 'unlinkat', path: 'empty' },
  )
  t.like(
    t.throws(() => unlinkatSync(fd, 'full', { removeDir: true })),
    { code: 'ENOTEMPTY', errno: -errno.ENOTEMPTY, syscall: 'unlinkat', path: 'full' },
  )
  t.like(
    t.throws(() => unlinkatSync(fd, 'file', { removeDir: true })),
    { code: 'ENOTDIR', syscall: 'unlinkat' },
  )
  unlinkatSync(fd, 'file')
  unlinkatSync(fd, 'empty', { removeDir: true })
  await unlinkat(AT_FDCWD, join(dir, 'full', 'x'))
  await unlinkat(fd, 'full', { removeDir: true })
  t.deepEqual(readdirSync(dir), [])
  t.like(await t.throwsAsync(unlinkat(fd, 'file')), { code: 'ENOENT', syscall: 'unlinkat', path: 'file' })
  t.throws(() => unlinkatSync(fd, 'x', { removeDir: 'yes' as unknown as boolean }), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' })
})

test('fchmodatSync sets the mode stat %a shows, following a symlink by default; Promise form', async (t) => {
  const dir = tempDir(t)
  using fd = openSync(dir, constants.O_PATH | constants.O_DIRECTORY)
  writeFileSync(join(dir, 'file'), '')
  symlinkSync('file', join(dir, 'link'))
  fchmodatSync(fd, 'file', 0o640)
  t.is(stat(join(dir, 'file'), '%a'), '640')
  fchmodatSync(fd, 'link', 0o4755)
  t.is(stat(join(dir, 'file'), '%a'), '4755', 'the target changed, set-uid included')
  t.is(stat(join(dir, 'link'), '%a'), '777', 'not the link')
  await fchmodat(AT_FDCWD, join(dir, 'file'), 0o600)
  t.is(stat(join(dir, 'file'), '%a'), '600')
  t.like(
    t.throws(() => fchmodatSync(fd, 'missing', 0o600)),
    { code: 'ENOENT', syscall: 'fchmodat', path: 'missing' },
  )
  t.throws(() => fchmodatSync(fd, 'file', 0o10000), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' })
  t.throws(() => fchmodatSync(fd, 'file', 0o600, { followSymlinks: 0 as unknown as boolean }), {
    instanceOf: TypeError,
    code: 'ERR_INVALID_ARG_TYPE',
  })
})

/** Whether this kernel has fchmodat2 (Linux 6.6). */
function hasFchmodat2(): boolean {
  const [major, minor] = tool('uname', ['-r'])
    .split('.')
    .map((n) => parseInt(n, 10))
  return major > 6 || (major === 6 && minor >= 6)
}

test('fchmodatSync followSymlinks: false on a regular file changes its mode (fchmodat2), as Python os.chmod(follow_symlinks=False) does', (t) => {
  const dir = tempDir(t)
  writeFileSync(join(dir, 'ours'), '')
  writeFileSync(join(dir, 'theirs'), '')
  const python = spawnSync('python3', ['-c', 'import os, sys; os.chmod(sys.argv[1], 0o604, follow_symlinks=False)', join(dir, 'theirs')], {
    encoding: 'utf8',
  })
  t.is(python.status, 0, python.stderr)
  t.is(stat(join(dir, 'theirs'), '%a'), '604')
  if (hasFchmodat2()) {
    fchmodatSync(AT_FDCWD, join(dir, 'ours'), 0o604, { followSymlinks: false })
    t.is(stat(join(dir, 'ours'), '%a'), '604')
  } else {
    t.like(
      t.throws(() => fchmodatSync(AT_FDCWD, join(dir, 'ours'), 0o604, { followSymlinks: false })),
      { code: 'ENOSYS' },
    )
  }
})

test("fchmodatSync followSymlinks: false on a symlink is EOPNOTSUPP, as Python's refusal of it says", (t) => {
  const dir = tempDir(t)
  writeFileSync(join(dir, 'file'), '')
  symlinkSync('file', join(dir, 'link'))
  const python = spawnSync('python3', ['-c', 'import os, sys; os.chmod(sys.argv[1], 0o600, follow_symlinks=False)', join(dir, 'link')], {
    encoding: 'utf8',
  })
  t.not(python.status, 0, 'Python cannot either')
  t.like(
    t.throws(() => fchmodatSync(AT_FDCWD, join(dir, 'link'), 0o600, { followSymlinks: false })),
    { errno: -errno.EOPNOTSUPP },
  )
  t.is(stat(join(dir, 'file'), '%a'), (0o666 & ~umask()).toString(8), 'the target is untouched')
})

test('fchownatSync as root gives a file to nobody (stat %u:%g); -1 leaves an id; followSymlinks: false changes the link only', async (t) => {
  const dir = tempDir(t)
  using fd = openSync(dir, constants.O_PATH | constants.O_DIRECTORY)
  writeFileSync(join(dir, 'file'), '')
  symlinkSync('file', join(dir, 'link'))
  t.is(stat(join(dir, 'file'), '%u:%g'), '0:0')
  fchownatSync(fd, 'file', NOBODY, NOBODY)
  t.is(stat(join(dir, 'file'), '%u:%g'), `${NOBODY}:${NOBODY}`)
  fchownatSync(fd, 'file', 0, -1)
  t.is(stat(join(dir, 'file'), '%u:%g'), `0:${NOBODY}`)
  await fchownat(AT_FDCWD, join(dir, 'file'), -1, 0)
  t.is(stat(join(dir, 'file'), '%u:%g'), '0:0')
  fchownatSync(fd, 'link', 123, 456, { followSymlinks: false })
  t.is(stat(join(dir, 'link'), '%u:%g'), '123:456')
  t.is(stat(join(dir, 'file'), '%u:%g'), '0:0', 'the target kept its owner')
  fchownatSync(fd, 'link', 77, 88)
  t.is(stat(join(dir, 'file'), '%u:%g'), '77:88', 'followed by default')
  t.is(lstatSync(join(dir, 'link')).uid, 123)
  t.throws(() => fchownatSync(fd, 'file', -2, 0), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' })
  t.throws(() => fchownatSync(fd, 'file', 0, 2 ** 32), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' })
  t.throws(() => fchownatSync(fd, 'file', '0' as unknown as number, 0), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' })
})

test('fchownatSync by an unprivileged user is EPERM from the kernel', (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'roots')
  writeFileSync(path, '')
  const result = inChild<{ code: string; syscall: string; path: string }>(
    `try { sysix.fchownatSync(sysix.AT_FDCWD, ${JSON.stringify(path)}, ${NOBODY}, -1); report({}) }
     catch (e) { report({ code: e.code, syscall: e.syscall, path: e.path }) }`,
    { uid: NOBODY },
  )
  t.deepEqual(result, { code: 'EPERM', syscall: 'fchownat', path })
  t.is(stat(path, '%u'), '0')
})

test('fchmodat needs a mode (leaving it out never means 000) and takes octal strings as fs.chmod does', async (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'file')
  writeFileSync(path, '')
  fchmodatSync(AT_FDCWD, path, 0o640)
  t.throws(() => fchmodatSync(AT_FDCWD, path, undefined as unknown as number), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' })
  await t.throwsAsync(fchmodat(AT_FDCWD, path, undefined as unknown as number), { code: 'ERR_INVALID_ARG_TYPE' })
  t.is(stat(path, '%a'), '640', 'the refused calls changed nothing')
  fchmodatSync(AT_FDCWD, path, '751')
  t.is(stat(path, '%a'), '751')
  t.throws(() => fchmodatSync(AT_FDCWD, path, '0o9'), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_VALUE' })
  t.throws(() => fchmodatSync(AT_FDCWD, path, '17777'), { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' })
})

test('linkat with emptyPath refuses an old path or followSymlinks instead of ignoring them', (t) => {
  const dir = tempDir(t)
  using file = openSync(dir, constants.O_TMPFILE | constants.O_WRONLY, 0o600)
  t.throws(() => linkatSync(file, 'x', AT_FDCWD, join(dir, 'named'), { emptyPath: true }), { code: 'ERR_INVALID_ARG_VALUE' })
  t.throws(() => linkatSync(file, '', AT_FDCWD, join(dir, 'named'), { emptyPath: true, followSymlinks: true }), {
    code: 'ERR_INVALID_ARG_VALUE',
  })
  t.deepEqual(readdirSync(dir), [], 'nothing was linked')
  linkatSync(file, '', AT_FDCWD, join(dir, 'named'), { emptyPath: true })
  t.deepEqual(readdirSync(dir), ['named'])
})

test('readlinkat checks its encoding before the system call, as readdir does', async (t) => {
  const dir = tempDir(t)
  t.throws(() => readlinkatSync(AT_FDCWD, join(dir, 'missing'), { encoding: 'latin1' as 'utf8' }), { code: 'ERR_INVALID_ARG_VALUE' })
  await t.throwsAsync(readlinkat(AT_FDCWD, join(dir, 'missing'), { encoding: 'hex' as 'utf8' }), { code: 'ERR_INVALID_ARG_VALUE' })
  t.like(
    t.throws(() => readlinkatSync(AT_FDCWD, join(dir, 'missing'))),
    { code: 'ENOENT', syscall: 'readlinkat' },
  )
})
