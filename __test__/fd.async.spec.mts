// A Promise call acts on the file it was given, whatever JavaScript does
// with the descriptor while the call waits for the libuv threadpool: closes
// it, drops it to the garbage collector, gives it away with intoRaw(). Each
// race is made deterministic in a child process whose only pool thread is
// held busy while the call is queued, and the number is reused by another
// file before the call runs.

import { statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

import test, { type ExecutionContext } from 'ava'

import { inChild, poolHolder, tempDir } from './helpers.mjs'

/** Two files, A and B, with distinct modification times (1 s and 2 s after the epoch). */
function twoFiles(t: ExecutionContext): { dir: string; a: string; b: string } {
  const dir = tempDir(t)
  const a = join(dir, 'A')
  const b = join(dir, 'B')
  writeFileSync(a, 'a')
  writeFileSync(b, 'b')
  return { dir, a, b }
}

const mtimeNs = (path: string): bigint => statSync(path, { bigint: true }).mtimeNs

/**
 * `isOpenAs(fd, path)` in child scripts: whether `fd` is open on `path`. (A
 * plain look for `fd` in `/proc/self/fd` is fooled by the directory
 * descriptor that reading it opens, which takes the lowest free number.)
 */
const IS_OPEN_AS = `const isOpenAs = (fd, path) => { try { return fs.readlinkSync('/proc/self/fd/' + fd) === path } catch { return false } };`

/** Runs `script` in a child with a one-thread pool and `holdPool`/`releasePool` in scope. */
function withHeldPool<T>(dir: string, script: string): T {
  return inChild<T>(`${poolHolder(dir)} ${IS_OPEN_AS} (async () => { ${script} })().catch((e) => { console.error(e); process.exit(1) });`, {
    env: { ...process.env, UV_THREADPOOL_SIZE: '1' },
    nodeArgs: ['--expose-gc', '--no-warnings'],
  })
}

/**
 * Node 26 still closes a FileHandle the garbage collector finds open, but
 * then throws ERR_INVALID_STATE from the finalizer (earlier versions warn):
 * the child lets exactly that pass, to see what sysix did meanwhile.
 */
const SURVIVE_FILEHANDLE_GC = `process.on('uncaughtException', (error) => {
  if (error?.code !== 'ERR_INVALID_STATE' || !/closed during garbage collection/.test(error.message)) throw error;
});`

test('a FileHandle collected while setFileTimes waits: the call still sets the file it was given', (t) => {
  const { dir, a, b } = twoFiles(t)
  const result = withHeldPool<{ reused: boolean }>(
    dir,
    `${SURVIVE_FILEHANDLE_GC}
     let fh = await fs.promises.open(${JSON.stringify(a)}, 'r');
     const number = fh.fd;
     holdPool();
     const pending = sysix.setFileTimes(fh, { mtime: 5n });
     fh = null;
     for (let i = 0; i < 20 && fs.existsSync('/proc/self/fd/' + number); i++) { gc(); await tick(); }
     const other = fs.openSync(${JSON.stringify(b)}, 'r');
     await releasePool();
     await pending;
     report({ reused: other === number });`,
  )
  t.true(result.reused, 'the garbage collector closed the FileHandle and B took its number')
  t.is(mtimeNs(a), 5n, 'A, the file given, got the time')
  t.is(mtimeNs(b), readableTime(b), 'B is untouched')
})

/** B's own time, as twoFiles set it by writing: anything but 5 ns. */
function readableTime(path: string): bigint {
  const ns = mtimeNs(path)
  return ns === 5n ? -1n : ns
}

test('sameFile on a FileHandle collected while queued compares the file it was given', (t) => {
  const { dir, a, b } = twoFiles(t)
  const result = withHeldPool<{ same: boolean; reused: boolean }>(
    dir,
    `${SURVIVE_FILEHANDLE_GC}
     let fh = await fs.promises.open(${JSON.stringify(a)}, 'r');
     const number = fh.fd;
     holdPool();
     const pending = sysix.sameFile(fh, ${JSON.stringify(b)});
     fh = null;
     for (let i = 0; i < 20 && fs.existsSync('/proc/self/fd/' + number); i++) { gc(); await tick(); }
     const other = fs.openSync(${JSON.stringify(b)}, 'r');
     await releasePool();
     report({ same: await pending, reused: other === number });`,
  )
  t.true(result.reused)
  t.false(result.same, 'A is not B, even though B now has the number A had')
})

test('a plain number closed and reused while fileTimes waits: the call reads the file it was given', (t) => {
  const { dir, a, b } = twoFiles(t)
  writeFileSync(a, 'a')
  const result = withHeldPool<{ mtime: bigint; reused: boolean }>(
    dir,
    `fs.utimesSync(${JSON.stringify(a)}, 7, 7);
     const number = fs.openSync(${JSON.stringify(a)}, 'r');
     holdPool();
     const pending = sysix.fileTimes(number);
     fs.closeSync(number);
     const other = fs.openSync(${JSON.stringify(b)}, 'r');
     await releasePool();
     report({ mtime: (await pending).mtimeNs, reused: other === number });`,
  )
  t.true(result.reused)
  t.is(result.mtime, 7_000_000_000n, "A's time, not B's")
})

test('intoRaw while a Promise call uses the descriptor is refused; after it settles it works', (t) => {
  const { dir, a, b } = twoFiles(t)
  const result = withHeldPool<{ code: string; syscall: string; message: string; after: boolean }>(
    dir,
    `const owned = sysix.OwnedFd.fromRaw(fs.openSync(${JSON.stringify(a)}, 'r'));
     holdPool();
     const pending = sysix.setFileTimes(owned, { mtime: 5n });
     let refused;
     try { fs.closeSync(owned.intoRaw()); fs.openSync(${JSON.stringify(b)}, 'r'); } catch (e) { refused = e }
     await releasePool();
     await pending;
     const raw = owned.intoRaw();
     fs.closeSync(raw);
     report({ code: refused.code, syscall: refused.syscall, message: refused.message, after: owned.closed });`,
  )
  t.is(result.code, 'EBUSY')
  t.is(result.syscall, 'OwnedFd.intoRaw')
  t.regex(
    result.message,
    /^EBUSY: resource busy or locked, OwnedFd\.intoRaw: 1 Promise call still uses descriptor \d+; await it before giving it up$/,
  )
  t.true(result.after)
  t.is(mtimeNs(a), 5n)
  t.not(mtimeNs(b), 5n)
})

test('close() while a Promise call is queued waits for it; a failure then is a SYSIX_CLOSE_FAILED warning', (t) => {
  const { dir, a } = twoFiles(t)
  const result = withHeldPool<{ warnings: { code: string; message: string }[]; closedEarly: boolean; openWhileQueued: boolean }>(
    dir,
    `const warnings = [];
     process.on('warning', (w) => warnings.push({ code: w.code, message: w.message }));
     // Lower numbers are left free, so that nothing opened meanwhile takes
     // this one once it is closed behind its owner's back.
     const below = Array.from({ length: 32 }, () => fs.openSync('/dev/null', 'r'));
     const owned = sysix.OwnedFd.fromRaw(fs.openSync(${JSON.stringify(a)}, 'r'));
     below.forEach((fd) => fs.closeSync(fd));
     const number = owned.fd;
     holdPool();
     const pending = sysix.fileTimes(owned);
     owned.close();
     const openWhileQueued = isOpenAs(number, ${JSON.stringify(a)});
     // Behind the owner's back (as a buggy native module might), so that the
     // deferred close fails: the kernel's EBADF must reach the program.
     fs.closeSync(number);
     await releasePool();
     await pending.catch(() => {});
     await tick(); await tick();
     report({ warnings, closedEarly: owned.closed, openWhileQueued });`,
  )
  t.true(result.closedEarly, 'the object counts as closed at once')
  t.true(result.openWhileQueued, 'the descriptor stays open for the queued call')
  const failed = result.warnings.filter((w) => w.code === 'SYSIX_CLOSE_FAILED')
  t.is(failed.length, 1, JSON.stringify(result.warnings))
  t.regex(failed[0].message, /EBADF/)
})

test('a queued call on an OwnedFd closed meanwhile still sees its file, and then the descriptor is closed', (t) => {
  const { dir, a, b } = twoFiles(t)
  const result = withHeldPool<{ mtime: bigint; open: boolean; reused: boolean }>(
    dir,
    `fs.utimesSync(${JSON.stringify(a)}, 9, 9);
     const owned = sysix.OwnedFd.fromRaw(fs.openSync(${JSON.stringify(a)}, 'r'));
     const number = owned.fd;
     holdPool();
     const pending = sysix.fileTimes(owned);
     owned.close();
     const other = fs.openSync(${JSON.stringify(b)}, 'r');
     await releasePool();
     const times = await pending;
     report({ mtime: times.mtimeNs, open: isOpenAs(number, ${JSON.stringify(a)}), reused: other === number });`,
  )
  t.false(result.reused, 'the number stayed taken while the call was queued')
  t.is(result.mtime, 9_000_000_000n)
  t.false(result.open, 'closed once the call settled')
})
