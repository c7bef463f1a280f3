// How every call reaches the binding: its descriptor arguments resolved
// last.
//
// The binding's table (`bindingTable()`, written by the Rust `bindings!`
// macro) says which parameters of each call are descriptors. Each such call
// is wrapped here: the modules of lib/ pass descriptors as the caller gave
// them (`OwnedFd`, `BorrowedFd`, `FileHandle`, number) together with every
// other argument already shaped into plain values, and the wrapper resolves
// the descriptors to numbers after all of that has run, just before the
// call. JavaScript evaluates every argument expression before it calls the
// wrapper, so the order cannot be got wrong: whatever caller code an
// argument runs (an options getter, a URL's `href`, an array element's
// getter) runs before any descriptor is resolved, and an `OwnedFd` closed by
// it is refused with `EBADF`, never sent to the kernel as a stale number.
// In the binding, descriptors are converted last too, and a Promise call
// holds what it uses (a lease or a duplicate) from then until it settles.

import type { BindingInfo } from '../binding'
import { resolveEarly, resolveLate } from './fd'

type Call = (...args: unknown[]) => unknown

/** How many parameters a call may have, and which may be descriptors. */
const MAX_PARAMS = 8
const MAX_DESCRIPTOR_POSITION = 2

/** What a wrapped call knows of itself, to be renamed ({@link named}). */
const ORIGIN = Symbol('sysix.call')

interface Origin {
  call: Call
  binding: BindingInfo
  atFdcwd: number
}

/** The first step for a parameter of `kind`, or `undefined` for a plain one. */
function earlyStep(kind: string, name: string, display: string, atFdcwd: number): ((value: unknown) => unknown) | undefined {
  switch (kind) {
    case 'plain':
      return undefined
    case 'dir':
      return (value) => (value === atFdcwd ? value : resolveEarly(value, kind, name, display))
    default:
      return (value) => resolveEarly(value, kind, name, display)
  }
}

/** The letters a wrapper names its parameters by (see {@link specialised}). */
const PARAM_NAMES = 'abcdefgh'

/** How many wrappers {@link specialised} has written: each source is unique. */
let written = 0

/**
 * A wrapper of `call` written for its own shape: exactly its parameters, its
 * descriptor steps, and a call site of its own. V8 keeps what it learns of a
 * call site (its target) per function literal, and shares one literal among
 * functions made from the same source text, so wrappers made from one
 * literal see every binding as their target and reach each through the slow
 * generic path (some 400 more instructions a call, measured with
 * callgrind); a literal of its own per wrapper (each source numbered) calls
 * its binding directly, as a plain `native.fooSync(...)` would. The source is
 * made only of the parameter letters above, the number and fixed text (no
 * name or value from the table or from a caller); the rest is passed in as
 * values. `undefined` where code generation from strings is refused (a
 * Content-Security-Policy, `--disallow-code-generation-from-strings`).
 */
function specialised(call: Call, steps: (((value: unknown) => unknown) | undefined)[], names: string[], display: string): Call | undefined {
  const letters = PARAM_NAMES.slice(0, names.length).split('')
  const resolved = steps.flatMap((step, i) => (step ? [i] : []))
  const source = [
    `// sysix wrapper ${written++}`,
    `return function wrapped(${letters.join(', ')}) {`,
    ...resolved.map((i) => `${letters[i]} = steps[${i}](${letters[i]});`),
    ...resolved.map((i) => `${letters[i]} = late(${letters[i]}, names[${i}], display);`),
    `return call(${letters.join(', ')}) }`,
  ].join('\n')
  try {
    return new Function('call', 'steps', 'late', 'names', 'display', source)(call, steps, resolveLate, names, display) as Call
  } catch (error) {
    if (error instanceof EvalError) {
      return undefined
    }
    throw error
  }
}

function wrap(call: Call, binding: BindingInfo, atFdcwd: number, display = binding.display): Call {
  const { params } = binding
  if (params.length > MAX_PARAMS || params.slice(MAX_DESCRIPTOR_POSITION + 1).some((p) => p.kind !== 'plain')) {
    throw new Error(`sysix: the binding's ${binding.name} has a shape lib/call.ts does not wrap`)
  }
  const steps = params.map((p) => earlyStep(p.kind, p.name, display, atFdcwd))
  const names = params.map((p) => p.name)
  const [e0, e1, e2] = steps
  const [n0, n1, n2] = names
  // The same steps in one shared literal, where no code may be generated.
  const wrapped: Call =
    specialised(call, steps, names, display) ??
    ((a, b, c, d, e, f, g, h) => {
      // Every first step, then every last one: a FileHandle's getter cannot
      // close an OwnedFd already resolved.
      if (e0) a = e0(a)
      if (e1) b = e1(b)
      if (e2) c = e2(c)
      if (e0) a = resolveLate(a, n0, display)
      if (e1) b = resolveLate(b, n1, display)
      if (e2) c = resolveLate(c, n2, display)
      return call(a, b, c, d, e, f, g, h)
    })
  Object.defineProperty(wrapped, ORIGIN, { value: { call, binding, atFdcwd } satisfies Origin })
  return wrapped
}

/**
 * The binding with each call that takes descriptors wrapped (see above);
 * calls that take none are the binding's own functions.
 */
export function withDescriptorsLast<T extends object>(raw: T, table: BindingInfo[], atFdcwd: number): T {
  const calls = { ...raw } as Record<string, unknown>
  for (const binding of table) {
    if (binding.params.some((param) => param.kind !== 'plain')) {
      calls[binding.name] = wrap(calls[binding.name] as Call, binding, atFdcwd)
    }
  }
  return calls as T
}

/**
 * `call` (a function of the wrapped binding) naming `display` in its errors
 * (`EBADF: bad file descriptor, fileTimesSync: the OwnedFd passed as
 * "target" is closed`), for a public function made on a call of another name.
 */
export function named<F>(call: F, display: string): F {
  const origin = (call as { [ORIGIN]?: Origin })[ORIGIN]
  return (origin ? wrap(origin.call, origin.binding, origin.atFdcwd, display) : call) as F
}
