// Garbage collection and long loops: descriptors and memory return to their
// baseline, unclosed descriptors are closed with a warning, and nothing is
// ever closed twice. Serial: these count the process's open descriptors.

import { closeSync, openSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setImmediate as tick } from 'node:timers/promises'

import test from 'ava'

import { FileId, OwnedFd, fileTimesSync, pipe, sameFileSync, setFileTimesSync } from 'sysix'
import { isOpen, openFdCount, tempDir } from './helpers.mjs'

const gc = globalThis.gc as () => void

/** Collects garbage until `done()` holds or time runs out. */
async function collectUntil(done: () => boolean): Promise<boolean> {
  for (let round = 0; round < 50 && !done(); round++) {
    gc()
    await tick()
  }
  return done()
}

function captureWarnings(t: { teardown: (fn: () => void) => void }): Error[] {
  const warnings: Error[] = []
  const listener = (warning: Error) => warnings.push(warning)
  process.on('warning', listener)
  t.teardown(() => process.off('warning', listener))
  return warnings
}

test.serial('an OwnedFd dropped unclosed is closed on GC with a warning', async (t) => {
  t.truthy(gc, 'the tests run with --expose-gc')
  const warnings = captureWarnings(t)
  const fds = ((): number[] => {
    const { reader, writer } = pipe()
    return [reader.fd, writer.fd]
  })()
  t.true(fds.every(isOpen))
  t.true(await collectUntil(() => !fds.some(isOpen)), 'both ends were closed')
  await tick()
  const ours = warnings.filter((w) => (w as Error & { code?: string }).code === 'SYSIX_UNCLOSED_FD')
  t.is(ours.length, 2)
  t.regex(ours[0].message, /^Closing file descriptor \d+ on garbage collection$/)
  t.regex((ours[0] as Error & { detail?: string }).detail ?? '', /^An OwnedFd was garbage-collected while still open\./)
})

test.serial('a closed OwnedFd is never closed again by GC, even after its number is reused', async (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'f')
  writeFileSync(path, '')
  const warnings = captureWarnings(t)
  let reused = -1
  let stale = -1
  ;(() => {
    const owned = OwnedFd.fromRaw(openSync(path, 'r'))
    stale = owned.fd
    owned.close()
    reused = openSync(path, 'r')
  })()
  t.is(reused, stale)
  gc()
  for (let i = 0; i < 20; i++) {
    gc()
    await tick()
  }
  t.true(isOpen(reused), 'the file that took the number is still open')
  t.is(warnings.length, 0)
  closeSync(reused)
})

test.serial('intoRaw disarms the GC close', async (t) => {
  const warnings = captureWarnings(t)
  const raw = ((): number => {
    const { reader, writer } = pipe()
    writer.close()
    return reader.intoRaw()
  })()
  for (let i = 0; i < 20; i++) {
    gc()
    await tick()
  }
  t.true(isOpen(raw))
  t.is(warnings.length, 0)
  closeSync(raw)
})

test.serial('descriptors and memory return to baseline after long loops', async (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'f')
  writeFileSync(path, '')
  const loops = 10_000
  const round = async (): Promise<void> => {
    for (let i = 0; i < loops; i++) {
      const { reader, writer } = pipe()
      reader.dup().close()
      writer.close()
      reader.close()
      const id = FileId.fromPath(path)
      id.close()
      sameFileSync(path, path)
      setFileTimesSync(path, { mtime: BigInt(i) })
      fileTimesSync(path)
      try {
        fileTimesSync(join(dir, 'missing'))
      } catch {
        // errors allocate JavaScript objects and Rust strings: they must be freed too
      }
    }
    // Native finalizers run after GC, from the event loop.
    await collectUntil(() => false)
  }
  // Warm up until the allocator's high-water mark is reached (JIT, lazily
  // allocated tables, objects awaiting finalization), then measure.
  for (let i = 0; i < 4; i++) {
    await round()
  }
  const fdsBefore = openFdCount()
  // Three windows of the same work: a leak grows memory in every one, by
  // the same amount; a one-off growth (a new allocator arena, qemu's cache
  // of translated code when emulated) shows in one window only. Native
  // memory is RSS less the JavaScript heap's reservation, which V8 grows and
  // keeps as it sees fit (Node 26 by tens of MiB while the live heap stays
  // flat); the live heap is `heapUsed`.
  const sample = () => {
    const { rss, heapTotal, heapUsed } = process.memoryUsage()
    return { native: rss - heapTotal, heap: heapUsed }
  }
  const samples = [sample()]
  for (let window = 0; window < 3; window++) {
    for (let i = 0; i < 4; i++) {
      await round()
    }
    samples.push(sample())
  }
  t.is(openFdCount(), fdsBefore)
  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`
  for (const kind of ['native', 'heap'] as const) {
    const growth = samples.slice(1).map((after, i) => after[kind] - samples[i][kind])
    t.log(`${kind} memory changed by ${growth.map(mib).join(', ')} over three windows of ${4 * loops} iterations`)
    // 4 MiB over 40,000 iterations: a leak of about 100 bytes per iteration
    // would pass that in every window; at most one may.
    const grown = growth.filter((bytes) => bytes >= 4 * 1024 * 1024)
    t.true(grown.length <= 1, `${kind} memory grew in ${grown.length} of three windows: ${growth.map(mib).join(', ')}`)
  }
})

test.serial('unclosed FileIds release their files on GC', async (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'f')
  writeFileSync(path, '')
  gc()
  const before = openFdCount()
  ;(() => {
    for (let i = 0; i < 1000; i++) {
      FileId.fromPath(path)
    }
  })()
  t.true(openFdCount() >= before + 1000)
  t.true(await collectUntil(() => openFdCount() <= before))
})
