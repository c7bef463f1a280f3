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

/** The binding's choice lists, by name: the names a call takes the index of. */
export const choices: Readonly<Record<string, readonly string[]>> = Object.freeze(
  Object.fromEntries(raw.bindingChoices().map(({ name, names }) => [name, Object.freeze(names)])),
)
