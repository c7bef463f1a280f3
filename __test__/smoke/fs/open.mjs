// The smoke cases of sysix/fs open (see smoke.mjs).

import { S, assert, fs, path, readFrom, writeTo } from '../kit.mjs'

/** One case per export or group of exports: the key lists the names it covers, `, `-separated. */
export const cases = {
  'AT_FDCWD, constants': async () => {
    const { constants } = S
    assert.equal(S.AT_FDCWD, -100)
    assert.equal(constants.AT_FDCWD, -100)
    assert.ok(Object.isFrozen(constants))
    for (const key of Object.keys(fs.constants)) {
      if (/^(O_|S_IF|[FRWX]_OK$)/.test(key) && key in constants) {
        assert.equal(constants[key], fs.constants[key], `constants.${key} is fs.constants.${key}`)
      }
    }
    // Values the kernel fixes on every architecture.
    const fixed = {
      FD_CLOEXEC: 1,
      IN_CREATE: 0x100,
      IN_CLOSE_WRITE: 0x8,
      IN_IGNORED: 0x8000,
      RENAME_NOREPLACE: 1,
      RENAME_EXCHANGE: 2,
      XATTR_CREATE: 1,
      XATTR_REPLACE: 2,
      F_SEAL_SEAL: 1,
      F_SEAL_WRITE: 8,
      STATX_SIZE: 0x200,
      RESOLVE_BENEATH: 0x08,
      RWF_NOWAIT: 0x8,
      MFD_ALLOW_SEALING: 2,
    }
    for (const [key, value] of Object.entries(fixed)) {
      assert.equal(constants[key], value, `constants.${key}`)
    }
    assert.ok(Number.isInteger(constants.O_PATH) && constants.O_PATH > 0)
    assert.equal(constants.O_TMPFILE & constants.O_DIRECTORY, constants.O_DIRECTORY, 'O_TMPFILE includes O_DIRECTORY')
  },
  'open, openSync': async (t) => {
    const { constants } = S
    const file = t.file('open.txt', 'opened')
    const fd = t.own(S.openSync(file))
    assert.ok(fd instanceof S.OwnedFd)
    assert.equal(readFrom(fd).toString(), 'opened')
    assert.equal(S.fcntlGetFd(fd) & constants.FD_CLOEXEC, constants.FD_CLOEXEC, 'close-on-exec')
    assert.equal(S.fcntlGetFl(fd) & constants.O_ACCMODE, constants.O_RDONLY, "'r' by default")

    const created = t.own(S.openSync(t.file('new.txt'), 'wx', 0o600))
    writeTo(created, 'new')
    assert.equal(fs.readFileSync(t.file('new.txt'), 'utf8'), 'new')
    assert.equal(fs.statSync(t.file('new.txt')).mode & 0o777, 0o600 & ~process.umask())
    assert.throws(() => S.openSync(t.file('new.txt'), 'wx'), { code: 'EEXIST', syscall: 'open', path: t.file('new.txt') })
    assert.throws(() => S.openSync(t.file('missing')), { code: 'ENOENT', path: t.file('missing') })
    assert.throws(() => S.openSync(file, 'bogus'), { code: 'ERR_INVALID_ARG_VALUE' })

    const pathOnly = t.own(S.openSync(file, constants.O_PATH))
    assert.equal(S.fcntlGetFl(pathOnly) & constants.O_PATH, constants.O_PATH, 'numeric flags Node cannot express')
    const tmp = t.own(S.openSync(t.dir, constants.O_TMPFILE | constants.O_RDWR, 0o600))
    assert.equal(S.statxSync(tmp).nlink, 0, 'O_TMPFILE: a file with no name')

    const promised = await S.open(file, 'r')
    t.own(promised)
    assert.ok(promised instanceof S.OwnedFd)
    assert.equal(readFrom(promised).toString(), 'opened')
    await assert.rejects(S.open(t.file('missing')), { code: 'ENOENT', path: t.file('missing') })
  },
  'openat, openatSync': async (t) => {
    const { constants } = S
    t.file('inside.txt', 'inside')
    const dir = t.own(S.openSync(t.dir, constants.O_RDONLY | constants.O_DIRECTORY))
    assert.equal(readFrom(t.own(S.openatSync(dir, 'inside.txt'))).toString(), 'inside')
    const made = t.own(S.openatSync(dir, 'made.txt', 'wx', 0o640))
    writeTo(made, 'made')
    assert.equal(fs.readFileSync(t.file('made.txt'), 'utf8'), 'made')
    assert.throws(() => S.openatSync(dir, 'made.txt', 'wx'), { code: 'EEXIST' })
    assert.equal(readFrom(t.own(S.openatSync(S.AT_FDCWD, t.file('inside.txt')))).toString(), 'inside')
    const promised = t.own(await S.openat(dir, 'inside.txt'))
    assert.equal(readFrom(promised).toString(), 'inside')
    await assert.rejects(S.openat(dir, 'missing'), { code: 'ENOENT' })
    await assert.rejects(S.openat(t.own(S.openSync(t.file('inside.txt'))), 'x'), { code: 'ENOTDIR' })
  },
  'openat2, openat2Sync': async (t) => {
    const { constants } = S
    const root = path.join(t.dir, 'root')
    fs.mkdirSync(root)
    fs.writeFileSync(path.join(root, 'in.txt'), 'in')
    fs.writeFileSync(t.file('out.txt'), 'out')
    fs.symlinkSync('../out.txt', path.join(root, 'up'))
    fs.symlinkSync('in.txt', path.join(root, 'link'))
    const dir = t.own(S.openSync(root, constants.O_RDONLY | constants.O_DIRECTORY))
    const beneath = { resolve: { beneath: true } }
    assert.equal(readFrom(t.own(S.openat2Sync(dir, 'in.txt', beneath))).toString(), 'in')
    assert.equal(readFrom(t.own(S.openat2Sync(dir, 'link', beneath))).toString(), 'in', 'a symlink inside is followed')
    for (const way of ['../out.txt', 'up', '/etc/hostname']) {
      assert.throws(() => S.openat2Sync(dir, way, beneath), { code: 'EXDEV', syscall: 'openat2' }, way)
    }
    assert.equal(readFrom(t.own(S.openat2Sync(dir, '../out.txt'))).toString(), 'out', 'no resolve limits: as openat')
    assert.throws(() => S.openat2Sync(dir, 'link', { resolve: { noSymlinks: true } }), { code: 'ELOOP' })
    assert.equal(readFrom(t.own(S.openat2Sync(dir, '/in.txt', { resolve: { inRoot: true } }))).toString(), 'in')
    const made = t.own(S.openat2Sync(dir, 'new.txt', { flags: 'wx', mode: 0o600, resolve: constants.RESOLVE_BENEATH }))
    assert.equal(S.statxSync(made).type, 'file')
    assert.equal(readFrom(t.own(await S.openat2(dir, 'in.txt', beneath))).toString(), 'in')
    await assert.rejects(S.openat2(dir, '../out.txt', beneath), { code: 'EXDEV' })
    assert.throws(() => S.openat2Sync(dir, 'in.txt', { resolve: { beneath: 1 } }), { code: 'ERR_INVALID_ARG_TYPE' })
  },
}
