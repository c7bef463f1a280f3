#!/usr/bin/env node
// Completes binding.d.ts after `napi build` (npm run build:native). napi-rs
// writes the typings of what napi-derive declares (the objects calls return,
// `StatxSlot`, `VERSION`); every call is declared by `bindings!`, which
// napi-derive does not see, so this writes them from the binding's own
// table: the addon just built is loaded and asked (`bindingTable()`,
// `bindingChoices()`). One fact in one place: each parameter's TypeScript
// type is its Rust kind's (`Arg::ts`), each result's its `Output::ts`, and
// the unions of the choice lists are the lists the Rust `match`es use.
//
// The calls are declared as the TypeScript layer sees them through
// `lib/binding.ts`, which resolves descriptor arguments (`FdLike`) to their
// numbers, last, before each call.

import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const TYPINGS = join(ROOT, 'binding.d.ts')
const MARK = '// The calls, as `bindings!` declares them'

/** The addon `napi build` just wrote into dist/ (the newest, if there are several). */
function builtAddon() {
  const addons = readdirSync(join(ROOT, 'dist'))
    .filter((name) => /^sysix\..+\.node$/.test(name))
    .map((name) => join(ROOT, 'dist', name))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)
  if (addons.length === 0) {
    throw new Error('binding-typings: no dist/sysix.*.node: run napi build first')
  }
  return addons[0]
}

/** A doc comment, each line trimmed of the space rustdoc keeps after `///`. */
function jsdoc(doc, indent = '') {
  const lines = doc.split('\n').map((line) => line.replace(/^ /, '').trimEnd())
  while (lines.length > 0 && lines.at(-1) === '') {
    lines.pop()
  }
  if (lines.length === 0) {
    return ''
  }
  return `${indent}/**\n${lines.map((line) => `${indent} *${line ? ` ${line}` : ''}`).join('\n')}\n${indent} */\n`
}

const native = createRequire(import.meta.url)(builtAddon())
const out = [`${MARK} (scripts/binding-typings.mjs, from bindingTable()).`, "import type { FdLike } from './lib/fd'", '']
out.push(
  "/** The environment's scratch memory (`arg::Scratch`): what a synchronous call given `undefined` for its array fills, read from here at once. */",
  'export declare const scratch: ArrayBuffer',
  '',
)
for (const { name, names } of native.bindingChoices()) {
  out.push(`/** The names of the \`${name}\` choice; the binding takes the index of one. */`)
  out.push(`export type ${name} = ${names.map((n) => `'${n}'`).join(' | ')}`, '')
}
for (const binding of native.bindingTable()) {
  const params = binding.params.map((param) => `${param.name}: ${param.ts}`).join(', ')
  const returns = binding.form === 'sync' ? binding.returns : `Promise<${binding.returns}>`
  out.push(`${jsdoc(binding.doc)}export declare function ${binding.name}(${params}): ${returns}`, '')
}

const generated = readFileSync(TYPINGS, 'utf8')
const head = generated.includes(MARK) ? generated.slice(0, generated.indexOf(MARK)) : `${generated.trimEnd()}\n\n`
writeFileSync(TYPINGS, `${head}${out.join('\n')}`)
