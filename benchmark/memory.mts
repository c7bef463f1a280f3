/**
 * The memory checks of the hot synchronous calls:
 *
 *   heap  JS-heap bytes allocated per call: after a full collection, the
 *         heap's used size before and after a loop of calls, plus whatever
 *         collections during the loop freed (v8.GCProfiler reports each),
 *         less the same measure of an empty loop; the `into` forms must
 *         allocate nothing.
 *   rss   the resident set after millions of calls (10 million by default),
 *         each reading taken after full collections and after a warm-up of
 *         up to a million calls. V8 grows and shrinks its heap as it sees
 *         fit, which moves the RSS by tens of MB with nothing leaked, so the
 *         change is split: the JS heap's committed pages, and what the calls
 *         retained, native memory (the RSS outside the JS heap) plus live JS
 *         objects; the target is on what they retained.
 *
 * `gc` comes from `--expose-gc`, set at run time (`v8.setFlagsFromString`)
 * and picked up from a new context, so no flag is needed on the command line.
 */

import { GCProfiler, getHeapStatistics, setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

import type { HotCall } from './cases.mjs'
import type { HeapResult, RssResult } from './results.mjs'
import { makeBatch } from './runner.mjs'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

type Loop = (k: number) => number

/** Bytes the loop of `calls` allocated in the JS heap, collections counted. */
function allocated(loop: Loop, calls: number): number {
  gc()
  const profiler = new GCProfiler()
  profiler.start()
  const before = getHeapStatistics().used_heap_size
  loop(calls)
  const after = getHeapStatistics().used_heap_size
  const freed = profiler
    .stop()
    .statistics.reduce((sum, { beforeGC, afterGC }) => sum + beforeGC.heapStatistics.usedHeapSize - afterGC.heapStatistics.usedHeapSize, 0)
  return after - before + freed
}

/** JS-heap bytes per call of `call`, over `calls` calls. */
export function heapPerCall(call: HotCall, calls: number): HeapResult {
  const loop = makeBatch('sync', call.run) as Loop
  const empty = makeBatch('sync', () => undefined) as Loop
  // Warm both up, twice the calls measured: the measure is of optimized
  // code, as a hot loop runs (unoptimized code allocates what escape
  // analysis later removes).
  loop(2 * calls)
  empty(2 * calls)
  const overhead = allocated(empty, calls)
  const bytes = Math.max(0, allocated(loop, calls) - overhead)
  return { id: call.id, call: call.call, calls, bytesPerCall: bytes / calls }
}

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 100) / 100

/** The resident set, the JS heap's committed pages and its live objects, after full collections. */
function footprint() {
  gc()
  gc()
  const heap = getHeapStatistics()
  return { rss: process.memoryUsage.rss(), committed: heap.total_physical_size, live: heap.used_heap_size }
}

/** The RSS before and after `calls` calls of `call`, and what of its change the calls retained. */
export function rssAfter(call: HotCall, calls: number): RssResult {
  const loop = makeBatch('sync', call.run) as Loop
  loop(Math.min(calls, 1_000_000))
  const start = footprint()
  const started = performance.now()
  loop(calls)
  const seconds = (performance.now() - started) / 1000
  const end = footprint()
  const native = end.rss - end.committed - (start.rss - start.committed)
  return {
    id: call.id,
    call: call.call,
    calls,
    seconds,
    startMb: mb(start.rss),
    endMb: mb(end.rss),
    growthMb: mb(end.rss - start.rss),
    heapMb: mb(end.committed - start.committed),
    retainedMb: mb(native + end.live - start.live),
  }
}
