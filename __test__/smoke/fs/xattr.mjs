// The smoke cases of sysix/fs xattr (see smoke.mjs).

import { S, assert, fs, spawnSync } from '../kit.mjs'

/** One case per export or group of exports: the key lists the names it covers, `, `-separated. */
export const cases = {
  'getxattr, getxattrSync, listxattr, listxattrSync, removexattr, removexattrSync, setxattr, setxattrSync': async (t) => {
    const file = t.file('xattr', '')
    try {
      S.setxattrSync(file, 'user.sysix', 'v1')
    } catch (error) {
      // tmpfs before Linux 6.6 has no user.* attributes: then every call says so.
      assert.equal(error.code, 'ENOTSUP', `setxattrSync: ${error.message}`)
      t.note(`user xattrs unsupported on ${t.dir}: checking that each call reports ENOTSUP`)
      await assert.rejects(S.setxattr(file, 'user.sysix', 'v1'), { code: 'ENOTSUP' })
      assert.throws(() => S.getxattrSync(file, 'user.sysix'), { code: /^(ENOTSUP|ENODATA)$/ })
      await assert.rejects(S.getxattr(file, 'user.sysix'), { code: /^(ENOTSUP|ENODATA)$/ })
      assert.throws(() => S.removexattrSync(file, 'user.sysix'), { code: /^(ENOTSUP|ENODATA)$/ })
      await assert.rejects(S.removexattr(file, 'user.sysix'), { code: /^(ENOTSUP|ENODATA)$/ })
      assert.ok(Array.isArray(S.listxattrSync(file)))
      assert.ok(Array.isArray(await S.listxattr(file)))
      return
    }
    assert.deepEqual(S.getxattrSync(file, 'user.sysix'), Buffer.from('v1'))
    const tool = spawnSync('getfattr', ['--only-values', '-n', 'user.sysix', file], { encoding: 'utf8' })
    if (tool.error === undefined && tool.status === 0) {
      assert.equal(tool.stdout, 'v1', 'getfattr(1) reads what setxattrSync wrote')
    }
    assert.ok(S.listxattrSync(file).includes('user.sysix'))
    assert.throws(() => S.setxattrSync(file, 'user.sysix', 'v2', { create: true }), { code: 'EEXIST' })
    assert.throws(() => S.setxattrSync(file, 'user.other', 'x', { replace: true }), { code: 'ENODATA' })
    const fd = t.own(S.openSync(file))
    await S.setxattr(fd, 'user.bytes', new Uint8Array([0, 1, 255]), { create: true })
    assert.deepEqual(await S.getxattr(file, 'user.bytes'), Buffer.from([0, 1, 255]))
    assert.deepEqual((await S.listxattr(fd)).filter((name) => name.startsWith('user.')).sort(), ['user.bytes', 'user.sysix'])
    S.removexattrSync(fd, 'user.bytes')
    await S.removexattr(file, 'user.sysix')
    assert.throws(() => S.getxattrSync(file, 'user.sysix'), { code: 'ENODATA', syscall: 'getxattr' })
    await assert.rejects(S.getxattr(fd, 'user.bytes'), { code: 'ENODATA' })
    assert.throws(() => S.removexattrSync(file, 'user.sysix'), { code: 'ENODATA' })
    await assert.rejects(S.removexattr(file, 'user.sysix'), { code: 'ENODATA' })
    assert.deepEqual(
      S.listxattrSync(file).filter((name) => name.startsWith('user.')),
      [],
    )
    const link = t.file('link')
    fs.symlinkSync('xattr', link)
    await S.setxattr(link, 'user.via-link', 'followed')
    assert.deepEqual(S.getxattrSync(file, 'user.via-link'), Buffer.from('followed'), 'a symlink is followed by default')
    assert.throws(
      () => S.setxattrSync(link, 'user.on-link', 'x', { followSymlinks: false }),
      { code: 'EPERM' },
      'user.* on a symlink itself',
    )
  },
}
