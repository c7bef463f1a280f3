// Batches: statxMany, fileTimesMany, preadMany and pwriteMany, checked
// against coreutils' stat, Node's fs and the single calls; on io_uring and
// on the fallback, each path proven by strace (whether io_uring_setup
// succeeded, whether the kernel saw a statx system call for each path),
// with the fallback forced by SYSIX_IO_URING=0, a real seccomp filter and
// kernel.io_uring_disabled.

import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, readSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

import test, { type ExecutionContext } from 'ava'

import { fileTimesMany, fileTimesSync, pipe, type SystemError } from 'sysix'
import { openSync, preadMany, pwriteMany, statxMany, statxSync } from 'sysix/fs'
import { inChild, ROOT, seccompWrapper, tempDir, tool } from './helpers.mjs'

/** `io_uring_setup`'s number where the suite runs (x86_64, aarch64, riscv64). */
const NR_IO_URING_SETUP = 425

/** `count` files of different sizes in a fresh directory, and their paths. */
function files(t: ExecutionContext, count: number): { dir: string; paths: string[] } {
  const dir = tempDir(t)
  const paths = Array.from({ length: count }, (_, i) => {
    const path = join(dir, `f${i}`)
    writeFileSync(path, 'x'.repeat(i % 97))
    return path
  })
  return { dir, paths }
}

test('statxMany gives what statxSync gives for each path, in order, and what coreutils stat prints', async (t) => {
  const { dir, paths } = files(t, 700)
  const results = await statxMany(paths)
  t.is(results.length, 700)
  for (const [i, path] of paths.entries()) {
    t.deepEqual(results[i], statxSync(path), path)
  }
  // Two of them against the real tool, field by field.
  for (const i of [3, 650]) {
    const [ino, size, mode, mtime] = tool('stat', ['-c', '%i %s %f %.9Y', paths[i]]).trim().split(' ')
    const result = results[i] as Exclude<(typeof results)[number], Error>
    t.is(result.ino, BigInt(ino))
    t.is(result.size, BigInt(size))
    t.is(result.mode, Number.parseInt(mode, 16))
    t.is(result.mtimeNs, BigInt(mtime.replace('.', '')))
  }
  t.true(existsSync(dir))
})

test('a path that fails fails alone: its entry is the error statx gives, in Node shape, and the rest succeed', async (t) => {
  const { dir, paths } = files(t, 3)
  const missing = join(dir, 'missing')
  const notDir = join(paths[0], 'below')
  const results = await statxMany([paths[0], missing, paths[1], notDir, paths[2]])
  t.is(results.length, 5)
  for (const i of [0, 2, 4]) {
    t.false(results[i] instanceof Error)
  }
  const single = captured(() => statxSync(missing)) as SystemError
  const gone = results[1] as SystemError
  t.true(gone instanceof Error)
  t.like(gone, {
    code: 'ENOENT',
    errno: -2,
    syscall: 'statx',
    path: missing,
    message: `ENOENT: no such file or directory, statx '${missing}'`,
  })
  t.deepEqual({ ...gone }, { ...single })
  t.like(results[3], { code: 'ENOTDIR', syscall: 'statx', path: notDir })
})

/** The error `run` throws. */
function captured(run: () => unknown): unknown {
  try {
    run()
  } catch (error) {
    return error
  }
  throw new Error('it did not throw')
}

test('statxMany takes Buffers and file: URLs, dirFd and followSymlinks, as statx does', async (t) => {
  const { dir, paths } = files(t, 2)
  symlinkSync(paths[1], join(dir, 'link'))
  mkdirSync(join(dir, 'sub'))
  writeFileSync(join(dir, 'sub', 'inner'), 'inner')
  const [fromBuffer, fromUrl, followed] = await statxMany([Buffer.from(paths[0]), pathToFileURL(paths[1]), join(dir, 'link')])
  t.deepEqual(fromBuffer, statxSync(paths[0]))
  t.deepEqual(fromUrl, statxSync(paths[1]))
  t.deepEqual(followed, statxSync(paths[1]))
  const [link] = await statxMany([join(dir, 'link')], { followSymlinks: false })
  t.is((link as { type: string }).type, 'symlink')
  using sub = openSync(join(dir, 'sub'), 'r')
  const [inner] = await statxMany(['inner'], { dirFd: sub })
  t.is((inner as { size: bigint }).size, 5n)
  t.deepEqual(await statxMany([]), [])
})

test('fileTimesMany gives what fileTimesSync gives for each path, errors in place', async (t) => {
  const { dir, paths } = files(t, 300)
  const missing = join(dir, 'missing')
  const times = await fileTimesMany([...paths, missing])
  for (const [i, path] of paths.entries()) {
    t.deepEqual(times[i], fileTimesSync(path))
  }
  t.like(times[300], { code: 'ENOENT', syscall: 'statx', path: missing })
})

test('bad arguments are TypeErrors and RangeErrors, thrown before any call, naming the element', async (t) => {
  await t.throwsAsync(statxMany('a' as never), { code: 'ERR_INVALID_ARG_TYPE', message: /"paths"/ })
  await t.throwsAsync(statxMany(['a', 3 as never]), { code: 'ERR_INVALID_ARG_TYPE', message: /"paths\[1\]"/ })
  await t.throwsAsync(statxMany(['a\u0000b']), { code: 'ERR_INVALID_ARG_VALUE' })
  await t.throwsAsync(statxMany(['a'], { mask: -1 }), { code: 'ERR_OUT_OF_RANGE' })
  await t.throwsAsync(fileTimesMany(null as never), { code: 'ERR_INVALID_ARG_TYPE' })
  await t.throwsAsync(preadMany(0, [{ view: 'x' as never, position: 0 }]), { code: 'ERR_INVALID_ARG_TYPE', message: /requests\[0\]\.view/ })
  await t.throwsAsync(preadMany(0, [{ view: Buffer.alloc(1), position: -1 }]), { code: 'ERR_OUT_OF_RANGE' })
  await t.throwsAsync(pwriteMany(0, {} as never), { code: 'ERR_INVALID_ARG_TYPE' })
})

test('each getter of a request is read once, and a descriptor closed by one is refused, never used', async (t) => {
  const dir = tempDir(t)
  const fd = openSync(join(dir, 'f'), 'w+')
  let reads = 0
  const request = {
    get view() {
      reads++
      fd.close()
      return Buffer.alloc(4)
    },
    position: 0,
  }
  await t.throwsAsync(preadMany(fd, [request]), { code: 'EBADF' })
  t.is(reads, 1)
})

test('pwriteMany writes each view at its position (read back with fs), preadMany reads them back, short at the end', async (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'data')
  using fd = openSync(path, 'w+')
  const chunks = Array.from({ length: 600 }, (_, i) => Buffer.alloc(512, i % 251))
  const written = await pwriteMany(
    fd,
    chunks.map((view, i) => ({ view, position: BigInt(i * 512) })),
  )
  t.deepEqual(
    written,
    chunks.map(() => 512),
  )
  t.deepEqual(readFileSync(path), Buffer.concat(chunks))
  const views = Array.from({ length: 601 }, () => Buffer.alloc(512, 0xee))
  const counts = await preadMany(
    fd,
    views.map((view, i) => ({ view, position: i * 512 + 100 })),
  )
  t.deepEqual(
    counts.slice(0, 599),
    views.slice(0, 599).map(() => 512),
  )
  t.is(counts[599], 412, 'the last chunk is cut short by the end of the file')
  t.is(counts[600], 0)
  t.deepEqual(views[10], Buffer.concat([Buffer.alloc(412, 10), Buffer.alloc(100, 11)]))
  t.deepEqual(views[599].subarray(412), Buffer.alloc(100, 0xee), 'bytes past what was read are left as they were')
  t.deepEqual(views[600], Buffer.alloc(512, 0xee))
})

test('a request that fails fails alone (EBADF on a write-only descriptor), and a view detached meanwhile rejects the batch', async (t) => {
  const dir = tempDir(t)
  writeFileSync(join(dir, 'f'), 'abcdef')
  using writeOnly = openSync(join(dir, 'f'), 'a')
  const results = await preadMany(writeOnly, [{ view: Buffer.alloc(2), position: 0 }])
  t.like(results[0], { code: 'EBADF', syscall: 'pread' })
  using reader = openSync(join(dir, 'f'), 'r')
  const view = new Uint8Array(new ArrayBuffer(4))
  const pending = preadMany(reader, [{ view, position: 0 }])
  structuredClone(view.buffer, { transfer: [view.buffer] })
  await t.throwsAsync(pending, { message: /transferred, detached or shrunk/ })
})

test('a pipe has no positions: preadMany and pwriteMany give ESPIPE, as pread and pwrite do, and leave its data alone', async (t) => {
  using p = pipe()
  writeFileSync(p.writer.fd, 'data')
  const [read] = await preadMany(p.reader, [{ view: Buffer.alloc(4), position: 0 }])
  t.like(read, { code: 'ESPIPE', syscall: 'pread' })
  const [written] = await pwriteMany(p.writer, [{ view: Buffer.from('more'), position: 0 }])
  t.like(written, { code: 'ESPIPE', syscall: 'pwrite' })
  const left = Buffer.alloc(8)
  t.is(readSync(p.reader.fd, left), 4, 'the data is still in the pipe')
  t.is(left.subarray(0, 4).toString(), 'data')
})

test('a descriptor closed while its batch runs waits for the batch: the batch reads the file it was given', async (t) => {
  const dir = tempDir(t)
  writeFileSync(join(dir, 'f'), 'payload!')
  const fd = openSync(join(dir, 'f'), 'r')
  const views = Array.from({ length: 64 }, () => Buffer.alloc(8))
  const pending = preadMany(
    fd,
    views.map((view) => ({ view, position: 0 })),
  )
  fd.close()
  t.deepEqual(
    await pending,
    views.map(() => 8),
  )
  t.true(views.every((view) => view.toString() === 'payload!'))
  t.throws(() => fd.fd, { code: 'EBADF' })
})

/** What a child's statxMany saw of `paths`, under strace: the results, whether io_uring was set up, and which paths the kernel got a statx system call for. */
function traced(t: ExecutionContext, paths: string[], options: { env?: NodeJS.ProcessEnv; wrapper?: string[] } = {}) {
  const log = join(tempDir(t), 'strace.log')
  const script = `
    const sysix = require(${JSON.stringify(ROOT)});
    sysix.statxMany(JSON.parse(process.argv[1])).then((results) =>
      process.stdout.write(JSON.stringify({
        results: results.map((r) => r instanceof Error ? r.code : String(r.ino)),
        unavailable: sysix.info().ioUringUnavailable,
      })))`
  const command = [...(options.wrapper ?? []), process.execPath, '-e', script, JSON.stringify(paths)]
  // -s: whole paths in the log, however long the temporary directory's name.
  const result = spawnSync('strace', ['-f', '-qq', '-s', '4096', '-e', 'trace=io_uring_setup,statx', '-o', log, ...command], {
    encoding: 'utf8',
    // libuv's own ring, where a Node sets one up, is kept out of the count.
    env: { ...process.env, UV_USE_IO_URING: '0', ...options.env },
    timeout: 60_000,
  })
  t.is(result.status, 0, result.stderr)
  const trace = readFileSync(log, 'utf8')
  const { results, unavailable } = JSON.parse(result.stdout) as { results: string[]; unavailable: string | null }
  return {
    results,
    /** What `info()` says of io_uring, in the same process. */
    unavailable,
    // sysix's ring asks for IORING_SETUP_CLAMP. Under qemu-user the call
    // never reaches the kernel (qemu answers ENOSYS itself): not tried.
    ringTried: /io_uring_setup\(.*IORING_SETUP_CLAMP/.test(trace),
    ringSetUp: /io_uring_setup\(.*IORING_SETUP_CLAMP.*\) = \d+/.test(trace),
    ringRefused: /io_uring_setup\(.*IORING_SETUP_CLAMP.*\) = -1 (\w+)/.exec(trace)?.[1],
    statxCalls: paths.filter((path) => trace.includes(`"${path}"`)).length,
  }
}

const expected = (paths: string[]) => paths.map((path) => String(statxSync(path).ino))

/** Node's description of an errno code, as sysix's messages give it. */
function describe(code: string | undefined): string {
  return (
    ({ EPERM: 'operation not permitted', ENOSYS: 'function not implemented', EACCES: 'permission denied' } as Record<string, string>)[
      code ?? ''
    ] ?? String(code)
  )
}

test('where io_uring can be set up, the batch goes through it: the kernel sees no statx system call for any path', (t) => {
  const { paths } = files(t, 50)
  const run = traced(t, paths)
  t.deepEqual(run.results, expected(paths))
  if (run.ringSetUp) {
    t.is(run.statxCalls, 0)
    t.is(run.unavailable, null, 'info() says batches use io_uring')
  } else {
    // Forbidden here, or emulated (qemu has no io_uring): the fallback, every path, and info() says why.
    t.is(run.statxCalls, 50)
    t.is(run.unavailable, run.ringTried ? `${run.ringRefused}: ${describe(run.ringRefused)}` : 'ENOSYS: function not implemented')
  }
})

test('SYSIX_IO_URING=0: no ring is set up, one statx system call a path, the same results', (t) => {
  const { paths } = files(t, 50)
  const run = traced(t, paths, { env: { SYSIX_IO_URING: '0' } })
  t.false(run.ringSetUp)
  t.is(run.ringRefused, undefined, 'io_uring_setup is not even tried')
  t.is(run.unavailable, 'SYSIX_IO_URING=0')
  t.is(run.statxCalls, 50)
  t.deepEqual(run.results, expected(paths))
})

for (const [answer, errno] of [
  ['EPERM', 1],
  ['ENOSYS', 38],
] as const) {
  test(`under a real seccomp filter answering ${answer} for io_uring_setup, the batch falls back to the threadpool`, (t) => {
    const wrapper = seccompWrapper(t, NR_IO_URING_SETUP)
    const { dir, paths } = files(t, 40)
    const all = [...paths, join(dir, 'missing')]
    const run = traced(t, all, { wrapper: [wrapper, String(errno)] })
    t.false(run.ringSetUp)
    // The filter's answer; under qemu-user, which answers ENOSYS itself, that.
    t.is(run.unavailable, run.ringTried ? `${answer}: ${describe(answer)}` : 'ENOSYS: function not implemented')
    t.is(run.statxCalls, 41)
    t.deepEqual(run.results, [...expected(paths), 'ENOENT'])
  })
}

test.serial('with kernel.io_uring_disabled=2 (as sysctl sets it), the batch falls back; the setting is restored', (t) => {
  const setting = '/proc/sys/kernel/io_uring_disabled'
  t.true(existsSync(setting), 'this kernel has kernel.io_uring_disabled (6.6 and later)')
  const before = readFileSync(setting, 'utf8').trim()
  const { paths } = files(t, 30)
  tool('sysctl', ['-q', '-w', 'kernel.io_uring_disabled=2'])
  try {
    const run = traced(t, paths)
    t.false(run.ringSetUp)
    if (run.ringTried) {
      t.is(run.ringRefused, 'EPERM')
      t.is(run.unavailable, 'EPERM: operation not permitted')
    } else {
      t.is(run.unavailable, 'ENOSYS: function not implemented', 'emulated: qemu answers for the kernel')
    }
    t.is(run.statxCalls, 30)
    t.deepEqual(run.results, expected(paths))
  } finally {
    tool('sysctl', ['-q', '-w', `kernel.io_uring_disabled=${before}`])
  }
  t.is(readFileSync(setting, 'utf8').trim(), before)
})

test('workers that exit while their batches run leave no descriptor behind, no ring included', (t) => {
  const { paths } = files(t, 2000)
  const out = inChild<{ fdsBefore: number; fdsAfter: number; rings: number }>(`
    const { Worker } = require('node:worker_threads');
    const fs = require('node:fs');
    const ring = (n) => { try { return fs.readlinkSync('/proc/self/fd/' + n) === 'anon_inode:[io_uring]' } catch { return false } };
    const count = () => fs.readdirSync('/proc/self/fd').length;
    (async () => {
      // Node opens /dev/null once for its first worker: counted from after one.
      await new Promise((resolve) => new Worker('', { eval: true }).once('exit', resolve));
      const fdsBefore = count();
      for (let i = 0; i < 5; i++) {
        const worker = new Worker(\`
          const sysix = require(\${JSON.stringify(sysixRoot)});
          sysix.statxMany(\${JSON.stringify(${JSON.stringify(paths)})});
          setImmediate(() => process.exit(0));\`, { eval: true });
        await new Promise((resolve) => worker.once('exit', resolve));
      }
      // A worker's own descriptors (its loop's) close just after 'exit'.
      for (let i = 0; i < 40 && count() !== fdsBefore; i++) await new Promise((r) => setTimeout(r, 50));
      report({ fdsBefore, fdsAfter: count(), rings: fs.readdirSync('/proc/self/fd').filter(ring).length });
    })();
  `)
  t.is(out.fdsAfter, out.fdsBefore)
  t.is(out.rings, 0, 'each batch closes its ring')
})
