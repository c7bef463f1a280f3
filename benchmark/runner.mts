/**
 * The benchmark's own runner: contenders interleaved, so that a machine that
 * slows down or speeds up meanwhile (another build, a frequency change, a
 * noisy neighbour on a VM) moves every contender of a case alike.
 *
 * For each case: every contender is warmed up (batches doubling in length
 * up to `batchMs`, until `warmupMs` have passed and the last batch lasted a
 * quarter of `batchMs` or more), which also estimates its cost; then one iteration count K is chosen so
 * that the slowest contender's batch lasts about `batchMs`; then `rounds`
 * rounds, in each of which every contender runs one timed batch of K
 * iterations, in a new shuffled order. The result of each contender is the
 * median over rounds of ns per operation, with the spread kept. The C
 * floor is a contender too, its batches run by the C program (baseline.mts).
 *
 * Each contender's loop is compiled from its own numbered source
 * (`new Function`), so that its call site sees one function only: a loop
 * shared by every contender would be polymorphic, and slower for whichever
 * ran last.
 */

/** What a contender is: the figure it stands for in the report. */
export type Kind = 'sysix' | 'node' | 'koffi' | 'addon' | 'c'

/**
 * How a case's operation is timed:
 *   sync        K calls in a loop
 *   latency     K awaits one after another
 *   throughput  K times `await Promise.all` of `items` calls (ns per item)
 *   batch       K awaits of one call that does a whole batch (ns per batch)
 */
export type Mode = 'sync' | 'latency' | 'throughput' | 'batch'

export interface Contender {
  /** Its name within its case, for targets and JSON: `sysix`, `node`, `koffi`, `addon`, `all-sysix`, ... */
  id: string
  /** What it calls, as the report shows it. */
  name: string
  kind: Kind
  /** One operation; `i` numbers the items of a throughput batch (0 otherwise). */
  run: (i: number) => unknown
  /** A timed batch of its own instead (the C floor, timed by C): `k` repetitions, resolving to the ns they took. */
  batch?: (k: number) => Promise<number>
}

/** Nanoseconds per operation over the rounds. */
export interface Spread {
  median: number
  min: number
  max: number
  /** The first and third quartiles. */
  q1: number
  q3: number
}

export interface Settings {
  rounds: number
  warmupMs: number
  batchMs: number
  /** Calls per `Promise.all` in throughput mode. */
  items: number
}

export interface Measured {
  id: string
  ns: Spread
  /** K: operations (items, in throughput mode) per timed batch. */
  iterations: number
}

/** A timed batch: `k` repetitions, resolving to the elapsed nanoseconds. */
type Batch = (k: number) => number | Promise<number>

const LOOPS: Record<Mode, string> = {
  sync: 'return function (k) { const t = now(); for (let i = 0; i < k; i++) box.value = run(0); return Number(now() - t) }',
  latency: 'return async function (k) { const t = now(); for (let i = 0; i < k; i++) box.value = await run(0); return Number(now() - t) }',
  batch: 'return async function (k) { const t = now(); for (let i = 0; i < k; i++) box.value = await run(0); return Number(now() - t) }',
  throughput: `return async function (k) {
    const pending = new Array(items)
    const t = now()
    for (let j = 0; j < k; j++) {
      for (let i = 0; i < items; i++) pending[i] = run(i)
      box.value = await Promise.all(pending)
    }
    return Number(now() - t)
  }`,
}

/** Where each loop stores its results, so that no call's result can be optimized away. */
const box: { value: unknown } = { value: undefined }
let sources = 0

/** A loop of `run` of its own (see the file's comment). */
export function makeBatch(mode: Mode, run: (i: number) => unknown, items = 1): Batch {
  const source = `${LOOPS[mode]}\n// loop ${++sources}`
  return new Function('run', 'box', 'now', 'items', source)(run, box, process.hrtime.bigint, items) as Batch
}

/** Operations one unit of K stands for. */
const opsPer = (mode: Mode, items: number) => (mode === 'throughput' ? items : 1)

function shuffle<T>(array: T[]): T[] {
  const out = [...array]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[out[i], out[j]] = [out[j], out[i]]
  }
  return out
}

/** The quantile `q` of sorted values, interpolated. */
function quantile(sorted: number[], q: number): number {
  const at = (sorted.length - 1) * q
  const low = Math.floor(at)
  const high = Math.min(low + 1, sorted.length - 1)
  return sorted[low] + (sorted[high] - sorted[low]) * (at - low)
}

/** Median, extremes and quartiles of a sample. */
export function spreadOf(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b)
  return {
    median: quantile(sorted, 0.5),
    min: sorted[0],
    max: sorted[sorted.length - 1],
    q1: quantile(sorted, 0.25),
    q3: quantile(sorted, 0.75),
  }
}

/**
 * Warms a batch up and returns its estimated ns per unit of K: the least of
 * its batches that lasted 0.1 ms or more, as one slow batch (a collection,
 * a first call's set-up) must not make K small.
 */
async function warmUp(batch: Batch, settings: Settings): Promise<number> {
  const started = performance.now()
  let best = Number.POSITIVE_INFINITY
  for (let k = 1; ; ) {
    const elapsed = await batch(k)
    if (elapsed >= 1e5) best = Math.min(best, elapsed / k)
    if (performance.now() - started >= settings.warmupMs && elapsed >= (settings.batchMs * 1e6) / 4) {
      return Math.min(best, elapsed / k)
    }
    if (elapsed < settings.batchMs * 1e6) k *= 2
  }
}

/** Measures the contenders of one case, interleaved; results in the contenders' order. */
export async function measure(mode: Mode, contenders: Contender[], settings: Settings): Promise<Measured[]> {
  const batches = contenders.map((contender) => ({ contender, batch: contender.batch ?? makeBatch(mode, contender.run, settings.items) }))
  let slowest = 0
  for (const { batch } of batches) {
    slowest = Math.max(slowest, await warmUp(batch, settings))
  }
  const k = Math.max(1, Math.round((settings.batchMs * 1e6) / slowest))
  const ops = k * opsPer(mode, settings.items)
  const samples = new Map<string, number[]>(contenders.map(({ id }) => [id, []]))
  for (let round = 0; round < settings.rounds; round++) {
    for (const { contender, batch } of shuffle(batches)) {
      samples.get(contender.id)?.push((await batch(k)) / ops)
    }
  }
  box.value = undefined
  return contenders.map(({ id }) => ({ id, ns: spreadOf(samples.get(id) ?? []), iterations: ops }))
}
