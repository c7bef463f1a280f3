import { closeSync, mkdirSync, openSync, promises as fsp, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

import test, { type ExecutionContext } from 'ava'

import { OwnedFd, fileTimes, fileTimesSync, setFileTimes, setFileTimesSync } from 'sysix'
import { NOBODY, inChild, tempDir, tool } from './helpers.mjs'

/** A `stat --format='%.9X'` style time (`-1.5` is 1.5 s before the epoch) as nanoseconds. */
function statNs(text: string): bigint {
  const negative = text.startsWith('-')
  const [seconds, fraction] = text.replace('-', '').split('.')
  const ns = BigInt(seconds) * 1_000_000_000n + BigInt(fraction.padEnd(9, '0'))
  return negative ? -ns : ns
}

/** What coreutils `stat` says of a path: access, modification, change and birth times in ns. */
function statTimes(path: string, dereference = true): { atime: bigint; mtime: bigint; ctime: bigint; btime: bigint } {
  const args = ['--format=%.9X %.9Y %.9Z %.9W', ...(dereference ? ['-L'] : []), path]
  const [atime, mtime, ctime, btime] = tool('stat', args).trim().split(' ').map(statNs)
  return { atime, mtime, ctime, btime }
}

function newFile(t: ExecutionContext, name = 'file'): string {
  const path = join(tempDir(t), name)
  writeFileSync(path, '')
  return path
}

test('fileTimesSync reads exactly what stat(1) and fs.statSync({ bigint }) read', (t) => {
  const path = newFile(t)
  const times = fileTimesSync(path)
  const stat = statTimes(path)
  t.is(times.atimeNs, stat.atime)
  t.is(times.mtimeNs, stat.mtime)
  t.is(times.ctimeNs, stat.ctime)
  t.is(times.birthtimeNs, stat.btime === 0n ? null : stat.btime)
  const node = statSync(path, { bigint: true })
  t.is(times.atimeNs, node.atimeNs)
  t.is(times.mtimeNs, node.mtimeNs)
  t.is(times.ctimeNs, node.ctimeNs)
})

test('times set with touch -d @S.N read back to the nanosecond', (t) => {
  const path = newFile(t)
  tool('touch', ['-m', '-d', '@1700000000.123456789', path])
  tool('touch', ['-a', '-d', '@-86400.000000001', path])
  const times = fileTimesSync(path)
  t.is(times.mtimeNs, 1_700_000_000_123_456_789n)
  t.is(times.atimeNs, -86_400_000_000_001n)
})

test('times set by sysix are what stat(1) prints, before 1970 and far in the future', (t) => {
  const path = newFile(t)
  for (const ns of [
    1_700_000_000_123_456_789n,
    1n,
    0n,
    -1n,
    -1_234_567_890_123_456_789n, // 1930
    2n ** 31n * 1_000_000_000n + 7n, // just past 2038
    13_569_465_600_999_999_999n, // 2400, inside ext4's range
  ]) {
    setFileTimesSync(path, { atime: ns, mtime: ns })
    const stat = statTimes(path)
    t.is(stat.mtime, ns)
    t.is(stat.atime, ns)
    t.is(fileTimesSync(path).mtimeNs, ns)
  }
})

test('a time past what the filesystem stores is clamped exactly as touch clamps it', (t) => {
  const ours = newFile(t, 'sysix')
  const theirs = newFile(t, 'touch')
  for (const seconds of [2n ** 40n, -(2n ** 40n)]) {
    setFileTimesSync(ours, { mtime: seconds * 1_000_000_000n + 5n })
    tool('touch', ['-m', '-d', `@${seconds}.000000005`, theirs])
    const clamped = statTimes(theirs).mtime
    t.is(statTimes(ours).mtime, clamped)
    t.is(fileTimesSync(ours).mtimeNs, clamped)
  }
})

test('a time left out stays, and "now" takes the kernel clock', (t) => {
  const path = newFile(t)
  setFileTimesSync(path, { atime: 1_000n, mtime: 2_000n })
  setFileTimesSync(path, { mtime: 3_000n })
  t.like(statTimes(path), { atime: 1_000n, mtime: 3_000n })
  setFileTimesSync(path, { atime: 4_000n })
  t.like(statTimes(path), { atime: 4_000n, mtime: 3_000n })
  t.like(statTimes(path), { atime: 4_000n, mtime: 3_000n })

  const before = BigInt(Date.now() - 1000) * 1_000_000n
  setFileTimesSync(path, { mtime: 'now' })
  const after = BigInt(Date.now() + 1000) * 1_000_000n
  const { atime, mtime, ctime } = statTimes(path)
  t.is(atime, 4_000n)
  t.true(mtime >= before && mtime <= after)
  t.is(mtime, ctime, "UTIME_NOW sets the time to the kernel's clock, as it does ctime")
})

test('Dates and millisecond numbers convert exactly', (t) => {
  const path = newFile(t)
  setFileTimesSync(path, { atime: new Date('1969-07-20T20:17:40.123Z'), mtime: 1_700_000_000_456.75 })
  const { atime, mtime } = statTimes(path)
  t.is(atime, BigInt(Date.UTC(1969, 6, 20, 20, 17, 40, 123)) * 1_000_000n)
  t.is(mtime, 1_700_000_000_456_750_000n)
  setFileTimesSync(path, { mtime: -1.5 })
  t.is(statTimes(path).mtime, -1_500_000n)
})

test('fs.utimes loses the nanoseconds sysix keeps', (t) => {
  const path = newFile(t)
  const ns = 1_700_000_000_123_456_789n
  utimesSync(path, Number(ns) / 1e9, Number(ns) / 1e9)
  t.not(statTimes(path).mtime, ns, 'fs.utimes takes a double of seconds and libuv truncates it')
  setFileTimesSync(path, { mtime: ns })
  t.is(statTimes(path).mtime, ns)
})

test('followSymlinks: false reads and sets the link itself', (t) => {
  const target = newFile(t, 'target')
  const link = `${target}.link`
  symlinkSync(target, link)
  setFileTimesSync(target, { atime: 10n, mtime: 20n })
  setFileTimesSync(link, { atime: 30n, mtime: 40n }, { followSymlinks: false })
  t.like(statTimes(link, false), { atime: 30n, mtime: 40n })
  t.like(statTimes(target), { atime: 10n, mtime: 20n })
  t.like(fileTimesSync(link, { followSymlinks: false }), { atimeNs: 30n, mtimeNs: 40n })
  t.like(fileTimesSync(link), { atimeNs: 10n, mtimeNs: 20n })
  setFileTimesSync(link, { mtime: 50n })
  t.is(statTimes(target).mtime, 50n, 'followed by default')
})

test('a FIFO is never opened, so setting its times does not block', (t) => {
  const fifo = join(tempDir(t), 'fifo')
  tool('mkfifo', [fifo])
  setFileTimesSync(fifo, { mtime: 123_456_789n })
  t.is(statTimes(fifo).mtime, 123_456_789n)
  t.is(fileTimesSync(fifo).mtimeNs, 123_456_789n)
})

test('an owner sets the times of a file it cannot read or write, as touch does', (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'locked')
  const result = inChild<{ open: string; mtime: bigint }>(
    `const fs = require('fs');
     fs.writeFileSync(${JSON.stringify(path)}, '', { mode: 0o000 });
     let open = 'yes';
     try { fs.openSync(${JSON.stringify(path)}, 'r') } catch (e) { open = e.code }
     sysix.setFileTimesSync(${JSON.stringify(path)}, { mtime: 42_000_000_007n });
     report({ open, mtime: sysix.fileTimesSync(${JSON.stringify(path)}).mtimeNs });`,
    { uid: NOBODY },
  )
  t.is(result.open, 'EACCES', "filetime's path setters open the file: they would fail here")
  t.is(result.mtime, 42_000_000_007n)
  t.is(statTimes(path).mtime, 42_000_000_007n)
})

test("'now' needs only write permission, an explicit time needs ownership", (t) => {
  const path = newFile(t)
  // Owned by root, writable by everyone.
  tool('chmod', ['666', path])
  const result = inChild<{ now: string; explicit: string }>(
    `const attempt = (times) => { try { sysix.setFileTimesSync(${JSON.stringify(path)}, times); return 'ok' } catch (e) { return e.code } };
     report({ now: attempt({ mtime: 'now', atime: 'now' }), explicit: attempt({ mtime: 1n }) });`,
    { uid: NOBODY },
  )
  t.deepEqual(result, { now: 'ok', explicit: 'EPERM' })
})

test('descriptors: OwnedFd, numbers and FileHandles use futimens', async (t) => {
  const path = newFile(t)
  const owned = OwnedFd.fromRaw(openSync(path, 'r'))
  setFileTimesSync(owned, { mtime: 111n })
  t.is(statTimes(path).mtime, 111n)
  const fd = openSync(path, 'r')
  setFileTimesSync(fd, { atime: 222n })
  t.is(fileTimesSync(fd).atimeNs, 222n)
  t.deepEqual(fileTimesSync(fd, { followSymlinks: false }), fileTimesSync(fd), 'followSymlinks means nothing to a descriptor')
  setFileTimesSync(fd, { atime: 223n }, { followSymlinks: false })
  t.is(fileTimesSync(path).atimeNs, 223n)
  await setFileTimes(owned, { mtime: 333n })
  t.is((await fileTimes(owned)).mtimeNs, 333n)
  const handle = await fsp.open(path, 'r')
  await setFileTimes(handle, { mtime: 444n })
  t.is(statTimes(path).mtime, 444n)
  await handle.close()
  closeSync(fd)
  owned.close()
  t.like(
    t.throws(() => setFileTimesSync(fd, { mtime: 1n })),
    { code: 'EBADF', syscall: 'futimens' },
  )
})

test('Buffer paths with bytes that are not UTF-8, and file: URLs', (t) => {
  const dir = tempDir(t)
  const name = Buffer.concat([Buffer.from(`${dir}/caf`), Buffer.from([0xe9])]) // Latin-1 "café"
  writeFileSync(name, '')
  setFileTimesSync(name, { mtime: 5n })
  t.is(fileTimesSync(name).mtimeNs, 5n)
  t.is(statSync(name, { bigint: true }).mtimeNs, 5n)
  const url = pathToFileURL(newFile(t, 'url file'))
  setFileTimesSync(url, { mtime: 6n })
  t.is(fileTimesSync(url).mtimeNs, 6n)
})

test('long paths and multi-byte characters at every length reach the kernel whole', (t) => {
  const dir = tempDir(t)
  // Paths from 240 to 270 bytes, each ending in a 2-, 3- or 4-byte character
  // placed across the length where the binding stops copying inline.
  for (const char of ['é', '€', '😀']) {
    for (let length = 240; length <= 270; length++) {
      const padding = length - Buffer.byteLength(`${dir}/d/`) - Buffer.byteLength(char)
      const path = `${dir}/d/${'x'.repeat(padding)}${char}`
      t.is(Buffer.byteLength(path), length)
      mkdirSync(join(dir, 'd'), { recursive: true })
      writeFileSync(path, '')
      setFileTimesSync(path, { mtime: BigInt(length) })
      t.is(fileTimesSync(path).mtimeNs, BigInt(length), path)
      t.is(statSync(path, { bigint: true }).mtimeNs, BigInt(length))
      unlinkSync(path)
    }
  }
  const deep = join(dir, ...Array.from({ length: 40 }, (_, i) => `level-${i}-${'y'.repeat(20)}`))
  mkdirSync(deep, { recursive: true })
  t.true(Buffer.byteLength(deep) > 1000)
  setFileTimesSync(deep, { mtime: 7n })
  t.is(fileTimesSync(deep).mtimeNs, 7n)
})

test('birth time is null where the filesystem keeps none', (t) => {
  t.is(fileTimesSync('/proc/self/status').birthtimeNs, null)
  t.is(statTimes('/proc/self/status').btime, 0n, 'stat(1) agrees: %W is 0 when unknown')
})

test('the promise forms agree with the sync ones', async (t) => {
  const path = newFile(t)
  await setFileTimes(path, { atime: 7n, mtime: 8n })
  t.deepEqual(await fileTimes(path), fileTimesSync(path))
  t.like(await fileTimes(path), { atimeNs: 7n, mtimeNs: 8n })
})

test('errors look like Node fs errors', async (t) => {
  const dir = tempDir(t)
  const missing = join(dir, 'missing')
  const ours = t.throws(() => setFileTimesSync(missing, { mtime: 1n })) as NodeJS.ErrnoException
  const node = t.throws(() => utimesSync(missing, 1, 1)) as NodeJS.ErrnoException
  t.is(ours.message, `ENOENT: no such file or directory, utimensat '${missing}'`)
  t.is(node.message, `ENOENT: no such file or directory, utime '${missing}'`)
  t.deepEqual(Object.keys(ours), Object.keys(node))
  t.like(ours, { errno: node.errno, code: node.code, path: node.path, syscall: 'utimensat' })
  t.true(ours instanceof Error)
  t.like(
    t.throws(() => fileTimesSync(missing)),
    { code: 'ENOENT', syscall: 'statx', path: missing },
  )
  t.like(await t.throwsAsync(fileTimes(missing)), { code: 'ENOENT', syscall: 'statx', path: missing })
  t.like(await t.throwsAsync(setFileTimes(missing, { mtime: 'now' })), { code: 'ENOENT', syscall: 'utimensat' })
  t.like(
    t.throws(() => fileTimesSync(Buffer.from(missing))),
    { path: missing },
  )
})

test('bad times are TypeErrors and RangeErrors', async (t) => {
  const path = newFile(t)
  setFileTimesSync(path, { mtime: 99n })
  const range = { instanceOf: RangeError, code: 'ERR_OUT_OF_RANGE' }
  t.throws(() => setFileTimesSync(path, { mtime: 2n ** 100n }), range)
  t.throws(() => setFileTimesSync(path, { mtime: -(2n ** 100n) }), range)
  t.throws(() => setFileTimesSync(path, { mtime: 2n ** 63n * 1_000_000_000n }), range)
  t.throws(() => setFileTimesSync(path, { mtime: NaN }), range)
  t.throws(() => setFileTimesSync(path, { mtime: Infinity }), range)
  t.throws(() => setFileTimesSync(path, { mtime: 1e300 }), range)
  t.throws(() => setFileTimesSync(path, { mtime: new Date('nope') }), range)
  t.throws(() => setFileTimesSync(path, { mtime: 'yesterday' as never }), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_VALUE' })
  t.throws(() => setFileTimesSync(path, { mtime: {} as never }), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' })
  t.throws(() => setFileTimesSync(path, { mtime: null as never }), {
    instanceOf: TypeError,
    message: `The "times.mtime" property must be of type bigint or number, 'now', or an instance of Date. Received null`,
  })
  t.throws(() => setFileTimesSync(path, null as never), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_TYPE' })
  // A typo sets nothing: refused rather than silently doing nothing.
  for (const times of [{}, { mtme: 1n }, { atime: undefined, mtime: undefined }]) {
    t.throws(() => setFileTimesSync(path, times as never), {
      instanceOf: TypeError,
      code: 'ERR_INVALID_ARG_VALUE',
      message: /^The argument 'times' must set atime, mtime or both\. Received /,
    })
  }
  await t.throwsAsync(setFileTimes(path, { mtme: 1n } as never), { instanceOf: TypeError, code: 'ERR_INVALID_ARG_VALUE' })
  t.throws(() => setFileTimesSync(path, { mtime: 1n }, { followSymlinks: 'no' as never }), {
    instanceOf: TypeError,
    message: 'The "options.followSymlinks" property must be of type boolean. Received type string (\'no\')',
  })
  await t.throwsAsync(setFileTimes(path, { mtime: NaN }), range)
  t.is(statTimes(path).mtime, 99n, 'a refused call sets nothing')
  setFileTimesSync(path, { mtime: (2n ** 63n - 1n) * 1_000_000_000n })
  t.true(statTimes(path).mtime < (2n ** 63n - 1n) * 1_000_000_000n, 'the largest time is accepted; the filesystem clamps it')
})

test('Dates and byte paths from another realm (vm, Jest) are accepted, as Node fs accepts them', async (t) => {
  const path = newFile(t)
  const { runInNewContext } = await import('node:vm')
  const date = runInNewContext('new Date(86400000)') as Date
  t.false(date instanceof Date, 'a Date of another realm')
  setFileTimesSync(path, { mtime: date })
  t.is(statTimes(path).mtime, 86_400_000_000_000n)
  const bytes = runInNewContext('(p) => new Uint8Array([...p].map((c) => c.charCodeAt(0)))')(path) as Uint8Array
  t.false(bytes instanceof Uint8Array, 'a Uint8Array of another realm')
  t.is(fileTimesSync(bytes).mtimeNs, 86_400_000_000_000n)
  await setFileTimes(bytes, { atime: date })
  t.is(statTimes(path).atime, 86_400_000_000_000n)
})
