// Extended attributes, set and read back across attr's getfattr(1) and
// setfattr(1): by path (following symlinks or not) and by descriptor
// (OwnedFd, FileHandle, number), with binary values, flags and errors.

import { spawnSync } from 'node:child_process'
import { closeSync, openSync as nodeOpen, promises as fsp, symlinkSync, writeFileSync } from 'node:fs'
import { constants as osConstants } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

import test, { type ExecutionContext } from 'ava'

import { getxattr, getxattrSync, listxattr, listxattrSync, openSync, removexattr, removexattrSync, setxattr, setxattrSync } from 'sysix/fs'
import { tempDir, tool } from './helpers.mjs'

const { errno } = osConstants

function newFile(t: ExecutionContext, name = 'file'): string {
  const path = join(tempDir(t), name)
  writeFileSync(path, 'contents')
  return path
}

/** `getfattr -n NAME --only-values PATH`: the raw value, or null when getfattr fails (no such attribute). */
function getfattr(path: string, name: string, noDereference = false): Buffer | null {
  const result = spawnSync('getfattr', [...(noDereference ? ['-h'] : []), '-n', name, '--only-values', '--absolute-names', path])
  return result.status === 0 ? result.stdout : null
}

/** The attribute names `getfattr -m -` lists (every namespace this process may see). */
function getfattrNames(path: string, noDereference = false): string[] {
  return tool('getfattr', [...(noDereference ? ['-h'] : []), '--absolute-names', '-m', '-', path])
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .sort()
}

test('setxattrSync sets what getfattr -n reads back', (t) => {
  const path = newFile(t)
  setxattrSync(path, 'user.x', 'hello')
  t.is(getfattr(path, 'user.x')?.toString(), 'hello')
  setxattrSync(path, 'user.x', Buffer.from('replaced'))
  t.is(getfattr(path, 'user.x')?.toString(), 'replaced')
  setxattrSync(path, 'user.utf8', 'é€')
  t.true(getfattr(path, 'user.utf8')?.equals(Buffer.from('é€', 'utf8')))
  setxattrSync(path, 'user.empty', '')
  t.is(getfattr(path, 'user.empty')?.length, 0)
})

test('getxattrSync reads what setfattr -n -v set, as a Buffer', (t) => {
  const path = newFile(t)
  tool('setfattr', ['-n', 'user.y', '-v', 'value', path])
  const value = getxattrSync(path, 'user.y')
  t.true(Buffer.isBuffer(value))
  t.is(value.toString(), 'value')
  tool('setfattr', ['-n', 'user.hex', '-v', '0x00ff10', path])
  t.deepEqual([...getxattrSync(path, 'user.hex')], [0x00, 0xff, 0x10])
  tool('setfattr', ['-n', 'user.none', path])
  t.is(getxattrSync(path, 'user.none').length, 0)
})

test('listxattrSync lists the names getfattr -m - lists', async (t) => {
  const path = newFile(t)
  t.deepEqual(listxattrSync(path).sort(), getfattrNames(path))
  for (const name of ['user.one', 'user.two', 'user.three', 'user.with.dots']) {
    tool('setfattr', ['-n', name, '-v', name, path])
  }
  setxattrSync(path, 'user.é', 'x')
  const names = listxattrSync(path).sort()
  t.deepEqual(names, getfattrNames(path))
  t.true(['user.one', 'user.two', 'user.three', 'user.with.dots', 'user.é'].every((n) => names.includes(n)))
  t.deepEqual((await listxattr(path)).sort(), names)
})

test('removexattrSync removes: getfattr then fails, getxattr is ENODATA; removing again is ENODATA', async (t) => {
  const path = newFile(t)
  tool('setfattr', ['-n', 'user.gone', '-v', 'soon', path])
  tool('setfattr', ['-n', 'user.also', '-v', 'soon', path])
  removexattrSync(path, 'user.gone')
  t.is(getfattr(path, 'user.gone'), null)
  t.like(
    t.throws(() => getxattrSync(path, 'user.gone')),
    {
      code: 'ENODATA',
      errno: -errno.ENODATA,
      syscall: 'getxattr',
      path,
      message: `ENODATA: no data available, getxattr '${path}'`,
    },
  )
  t.like(
    t.throws(() => removexattrSync(path, 'user.gone')),
    { code: 'ENODATA', syscall: 'removexattr', path },
  )
  await removexattr(path, 'user.also')
  t.is(getfattr(path, 'user.also'), null)
  t.false(listxattrSync(path).includes('user.also'))
})

test('create fails with EEXIST on an existing attribute, replace with ENODATA on a missing one', (t) => {
  const path = newFile(t)
  setxattrSync(path, 'user.c', 'first', { create: true })
  t.like(
    t.throws(() => setxattrSync(path, 'user.c', 'second', { create: true })),
    { code: 'EEXIST', errno: -errno.EEXIST, syscall: 'setxattr', path },
  )
  t.is(getfattr(path, 'user.c')?.toString(), 'first')
  t.like(
    t.throws(() => setxattrSync(path, 'user.r', 'value', { replace: true })),
    { code: 'ENODATA', errno: -errno.ENODATA, syscall: 'setxattr' },
  )
  t.is(getfattr(path, 'user.r'), null)
  setxattrSync(path, 'user.c', 'second', { replace: true })
  t.is(getfattr(path, 'user.c')?.toString(), 'second')
})

test('by descriptor: an OwnedFd, a FileHandle and a plain number use the f*xattr calls', async (t) => {
  const path = newFile(t)
  using owned = openSync(path, 'r')
  setxattrSync(owned, 'user.owned', 'by OwnedFd')
  t.is(getfattr(path, 'user.owned')?.toString(), 'by OwnedFd')
  t.is(getxattrSync(owned, 'user.owned').toString(), 'by OwnedFd')

  const handle = await fsp.open(path, 'r')
  t.teardown(() => handle.close())
  await setxattr(handle, 'user.handle', 'by FileHandle')
  t.is(getfattr(path, 'user.handle')?.toString(), 'by FileHandle')
  t.is((await getxattr(handle, 'user.handle')).toString(), 'by FileHandle')

  const number = nodeOpen(path, 'r')
  t.teardown(() => closeSync(number))
  setxattrSync(number, 'user.number', 'by number')
  t.is(getfattr(path, 'user.number')?.toString(), 'by number')
  t.deepEqual(listxattrSync(number).sort(), getfattrNames(path))
  removexattrSync(number, 'user.number')
  t.is(getfattr(path, 'user.number'), null)
  t.like(
    t.throws(() => getxattrSync(number, 'user.number')),
    { code: 'ENODATA', syscall: 'fgetxattr' },
  )
  t.like(
    t.throws(() => setxattrSync(owned, 'user.owned', 'x', { create: true })),
    { code: 'EEXIST', syscall: 'fsetxattr' },
  )
  t.like(await t.throwsAsync(removexattr(handle, 'user.none')), { code: 'ENODATA', syscall: 'fremovexattr' })
})

test('a path as a Buffer or a file: URL', (t) => {
  const path = newFile(t)
  setxattrSync(Buffer.from(path), 'user.buffer', 'b')
  setxattrSync(pathToFileURL(path), 'user.url', 'u')
  t.is(getfattr(path, 'user.buffer')?.toString(), 'b')
  t.is(getxattrSync(pathToFileURL(path), 'user.url').toString(), 'u')
})

test('followSymlinks: false acts on the link itself: user.* attributes on a symlink are EPERM on Linux, as setfattr -h finds', async (t) => {
  const path = newFile(t)
  const link = join(path, '..', 'link')
  symlinkSync(path, link)
  const byTool = spawnSync('setfattr', ['-h', '-n', 'user.l', '-v', 'x', link], { encoding: 'utf8' })
  t.regex(byTool.stderr, /Operation not permitted/)
  t.like(
    t.throws(() => setxattrSync(link, 'user.l', 'x', { followSymlinks: false })),
    {
      code: 'EPERM',
      errno: -errno.EPERM,
      syscall: 'lsetxattr',
      path: link,
    },
  )
  t.like(await t.throwsAsync(setxattr(link, 'user.l', 'x', { followSymlinks: false })), { code: 'EPERM', syscall: 'lsetxattr' })
  t.is(getfattr(path, 'user.l'), null, 'the target got nothing')

  setxattrSync(link, 'user.through', 'followed')
  t.is(getfattr(path, 'user.through')?.toString(), 'followed', 'followed by default')
  t.is(getxattrSync(link, 'user.through').toString(), 'followed')
  t.like(
    t.throws(() => getxattrSync(link, 'user.through', { followSymlinks: false })),
    { code: 'ENODATA', syscall: 'lgetxattr' },
  )
  t.deepEqual(listxattrSync(link, { followSymlinks: false }).sort(), getfattrNames(link, true))
  t.false(listxattrSync(link, { followSymlinks: false }).includes('user.through'))
  t.regex(spawnSync('setfattr', ['-h', '-x', 'user.through', link], { encoding: 'utf8' }).stderr, /Operation not permitted/)
  t.like(
    t.throws(() => removexattrSync(link, 'user.through', { followSymlinks: false })),
    { code: 'EPERM', syscall: 'lremovexattr' },
  )
  t.is(getfattr(path, 'user.through')?.toString(), 'followed')
})

test('binary values: all 256 byte values round-trip, and getfattr reads the same bytes', async (t) => {
  const path = newFile(t)
  const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i))
  setxattrSync(path, 'user.bin', all)
  t.true(getfattr(path, 'user.bin')?.equals(all))
  t.true(getxattrSync(path, 'user.bin').equals(all))
  const hex = tool('getfattr', ['-e', 'hex', '-n', 'user.bin', '--absolute-names', path])
  t.true(hex.includes(`user.bin=0x${all.toString('hex')}`))
  const memory = new Uint8Array(300).fill(0xee)
  memory.set(all, 20)
  await setxattr(path, 'user.view', memory.subarray(20, 276))
  t.true((await getxattr(path, 'user.view')).equals(all), 'exactly the bytes of the view')
  await setxattr(path, 'user.dv', new DataView(memory.buffer, 18, 4))
  t.deepEqual([...getxattrSync(path, 'user.dv')], [0xee, 0xee, 0, 1])
  const ints = new Uint32Array([0xdeadbeef])
  setxattrSync(path, 'user.u32', ints)
  t.true(getxattrSync(path, 'user.u32').equals(Buffer.from(ints.buffer)))
})

test('Promise forms set, get, list and remove', async (t) => {
  const path = newFile(t)
  await setxattr(path, 'user.p', 'promised')
  t.is(getfattr(path, 'user.p')?.toString(), 'promised')
  t.is((await getxattr(path, 'user.p')).toString(), 'promised')
  t.true((await listxattr(path)).includes('user.p'))
  t.like(await t.throwsAsync(setxattr(path, 'user.p', 'again', { create: true })), { code: 'EEXIST', syscall: 'setxattr' })
  await removexattr(path, 'user.p')
  t.like(await t.throwsAsync(getxattr(path, 'user.p')), { code: 'ENODATA', syscall: 'getxattr', path })
})

test('the kernel refuses an unknown namespace (EOPNOTSUPP), a missing file (ENOENT) and an empty name (ERANGE)', (t) => {
  const path = newFile(t)
  t.like(
    t.throws(() => setxattrSync(path, 'bogus.x', 'v')),
    { errno: -errno.EOPNOTSUPP, syscall: 'setxattr', path },
  )
  const missing = join(path, '..', 'missing')
  t.like(
    t.throws(() => getxattrSync(missing, 'user.x')),
    { code: 'ENOENT', syscall: 'getxattr', path: missing },
  )
  t.like(
    t.throws(() => listxattrSync(missing)),
    { code: 'ENOENT', syscall: 'listxattr', path: missing },
  )
  t.like(
    t.throws(() => setxattrSync(path, '', 'v')),
    { code: 'ERANGE', errno: -errno.ERANGE, syscall: 'setxattr' },
  )
})

test('argument checks: a name with NUL, a value that is no string or view, bad flags', (t) => {
  const path = newFile(t)
  t.throws(() => setxattrSync(path, 'user.a\u0000b', 'v'), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_VALUE' })
  t.throws(() => setxattrSync(path, 'user.a', 5 as unknown as string), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' })
  t.throws(() => setxattrSync(path, 'user.a', 'v', { create: 'yes' as unknown as boolean }), {
    instanceOf: TypeError,
    code: 'ERR_INVALID_ARG_TYPE',
  })
  t.throws(() => getxattrSync(path, 42 as unknown as string), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' })
  t.throws(() => listxattrSync(path, { followSymlinks: 'no' as unknown as boolean }), {
    instanceOf: TypeError,
    code: 'ERR_INVALID_ARG_TYPE',
  })
  t.throws(() => getxattrSync(-1, 'user.a'), { instanceOf: RangeError })
  t.deepEqual(getfattrNames(path), [], 'nothing was set')
})
