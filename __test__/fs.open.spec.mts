// open, openat and openat2: every flag, checked in /proc/self/fdinfo and
// against what the kernel then allows.

import { constants as nodeConstants, readFileSync, readSync, readdirSync, symlinkSync, writeFileSync, writeSync } from 'node:fs'
import { machine } from 'node:os'
import { join } from 'node:path'

import test from 'ava'

import type { OwnedFd } from 'sysix'
import { AT_FDCWD, constants, fcntlGetFl, linkatSync, open, openat, openat2, openat2Sync, openatSync, openSync } from 'sysix/fs'
import { O_CLOEXEC, fdFlags, tempDir, tool } from './helpers.mjs'

/** The status flags of an open file as fdinfo shows them, without close-on-exec and O_LARGEFILE. */
function statusFlags(fd: OwnedFd): number {
  return fdFlags(fd.fd) & ~O_CLOEXEC & ~0o100000
}

test('every descriptor is close-on-exec, whatever the flags', async (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'f')
  writeFileSync(path, 'data')
  for (const fd of [
    openSync(path),
    await open(path, 'r+'),
    openSync(dir, constants.O_PATH),
    openatSync(AT_FDCWD, path, constants.O_RDONLY),
  ]) {
    t.is(fdFlags(fd.fd) & O_CLOEXEC, O_CLOEXEC)
    fd.close()
  }
})

test('string flags mean what they mean to fs.open, and numbers are constants.O_* bits', (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'f')
  using w = openSync(path, 'wx', 0o600)
  t.is(tool('stat', ['-c', '%a', path]).trim(), (0o600 & ~process.umask()).toString(8))
  t.is(statusFlags(w), constants.O_WRONLY)
  t.like(
    t.throws(() => openSync(path, 'wx')),
    { code: 'EEXIST', syscall: 'open' },
  )
  using a = openSync(path, 'a+')
  t.is(statusFlags(a), constants.O_RDWR | constants.O_APPEND)
  using n = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOATIME)
  t.is(statusFlags(n), constants.O_NONBLOCK | constants.O_NOATIME)
  t.throws(() => openSync(path, 'rw' as never), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_VALUE' })
  t.throws(() => openSync(path, -1), { instanceOf: TypeError })
})

test('O_PATH names a file without opening it for I/O; O_NOFOLLOW and O_DIRECTORY refuse', (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'f')
  writeFileSync(path, 'data', { mode: 0o000 })
  symlinkSync(path, join(dir, 'link'))
  using p = openSync(path, constants.O_PATH)
  t.throws(() => readSync(p.fd, Buffer.alloc(1)), { code: 'EBADF' }, 'no reading through O_PATH')
  t.is(tool('readlink', [`/proc/${process.pid}/fd/${p.fd}`]).trim(), path)
  t.throws(() => openSync(join(dir, 'link'), constants.O_RDONLY | constants.O_NOFOLLOW), { code: 'ELOOP' })
  using l = openSync(join(dir, 'link'), constants.O_PATH | constants.O_NOFOLLOW)
  t.is(tool('stat', ['-L', '-c', '%F', `/proc/${process.pid}/fd/${l.fd}`]).trim(), 'symbolic link')
  t.throws(() => openSync(path, constants.O_RDONLY | constants.O_DIRECTORY), { code: 'ENOTDIR' })
})

test('O_TMPFILE makes an unnamed file that linkat publishes whole', (t) => {
  const dir = tempDir(t)
  using tmp = openSync(dir, constants.O_TMPFILE | constants.O_WRONLY, 0o640)
  writeSync(tmp.fd, 'finished')
  t.deepEqual(readdirSync(dir), [], 'no name yet')
  linkatSync(tmp, '', AT_FDCWD, join(dir, 'published'), { emptyPath: true })
  t.is(readFileSync(join(dir, 'published'), 'utf8'), 'finished')
})

test('O_DIRECT and O_SYNC reach the open file', (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'f')
  writeFileSync(path, '')
  let direct: OwnedFd | undefined
  try {
    direct = openSync(path, constants.O_RDWR | constants.O_DIRECT)
  } catch (error) {
    t.is((error as { code: string }).code, 'EINVAL', 'a filesystem without direct I/O says EINVAL')
  }
  if (direct) {
    t.is(statusFlags(direct) & constants.O_DIRECT, constants.O_DIRECT)
    direct.close()
  }
  using s = openSync(path, constants.O_WRONLY | constants.O_SYNC)
  t.is(statusFlags(s) & constants.O_SYNC, constants.O_SYNC)
})

test('openat is relative to a directory descriptor, and survives a rename of that directory', async (t) => {
  const base = tempDir(t)
  const dir = join(base, 'dir')
  tool('mkdir', [dir])
  writeFileSync(join(dir, 'f'), 'inside')
  using d = openSync(dir, constants.O_PATH | constants.O_DIRECTORY)
  tool('mv', [dir, join(base, 'moved')])
  using f = openatSync(d, 'f')
  const buffer = Buffer.alloc(16)
  t.is(buffer.subarray(0, readSync(f.fd, buffer)).toString(), 'inside')
  ;(await openat(d, 'g', 'w')).close()
  t.is(readdirSync(join(base, 'moved')).sort().join(), 'f,g')
  t.like(
    t.throws(() => openatSync(d, 'missing')),
    { code: 'ENOENT', syscall: 'openat' },
  )
})

test('openat2: beneath, inRoot, noSymlinks, noMagicLinks, noXdev, as the kernel defines them', async (t) => {
  const base = tempDir(t)
  const root = join(base, 'root')
  tool('mkdir', ['-p', join(root, 'etc')])
  writeFileSync(join(root, 'etc', 'hostname'), 'inner')
  writeFileSync(join(base, 'outside'), 'outer')
  symlinkSync('/etc/hostname', join(root, 'abs'))
  symlinkSync('etc/hostname', join(root, 'rel'))
  using d = openSync(root, constants.O_PATH | constants.O_DIRECTORY)
  const read = (fd: OwnedFd) => {
    const b = Buffer.alloc(64)
    const text = b.subarray(0, readSync(fd.fd, b)).toString()
    fd.close()
    return text
  }
  t.is(read(openat2Sync(d, 'rel', { resolve: { beneath: true } })), 'inner')
  t.like(
    t.throws(() => openat2Sync(d, '../outside', { resolve: { beneath: true } })),
    { code: 'EXDEV', syscall: 'openat2' },
  )
  t.throws(() => openat2Sync(d, 'abs', { resolve: { beneath: true } }), { code: 'EXDEV' })
  t.is(read(openat2Sync(d, 'abs', { resolve: { inRoot: true } })), 'inner', 'in root, / is the directory')
  t.is(read(openat2Sync(d, '../../etc/hostname', { resolve: { inRoot: true } })), 'inner')
  t.throws(() => openat2Sync(d, 'rel', { resolve: { noSymlinks: true } }), { code: 'ELOOP' })
  t.throws(() => openat2Sync(AT_FDCWD, `/proc/${process.pid}/fd/${d.fd}/rel`, { resolve: { noMagicLinks: true } }), { code: 'ELOOP' })
  t.throws(() => openat2Sync(AT_FDCWD, '/proc/self/status', { resolve: { noXdev: true } }), { code: 'EXDEV' })
  t.is(read(await openat2(d, 'etc/hostname', { resolve: constants.RESOLVE_BENEATH })), 'inner')
  openat2Sync(d, 'new', { flags: 'wx', mode: 0o600 }).close()
  t.is(tool('stat', ['-c', '%a', join(root, 'new')]).trim(), (0o600 & ~process.umask()).toString(8))
  t.throws(() => openat2Sync(d, 'x', { resolve: { beneath: 'yes' as never } }), { instanceOf: TypeError })
})

test('openat2 resolve as a number takes RESOLVE_* bits only, and says so', (t) => {
  const dir = tempDir(t)
  writeFileSync(join(dir, 'f'), 'x')
  using d = openSync(dir, constants.O_PATH | constants.O_DIRECTORY)
  using f = openat2Sync(d, 'f', { resolve: constants.RESOLVE_BENEATH | constants.RESOLVE_NO_SYMLINKS })
  t.is(readFileSync(`/proc/self/fd/${f.fd}`, 'utf8'), 'x')
  const error = t.throws(() => openat2Sync(d, 'f', { resolve: constants.O_CREAT }), { code: 'ERR_INVALID_ARG_VALUE' })
  t.regex(error.message, /RESOLVE_/)
  t.throws(() => openat2Sync(d, 'f', { resolve: -1 }), { code: 'ERR_INVALID_ARG_VALUE' })
})

test('constants.O_LARGEFILE is the bit the kernel sets on every open, as fdinfo and fcntlGetFl show it', (t) => {
  const dir = tempDir(t)
  writeFileSync(join(dir, 'f'), 'x')
  using f = openSync(join(dir, 'f'), 'r')
  const fdinfo = Number.parseInt(/^flags:\s+([0-7]+)$/m.exec(readFileSync(`/proc/self/fdinfo/${f.fd}`, 'utf8'))?.[1] ?? '', 8)
  t.true(constants.O_LARGEFILE > 0)
  t.not(fdinfo & constants.O_LARGEFILE, 0, 'the kernel reports it in fdinfo')
  t.not(fcntlGetFl(f) & constants.O_LARGEFILE, 0, 'and fcntlGetFl')
})

test("every constant Node's fs.constants or Python's os module also has is the same number (the C headers'), O_LARGEFILE apart", (t) => {
  const ours = constants as Record<string, number>
  const names = Object.keys(ours).filter((name) => name !== 'O_LARGEFILE')
  // Node's fs.constants come from the C headers of the machine this runs on.
  const node = names.filter((name) => name in nodeConstants)
  t.true(node.length >= 25, `compared ${node.length} constants with fs.constants`)
  for (const name of node) {
    t.is(ours[name], (nodeConstants as Record<string, number>)[name], `${name}, as fs.constants has it`)
  }
  // Python too, where it runs on this machine (under qemu-user, python3 is the host's).
  const python = JSON.parse(
    tool('python3', [
      '-c',
      'import json, os, platform, sys; print(json.dumps({"machine": platform.machine(), "values": {n: getattr(os, n) for n in sys.argv[1:] if hasattr(os, n)}}))',
      ...names,
    ]),
  ) as { machine: string; values: Record<string, number> }
  if (python.machine === machine()) {
    const compared = Object.keys(python.values)
    t.true(compared.length >= 40, `compared ${compared.length} constants with Python's os`)
    for (const name of compared) {
      t.is(ours[name], python.values[name], `${name}, as Python's os has it`)
    }
  } else {
    t.log(`python3 runs on ${python.machine}, this process on ${machine()}: compared with fs.constants only`)
  }
})
