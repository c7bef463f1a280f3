// Descriptors and worker threads: what a worker still owns is closed when it
// exits or is terminated (garbage collection never runs then), a descriptor
// has one owner in the whole process, the addon loads in many threads at once,
// and under a stress of all of it no descriptor sysix did not own is closed.
// Each test runs in a child process of its own, whose descriptors it counts.

import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

import test from 'ava'

import { inChild, poolHolder, tempDir } from './helpers.mjs'

/**
 * In child scripts: `fdCount()`, `once`, `gcSettle()` (collect a few times),
 * `warmUp()` (before counting),
 * and `worker(source)`, a worker thread running `source` with `sysix` in
 * scope, whose `exited` promise settles when it exits.
 */
const PRELUDE = `
  const fs = require('fs');
  const { Worker } = require('worker_threads');
  const { once } = require('events');
  const fdCount = () => fs.readdirSync('/proc/self/fd').length - 1;
  const gcSettle = async () => { for (let i = 0; i < 10; i++) { gc(); await new Promise((r) => setImmediate(r)); } };
  // Node opens a descriptor of its own the first time the process starts a
  // worker (for standard input, when it is /dev/null or a pipe): start one
  // before counting.
  const warmUp = async () => { const w = new Worker('', { eval: true }); await once(w, 'exit'); await gcSettle(); };
  const worker = (source) => {
    const w = new Worker(\`const sysix = require(\${JSON.stringify(sysixRoot)}); \${source}\`, { eval: true });
    w.exited = once(w, 'exit');
    return w;
  };
`

function run<T>(script: string, env: NodeJS.ProcessEnv = {}): T {
  return inChild<T>(`${PRELUDE} (async () => { ${script} })().catch((e) => { console.error(e); process.exit(1) });`, {
    nodeArgs: ['--expose-gc', '--no-warnings'],
    env: { ...process.env, ...env },
    timeout: 60_000,
  })
}

test('descriptors a worker still owns when it exits are closed', (t) => {
  const result = run<{ before: number; during: number; after: number }>(`
    await warmUp();
    const before = fdCount();
    const w = worker(\`
      const keep = [];
      for (let i = 0; i < 50; i++) keep.push(sysix.pipe(), sysix.FileId.fromPath('/'), sysix.dupStdout());
      const { parentPort } = require('worker_threads');
      parentPort.postMessage(keep.length);
      // Alive until counted: then it ends, still owning all of them.
      parentPort.once('message', () => parentPort.close());
    \`);
    const [made] = await once(w, 'message');
    const during = fdCount();
    w.postMessage('exit');
    await w.exited;
    await gcSettle();
    report({ before, during, after: fdCount(), made });
  `)
  t.true(result.during - result.before >= 200, 'each of 50 rounds held 4 descriptors')
  t.is(result.after, result.before, 'all closed when the worker exited')
})

test('fs/promises FileHandles are the yardstick: Node closes them at worker exit too', (t) => {
  const dir = tempDir(t)
  writeFileSync(join(dir, 'f'), '')
  const result = run<{ before: number; after: number }>(`
    await warmUp();
    const before = fdCount();
    const w = worker(\`
      (async () => {
        const keep = [];
        for (let i = 0; i < 50; i++) keep.push(await require('fs/promises').open(\${JSON.stringify(${JSON.stringify(join(dir, 'f'))})}));
        keep.push(sysix.pipe());
        require('worker_threads').parentPort.postMessage('ready');
      })();
    \`);
    await once(w, 'message');
    await w.terminate();
    await gcSettle();
    report({ before, after: fdCount() });
  `)
  t.is(result.after, result.before)
})

test('a worker terminated while its Promise call waits for the pool: the call finishes on its file, then all is closed', (t) => {
  const dir = tempDir(t)
  const file = join(dir, 'file')
  writeFileSync(file, '')
  const result = run<{ before: number; after: number; sentinel: boolean; mtime: string }>(
    `${poolHolder(dir)}
     await warmUp();
     const sentinel = fs.openSync(${JSON.stringify(file)}, 'r');
     const identity = fs.fstatSync(sentinel, { bigint: true }).ino;
     const before = fdCount();
     holdPool();
     const w = worker(\`
       const owned = sysix.OwnedFd.fromRaw(require('fs').openSync(\${JSON.stringify(${JSON.stringify(file)})}, 'r'));
       const keep = [sysix.pipe(), sysix.pipe()];
       sysix.setFileTimes(owned, { mtime: 77n });
       owned.close();
       require('worker_threads').parentPort.postMessage('queued');
     \`);
     await once(w, 'message');
     const terminated = w.terminate();
     await new Promise((r) => setTimeout(r, 50));
     await releasePool();
     await terminated;
     await gcSettle();
     report({
       before, after: fdCount(),
       sentinel: fs.fstatSync(sentinel, { bigint: true }).ino === identity,
       mtime: String(fs.statSync(${JSON.stringify(file)}, { bigint: true }).mtimeNs),
     });`,
    { UV_THREADPOOL_SIZE: '1' },
  )
  t.is(result.mtime, '77', 'the queued call ran on the file it was given')
  t.is(result.after, result.before, 'the lease ended, and then its descriptor and the pipes were closed')
  t.true(result.sentinel, 'a descriptor sysix did not own is untouched')
})

test('one owner per descriptor in the whole process; intoRaw moves one between threads', (t) => {
  const result = run<{ refused: string; moved: boolean; readBack: string }>(`
    const w = worker(\`
      const { parentPort } = require('worker_threads');
      const p = sysix.pipe();
      parentPort.postMessage({ held: p.reader.fd });
      parentPort.once('message', () => {
        require('fs').writeSync(p.writer.fd, 'across threads');
        p.writer.close();
        parentPort.postMessage({ moved: p.reader.intoRaw() });
      });
    \`);
    const [{ held }] = await once(w, 'message');
    let refused = 'no';
    try { sysix.OwnedFd.fromRaw(held) } catch (e) { refused = e.code }
    w.postMessage('go');
    const [{ moved }] = await once(w, 'message');
    const mine = sysix.OwnedFd.fromRaw(moved);
    await w.exited;
    const buffer = Buffer.alloc(64);
    const n = fs.readSync(mine.fd, buffer);
    mine.close();
    report({ refused, moved: moved === held, readBack: buffer.subarray(0, n).toString() });
  `)
  t.is(result.refused, 'ERR_INVALID_ARG_VALUE', "the worker's descriptor cannot get a second owner")
  t.true(result.moved)
  t.is(result.readBack, 'across threads', 'the worker exiting did not close what it gave away')
})

test("fromRaw of an fs.openSync descriptor in a worker: Node's exit-time close never hits the number's next owner", (t) => {
  const dir = tempDir(t)
  const file = join(dir, 'file')
  const other = join(dir, 'other')
  writeFileSync(file, '')
  writeFileSync(other, '')
  const result = run<{ warnings: string[]; stillOpen: boolean; same: boolean; differs: boolean }>(`
    await warmUp();
    const warnings = [];
    process.on('warning', (w) => warnings.push(w.message));
    const w = worker(\`
      const fs = require('fs');
      const { parentPort } = require('worker_threads');
      const n = fs.openSync(\${JSON.stringify(${JSON.stringify(file)})}, 'r');
      const owned = sysix.OwnedFd.fromRaw(n);
      const differs = owned.fd !== n;
      owned.close();
      parentPort.postMessage({ n, differs });
      parentPort.once('message', () => parentPort.close());
    \`);
    const [{ n, differs }] = await once(w, 'message');
    // The lowest free numbers go first: this takes the worker's, if free.
    const mine = fs.openSync(${JSON.stringify(other)}, 'r');
    const ino = fs.fstatSync(mine, { bigint: true }).ino;
    w.postMessage('exit');
    await w.exited;
    let stillOpen = true;
    let same = false;
    try { same = fs.fstatSync(mine, { bigint: true }).ino === ino } catch { stillOpen = false }
    report({ warnings, stillOpen, same, differs });
  `)
  t.true(result.differs, 'the OwnedFd holds a duplicate; Node closed and forgot the number it opened')
  t.true(result.stillOpen && result.same, 'the file that took a number later is untouched by the worker exiting')
  t.deepEqual(result.warnings, [], 'Node saw every descriptor it opened closed through it')
})

test('the addon loads in many worker threads at once and in the main thread', (t) => {
  const result = run<{ counts: number[]; main: number }>(`
    const workers = Array.from({ length: 8 }, (_, i) => worker(\`
      const p = sysix.pipe();
      require('fs').writeSync(p.writer.fd, 'x');
      sysix.fileTimes(p.reader).then((times) => {
        p.reader.close(); p.writer.close();
        require('worker_threads').parentPort.postMessage(sysix.cpuCount() + (typeof times.mtimeNs === 'bigint' ? 0 : 1000));
      });
    \`));
    const counts = await Promise.all(workers.map(async (w) => (await once(w, 'message'))[0]));
    await Promise.all(workers.map((w) => w.exited));
    report({ counts, main: sysix.cpuCount() });
  `)
  t.deepEqual(
    result.counts,
    result.counts.map(() => result.main),
  )
})

test('stress: 8 workers own, lend, move, abandon and close descriptors while the main thread collects; nothing leaks, nothing foreign is closed', (t) => {
  const dir = tempDir(t)
  const file = join(dir, 'file')
  writeFileSync(file, 'data')
  const result = run<{ before: number; after: number; sentinels: boolean; adopted: number; errors: string[] }>(`
    await warmUp();
    const sentinels = Array.from({ length: 8 }, () => fs.openSync(${JSON.stringify(file)}, 'r'));
    const identities = sentinels.map((fd) => fs.fstatSync(fd, { bigint: true }).ino);
    const before = fdCount();
    let adopted = 0;
    const errors = [];
    process.on('warning', (w) => errors.push('warning: ' + w.message));
    const workers = Array.from({ length: 8 }, (_, index) => {
      const w = worker(\`
        const fs = require('fs');
        const { parentPort } = require('worker_threads');
        const abandoned = [];
        const lingering = \${index >= 4};
        (async () => {
          for (let i = 0; i < 400; i++) {
            const p = sysix.pipe();
            const copy = p.reader.dup();
            sysix.pipeCapacity(copy.borrow());
            const owned = sysix.OwnedFd.fromRaw(fs.openSync(\${JSON.stringify(${JSON.stringify(file)})}, 'r'));
            const pending = sysix.fileTimes(owned);
            owned.close();
            await pending;
            if (i % 3 === 0) abandoned.push(p.writer); else p.writer.close();
            if (i % 5 === 0) parentPort.postMessage(p.reader.intoRaw()); else p.reader.close();
            if (i % 7 === 0) sysix.OwnedFd.fromRaw(copy.intoRaw()).close(); else copy.close();
            if (i % 11 === 0) abandoned.push(sysix.FileId.fromPath('/'));
          }
          if (lingering) {
            // Still holding what it abandoned, with calls in flight, until terminated.
            for (const fd of abandoned.slice(0, 20)) sysix.fileTimes(fd).catch(() => {});
            setInterval(() => {}, 1000);
          }
          parentPort.postMessage('done');
        })().catch((e) => parentPort.postMessage('error: ' + e.stack));
      \`);
      w.done = new Promise((resolve) => w.on('message', (message) => {
        if (typeof message === 'number') {
          try {
            sysix.OwnedFd.fromRaw(message).close();
            adopted++;
          } catch (e) {
            errors.push('adopting ' + message + ': ' + e.message);
          }
        } else {
          if (message !== 'done') errors.push(message);
          resolve();
        }
      }));
      return w;
    });
    const collector = setInterval(() => gc(), 5);
    // Half the workers finish and exit; the other half are terminated while
    // they still hold descriptors and have calls in flight.
    await Promise.all(workers.map((w) => w.done));
    await Promise.all(workers.slice(4).map((w) => w.terminate()));
    await Promise.all(workers.map((w) => w.exited));
    clearInterval(collector);
    await gcSettle();
    report({
      before, after: fdCount(), adopted, errors,
      sentinels: sentinels.every((fd, i) => fs.fstatSync(fd, { bigint: true }).ino === identities[i]),
    });
  `)
  t.deepEqual(result.errors, [])
  t.is(result.adopted, 8 * 80, 'the main thread adopted every descriptor the workers gave up')
  t.true(result.sentinels, 'every descriptor sysix did not own still names its file')
  t.is(result.after, result.before, 'the descriptor count is back where it started')
})
