// The native binding, loaded once per JavaScript environment (main thread,
// worker thread) by `loader.ts`, with its calls that take descriptors
// wrapped by `call.ts` so that descriptors are resolved last. Internal: the
// modules of lib/ wrap it.

import { withDescriptorsLast } from './call'
import { loadBinding } from './loader'
import { packageJson } from './package'

const raw = loadBinding(packageJson)

/** The native binding. */
export const native = withDescriptorsLast(raw, raw.bindingTable(), raw.fsConstants().AT_FDCWD)

/**
 * The environment's scratch memory, as the arrays a synchronous call fills
 * when it is given `undefined` for one (the binding then skips finding a
 * typed array's memory): read it at once, before any other call.
 */
export const scratch = {
  i64: new BigInt64Array(raw.scratch),
  u64: new BigUint64Array(raw.scratch),
  i32: new Int32Array(raw.scratch, 0, raw.scratch.byteLength / 8),
  words: new Uint32Array(raw.scratch),
}

/** The binding's choice lists, by name: the names a call takes the index of. */
export const choices: Readonly<Record<string, readonly string[]>> = Object.freeze(
  Object.fromEntries(raw.bindingChoices().map(({ name, names }) => [name, Object.freeze(names)])),
)
