#!/usr/bin/env node
// `node scripts/cross/check.mjs <rust-triple>`: checks a built addon,
// dist/sysix.<platform>.node, without running it (build.mjs runs it too):
//
//   - its ELF header names the target's machine and class;
//   - it needs only the C runtime: every NEEDED library is libc, libm, libdl,
//     libpthread, librt, libgcc_s or the dynamic loader;
//   - every undefined dynamic symbol is either Node-API (`napi_*`, which
//     Node itself provides, hence unversioned) or versioned by one of those
//     libraries (so the dynamic linker can check it) - nothing from libuv,
//     V8, libstdc++, or an unversioned symbol that would bind to anything.
//     Two exceptions, both weak: the C start files' hooks (__gmon_start__,
//     _ITM_*), and the few glibc functions newer than the floor that Rust's
//     std calls only when present (statx, getrandom, ...: LIBC_WEAK);
//   - it exports napi_register_module_v1, the entry Node looks for, and
//     the same entry points as the host (x86_64) build, when there is one;
//   - the highest GLIBC_ version it needs (its glibc floor) is printed, and
//     must be at most the floor the target's package promises (`glibc`).
//
// musl has no symbol versions: there, unversioned symbols are accepted when
// the C library is the only one needed. Prints each finding; exits 1 on any
// violation and records the result in target/cross/<triple>.check.json.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

import { packageRoot } from './source.mjs'
import { ROOT, target, targetFromArgv } from './targets.mjs'
import { compareVersions, glibcFloor, readElf } from './elf.mjs'
import { log } from './tools.mjs'

/** The runtime libraries an addon may need (by soname). */
const RUNTIME =
  /^(libc\.so\.6|libm\.so\.6|libdl\.so\.2|libpthread\.so\.0|librt\.so\.1|libgcc_s\.so\.1|ld-linux[-\w.]*\.so\.\d|ld64\.so\.[12]|ld\.so\.1|libc\.so|libc\.musl-[\w.]+\.so\.1|ld-musl-[\w.]+\.so\.1)$/

/** Undefined symbols the C runtime's start files reference weakly and never require. */
const CRT_WEAK = new Set(['__gmon_start__', '_ITM_deregisterTMCloneTable', '_ITM_registerTMCloneTable', '_Jv_RegisterClasses'])

/**
 * glibc functions Rust's std references weakly, calling them only when the
 * running glibc has them (else a raw syscall or another fallback), with the
 * glibc release that added them. Linked against an older glibc (zig's
 * `.2.17`) they cannot carry a version, so they stay weak and unversioned:
 * accepted for these names only, and only when weak.
 */
const LIBC_WEAK = new Map([
  ['__cxa_thread_atexit_impl', '2.18'],
  ['getrandom', '2.25'],
  ['copy_file_range', '2.27'],
  ['statx', '2.28'],
  ['gettid', '2.30'],
])

/** The names a .node exports (defined, global or weak, not local). */
function exportsOf(elf) {
  return elf.symbols.filter((s) => s.defined && s.bind !== 'LOCAL' && s.name !== '').map((s) => s.name)
}

/**
 * The names the binding gives JavaScript (its functions, classes, enums and
 * constants), from the generated binding.d.ts.
 */
function bindingNames() {
  const typings = readFileSync(join(packageRoot(), 'binding.d.ts'), 'utf8')
  return [...typings.matchAll(/^export declare (?:function|class|const enum|enum|const) (\w+)/gm)].map((m) => m[1])
}

/** Checks dist/sysix.<platform>.node for `t`; prints the findings and returns them. */
export function check(t, file = join(packageRoot(), 'dist', `sysix.${t.platform}.node`)) {
  const problems = []
  const warnings = []
  if (!existsSync(file)) {
    console.error(`[cross] ${file} does not exist: run npm run build:cross -- ${t.triple}`)
    return { ok: false, problems: ['not built'] }
  }
  log(`checking ${file}`)
  const elf = readElf(file)
  console.log(`  ELF: ${elf.class}, ${elf.data}, machine ${elf.machine}, flags ${elf.flags}`)
  if (elf.machine !== t.elfMachine) problems.push(`ELF machine is "${elf.machine}", not "${t.elfMachine}"`)
  if (elf.class !== t.elfClass) problems.push(`ELF class is ${elf.class}, not ${t.elfClass}`)

  console.log(`  NEEDED: ${elf.needed.join(', ') || '(none)'}`)
  for (const lib of elf.needed) {
    if (!RUNTIME.test(lib)) problems.push(`needs ${lib}, which is not part of the C runtime`)
  }

  const undefinedSymbols = elf.symbols.filter((s) => !s.defined)
  const napi = undefinedSymbols.filter((s) => s.name.startsWith('napi_'))
  const lateWeak = []
  for (const s of undefinedSymbols) {
    if (s.name.startsWith('napi_')) {
      if (s.version !== null) problems.push(`${s.name} is versioned (${s.version}): Node-API symbols come unversioned from Node`)
      continue
    }
    if (s.version === null) {
      if (s.bind === 'WEAK' && CRT_WEAK.has(s.name)) continue
      if (s.bind === 'WEAK' && LIBC_WEAK.has(s.name)) {
        lateWeak.push(`${s.name} (glibc ${LIBC_WEAK.get(s.name)})`)
        continue
      }
      if (t.musl && elf.needed.every((lib) => RUNTIME.test(lib))) continue // musl has no symbol versions
      problems.push(`undefined ${s.bind.toLowerCase()} symbol ${s.name} has no version: it would bind to any library`)
      continue
    }
    const from = s.index === null ? null : elf.versionFile(s.index)
    if (from === null || !RUNTIME.test(from)) problems.push(`${s.name}@${s.version} comes from ${from ?? 'an unknown library'}`)
  }
  console.log(`  imports: ${napi.length} Node-API functions, ${undefinedSymbols.length - napi.length} from the C runtime`)
  if (lateWeak.length > 0) console.log(`  weak, unversioned, used only if the running glibc has them: ${lateWeak.join(', ')}`)

  const exported = exportsOf(elf)
  console.log(`  exports: ${exported.join(', ')}`)
  if (!exported.includes('napi_register_module_v1')) problems.push('napi_register_module_v1 is not exported: Node cannot load it')
  // napi-rs registers each export under a NUL-terminated name in the
  // addon's data: every name binding.d.ts declares must be there, also on
  // targets where no Node can load the addon to list them.
  const bytes = readFileSync(file)
  const names = bindingNames()
  const unregistered = names.filter((name) => bytes.indexOf(`${name}\0`) < 0)
  if (unregistered.length > 0) problems.push(`binding names missing from the addon: ${unregistered.join(', ')}`)
  else console.log(`  registers all ${names.length} names binding.d.ts declares`)
  // The same source on every target: entry points and Node-API imports
  // should match the host build's (a stale host build can differ: a warning).
  const reference = join(packageRoot(), 'dist', `sysix.${target('x86_64-unknown-linux-gnu').platform}.node`)
  if (t.platform !== 'linux-x64-gnu' && existsSync(reference)) {
    const host = readElf(reference)
    const diff = (a, b) => a.filter((x) => !b.includes(x))
    const hostNapi = host.symbols.filter((s) => !s.defined && s.name.startsWith('napi_')).map((s) => s.name)
    const napiNames = napi.map((s) => s.name)
    for (const [what, list] of [
      ['exports missing here but in the x64 build', diff(exportsOf(host), exported)],
      ['exports here but not in the x64 build', diff(exported, exportsOf(host))],
      ['Node-API imports missing here but in the x64 build', diff(hostNapi, napiNames)],
      ['Node-API imports here but not in the x64 build', diff(napiNames, hostNapi)],
    ]) {
      if (list.length > 0) warnings.push(`${what}: ${list.join(', ')}`)
    }
    if (warnings.length === 0) console.log(`  same exports and Node-API imports as ${reference}`)
  }

  const floor = glibcFloor(elf)
  const weak = elf.versions.filter((v) => v.weak).map((v) => v.name)
  console.log(`  highest GLIBC_ version needed: ${floor ?? 'none'}${weak.length ? ` (weak: ${weak.join(', ')})` : ''}`)
  if (t.glibc !== null && floor !== null && compareVersions(floor, t.glibc) > 0) {
    problems.push(`glibc floor ${floor} exceeds the ${t.glibc} that ${t.platform} promises`)
  }

  for (const w of warnings) console.log(`  warning: ${w}`)
  for (const p of problems) console.log(`  PROBLEM: ${p}`)
  const ok = problems.length === 0
  log(`check ${t.triple}: ${ok ? 'OK' : `FAILED (${problems.length} problems)`}`)
  const result = {
    ok,
    triple: t.triple,
    machine: elf.machine,
    flags: elf.flags,
    needed: elf.needed,
    glibcFloor: floor,
    lateWeak,
    exports: exported,
    napiImports: napi.length,
    problems,
    warnings,
  }
  mkdirSync(join(ROOT, 'target', 'cross'), { recursive: true })
  writeFileSync(join(ROOT, 'target', 'cross', `${t.triple}.check.json`), `${JSON.stringify(result, null, 2)}\n`)
  return result
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exit(check(targetFromArgv('check.mjs')).ok ? 0 : 1)
}
