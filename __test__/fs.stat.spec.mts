// statx, statfs and access, against coreutils stat, Python's os and the
// mount table.

import { mkdirSync, openSync as nodeOpen, closeSync, promises as fsp, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

import test, { type ExecutionContext } from 'ava'

import { OwnedFd } from 'sysix'
import { accessSync, access, constants, openSync, STATX_LEN, StatxSlot, statfs, statfsSync, statx, statxSync } from 'sysix/fs'
import { NOBODY, inChild, tempDir, tool } from './helpers.mjs'

/** A `stat --format` time (`1700000000.123456789`, `-1.5`) in ns. */
function ns(text: string): bigint {
  const negative = text.startsWith('-')
  const [seconds, fraction = ''] = text.replace('-', '').split('.')
  const value = BigInt(seconds) * 1_000_000_000n + BigInt(fraction.padEnd(9, '0'))
  return negative ? -value : value
}

function file(t: ExecutionContext, content = 'hello'): string {
  const path = join(tempDir(t), 'file')
  writeFileSync(path, content)
  return path
}

test('statxSync reports what stat(1) reports, field by field', (t) => {
  const path = file(t, 'x'.repeat(5000))
  tool('touch', ['-d', '@1700000000.123456789', path])
  const st = statxSync(path)
  const [dev, ino, rawMode, nlink, uid, gid, size, blocks, blksize, atime, mtime, ctime, btime] = tool('stat', [
    '--format=%d %i %f %h %u %g %s %b %o %.9X %.9Y %.9Z %.9W',
    path,
  ])
    .trim()
    .split(' ')
  t.is(st.dev, BigInt(dev))
  t.is(st.ino, BigInt(ino))
  t.is(st.mode, Number.parseInt(rawMode, 16))
  t.is(st.type, 'file')
  t.is(st.nlink, Number(nlink))
  t.is(st.uid, Number(uid))
  t.is(st.gid, Number(gid))
  t.is(st.size, BigInt(size))
  t.is(st.blocks, BigInt(blocks))
  t.is(st.blksize, Number(blksize))
  t.is(st.atimeNs, ns(atime))
  t.is(st.mtimeNs, 1_700_000_000_123_456_789n)
  t.is(st.mtimeNs, ns(mtime))
  t.is(st.ctimeNs, ns(ctime))
  t.is(st.birthtimeNs, btime === '0' ? null : ns(btime))
  const node = statSync(path, { bigint: true })
  t.is(st.dev, node.dev)
  t.is(st.ino, node.ino)
  t.is(st.blksize, Number(node.blksize))
})

test('device major and minor, and rdev of a device file, as Python os.major/os.minor see them', (t) => {
  const st = statxSync('/dev/null')
  t.is(st.type, 'char')
  const python = tool('python3', [
    '-c',
    'import os; s = os.stat("/dev/null"); print(os.major(s.st_rdev), os.minor(s.st_rdev), os.major(s.st_dev), os.minor(s.st_dev), s.st_rdev, s.st_dev)',
  ])
    .trim()
    .split(' ')
    .map(BigInt)
  t.deepEqual([BigInt(st.rdevMajor), BigInt(st.rdevMinor), BigInt(st.devMajor), BigInt(st.devMinor), st.rdev, st.dev], python)
})

test('the mount id is the one /proc/self/mountinfo and findmnt give the mount', (t) => {
  const path = file(t)
  const st = statxSync(path)
  t.not(st.mntId, null, 'Linux 5.8 and later report it')
  const target = tool('findmnt', ['-n', '-o', 'TARGET', '-T', path]).trim()
  const ids = tool('findmnt', ['-n', '-o', 'ID,TARGET', '--list'])
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, where]) => where === target)
    .map(([id]) => BigInt(id))
  t.true(ids.includes(st.mntId ?? -1n), `${st.mntId} among ${ids}`)
  t.is(statxSync('/proc').mntId === st.mntId, false, '/proc is another mount')
})

test('symlinks: followed by default, the link itself with followSymlinks: false', (t) => {
  const path = file(t)
  const link = `${path}.link`
  symlinkSync(path, link)
  t.is(statxSync(link).type, 'file')
  const own = statxSync(link, { followSymlinks: false })
  t.is(own.type, 'symlink')
  t.is(own.size, BigInt(path.length))
  t.is(own.ino, BigInt(tool('stat', ['-c', '%i', link]).trim()))
})

test('a descriptor (OwnedFd, FileHandle, number) or a path relative to dirFd', async (t) => {
  const path = file(t)
  const dir = join(path, '..')
  const expected = statSync(path, { bigint: true }).ino
  using owned = OwnedFd.fromRaw(nodeOpen(path, 'r'))
  t.is(statxSync(owned).ino, expected)
  const handle = await fsp.open(path, 'r')
  t.is((await statx(handle)).ino, expected)
  await handle.close()
  const number = nodeOpen(path, 'r')
  t.is(statxSync(number).ino, expected)
  closeSync(number)
  using dirFd = openSync(dir, constants.O_PATH | constants.O_DIRECTORY)
  t.is(statxSync('file', { dirFd }).ino, expected)
  t.is((await statx('file', { dirFd })).ino, expected)
  const pathFd = openSync(path, constants.O_PATH)
  t.is(statxSync(pathFd).ino, expected, 'an O_PATH descriptor works')
  pathFd.close()
})

test('the mask asks for fields; the kernel says which it filled', (t) => {
  const path = file(t)
  const full = statxSync(path)
  t.is(full.mask & constants.STATX_BASIC_STATS, constants.STATX_BASIC_STATS)
  t.is((full.mask & constants.STATX_BTIME) !== 0, full.birthtimeNs !== null)
  t.is((full.mask & constants.STATX_DIOALIGN) !== 0, full.dioMemAlign !== null)
  t.is(full.dioMemAlign === null, full.dioOffsetAlign === null)
  const some = statxSync(path, { mask: constants.STATX_SIZE | constants.STATX_MODE })
  t.is(some.size, full.size)
  t.true((some.mask & (constants.STATX_SIZE | constants.STATX_MODE)) === (constants.STATX_SIZE | constants.STATX_MODE))
  for (const sync of ['as-stat', 'force', 'dont-sync'] as const) {
    t.is(statxSync(path, { sync }).ino, full.ino)
  }
  t.throws(() => statxSync(path, { sync: 'always' as never }), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_VALUE' })
})

test('attributes agree with chattr/lsattr where the filesystem has them', (t) => {
  const path = file(t)
  const plain = statxSync(path).attributes
  const chattr = (flag: string) => {
    try {
      tool('chattr', [flag, path])
      return true
    } catch {
      return false
    }
  }
  if (chattr('+a')) {
    t.teardown(() => chattr('-a'))
    t.is(statxSync(path).attributes.append, true)
    t.true(tool('lsattr', ['-d', path]).split(' ')[0].includes('a'))
    chattr('-a')
    t.is(statxSync(path).attributes.append, false)
    t.true(chattr('+i'))
    t.teardown(() => chattr('-i'))
    t.is(statxSync(path).attributes.immutable, true)
    t.throws(() => writeFileSync(path, 'x'), { code: 'EPERM' })
    chattr('-i')
  } else {
    // A filesystem without these flags (tmpfs): statx says it does not know them.
    t.is(plain.append, null)
    t.is(plain.immutable, null)
  }
  t.is(typeof plain.verity === 'boolean' || plain.verity === null, true)
})

test('the into form fills a caller array at the StatxSlot indices, allocating nothing', (t) => {
  const path = file(t)
  const into = new BigInt64Array(STATX_LEN)
  t.is(statxSync(path, undefined, into), into)
  const st = statxSync(path)
  t.is(into[StatxSlot.Ino], st.ino)
  t.is(into[StatxSlot.Size], st.size)
  t.is(into[StatxSlot.MtimeSec] * 1_000_000_000n + into[StatxSlot.MtimeNsec], st.mtimeNs)
  t.is(Number(into[StatxSlot.Mode]), st.mode)
  t.is(into[StatxSlot.HasBtime], st.birthtimeNs === null ? 0n : 1n)
  t.throws(() => statxSync(path, undefined, new BigInt64Array(STATX_LEN - 1)), { instanceOf: TypeError })
  t.throws(() => statxSync(path, undefined, new Float64Array(STATX_LEN) as never), { instanceOf: TypeError })
})

test('errors name statx and the path', async (t) => {
  const missing = join(tempDir(t), 'missing')
  t.like(
    t.throws(() => statxSync(missing)),
    { code: 'ENOENT', syscall: 'statx', path: missing, message: `ENOENT: no such file or directory, statx '${missing}'` },
  )
  await t.throwsAsync(statx(missing), { code: 'ENOENT' })
})

test('statfsSync reports what stat -f reports', async (t) => {
  const dir = tempDir(t)
  const fs = statfsSync(dir)
  const [type, bsize, frsize, blocks, files, fsid, namelen] = tool('stat', ['-f', '--format=%t %s %S %b %c %i %l', dir]).trim().split(' ')
  t.is(fs.type, Number.parseInt(type, 16))
  t.is(fs.bsize, Number(bsize))
  t.is(fs.frsize, Number(frsize))
  t.is(fs.blocks, BigInt(blocks))
  t.is(fs.files, BigInt(files))
  t.is(fs.fsid, BigInt(`0x${fsid}`))
  t.is(fs.namelen, Number(namelen))
  const python = tool('python3', ['-c', `import os; print(os.statvfs(${JSON.stringify(dir)}).f_flag)`]).trim()
  t.is(fs.flags, Number(python), 'the ST_* flags statvfs(3) reports')
  t.is(statfsSync('/proc').type, 0x9fa0, 'PROC_SUPER_MAGIC')
  const fd = nodeOpen(dir, 'r')
  t.deepEqual((await statfs(fd)).type, fs.type)
  closeSync(fd)
  t.like(
    t.throws(() => statfsSync(join(dir, 'missing'))),
    { code: 'ENOENT', syscall: 'statfs' },
  )
})

test('accessSync: real and effective ids, symlinks, relative to a directory', (t) => {
  const dir = tempDir(t)
  const secret = join(dir, 'secret')
  writeFileSync(secret, 'x', { mode: 0o600 })
  const open = join(dir, 'open')
  writeFileSync(open, 'x', { mode: 0o644 })
  symlinkSync(join(dir, 'gone'), join(dir, 'dangling'))
  mkdirSync(join(dir, 'sub'))
  t.notThrows(() => accessSync(secret, constants.R_OK | constants.W_OK))
  t.like(
    t.throws(() => accessSync(join(dir, 'dangling'))),
    { code: 'ENOENT', syscall: 'faccessat' },
  )
  t.notThrows(() => accessSync(join(dir, 'dangling'), constants.F_OK, { followSymlinks: false }))
  using dirFd = openSync(dir, constants.O_PATH | constants.O_DIRECTORY)
  t.notThrows(() => accessSync('open', constants.R_OK, { dirFd, eaccess: true }))
  const result = inChild<Record<string, string>>(
    `const { accessSync, constants } = require(sysixRoot + '/dist/lib/fs');
     const attempt = (path, mode, options) => { try { accessSync(path, mode, options); return 'ok' } catch (e) { return e.code } };
     report({
       secret: attempt(${JSON.stringify(secret)}, constants.R_OK),
       open: attempt(${JSON.stringify(open)}, constants.R_OK),
       write: attempt(${JSON.stringify(open)}, constants.W_OK, { eaccess: true }),
       test: require('child_process').spawnSync('test', ['-r', ${JSON.stringify(secret)}]).status === 0 ? 'ok' : 'EACCES',
     });`,
    { uid: NOBODY },
  )
  t.deepEqual(result, { secret: 'EACCES', open: 'ok', write: 'EACCES', test: 'EACCES' })
})

test('access as a Promise', async (t) => {
  const path = file(t)
  await t.notThrowsAsync(access(path, constants.R_OK))
  await t.throwsAsync(access(`${path}.missing`), { code: 'ENOENT' })
  t.throws(() => accessSync(path, 8), { instanceOf: RangeError })
})
