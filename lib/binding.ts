// The native binding, loaded once per JavaScript environment (main thread,
// worker thread) by `loader.ts`. Internal: the modules of `lib/` wrap it.

import { loadBinding } from './loader'
import { packageJson } from './package'

/** The native binding. */
export const native = loadBinding(packageJson)
