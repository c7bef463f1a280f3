// Reading an ELF shared object with readelf (binutils, which reads every
// machine): its header, the libraries and symbol versions it needs, its
// dynamic symbols, and the glibc floor those give. check.mjs checks built
// addons with it; pack.mjs refuses to pack one above its promised floor.

import { aptInstall, capture, have } from './tools.mjs'

/** Compares dotted versions ('2.2.5' < '2.17'). */
export function compareVersions(a, b) {
  const x = a.split('.').map(Number)
  const y = b.split('.').map(Number)
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0)
    if (d !== 0) return d
  }
  return 0
}

/** What readelf says of an ELF shared object. */
export function readElf(file) {
  if (!have('readelf')) aptInstall(['binutils'])
  const header = capture('readelf', ['-h', '-W', file])
  const field = (name) => header.match(new RegExp(`^\\s*${name}:\\s*(.*)$`, 'm'))?.[1].trim()
  const dynamic = capture('readelf', ['-d', '-W', file])
  const needed = [...dynamic.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1])
  // Version needs: index -> { file, name }, from the .gnu.version_r section.
  const versions = new Map()
  let file_ = null
  for (const line of capture('readelf', ['-V', '-W', file]).split('\n')) {
    const fileMatch = line.match(/Version: \d+\s+File: (\S+)\s+Cnt:/)
    if (fileMatch) file_ = fileMatch[1]
    const nameMatch = line.match(/Name: (\S+)\s+Flags: (\S+(?: \S+)*?)\s+Version: (\d+)/)
    if (nameMatch && file_ !== null)
      versions.set(Number(nameMatch[3]), { file: file_, name: nameMatch[1], weak: /WEAK/.test(nameMatch[2]) })
  }
  const symbols = []
  for (const line of capture('readelf', ['--dyn-syms', '-W', file]).split('\n')) {
    // "  12: 0000000000000000     0 FUNC    GLOBAL DEFAULT  UND memcpy@GLIBC_2.14 (3)"
    // (ppc64 ELFv2 and aarch64 add a bracketed field after the visibility:
    // "[<localentry>: 8]", "[VARIANT_PCS]".)
    const m = line.match(/^\s*\d+:\s+[0-9a-f]+\s+\d+\s+(\w+)\s+(\w+)\s+\w+\s+(?:\[[^\]]*\]\s+)?(\w+)\s+(\S+)(?:\s+\((\d+)\))?/)
    if (!m || m[4] === '') continue
    const [, type, bind, ndx, full, index] = m
    const [name, version] = full.split(/@+/)
    symbols.push({ type, bind, defined: ndx !== 'UND', name, version: version ?? null, index: index === undefined ? null : Number(index) })
  }
  return {
    class: field('Class'),
    data: field('Data'),
    machine: field('Machine'),
    flags: field('Flags'),
    needed,
    versions: [...versions.values()],
    versionFile: (index) => versions.get(index)?.file ?? null,
    symbols,
  }
}

/** The highest GLIBC_ version among the version needs, or null. */
export function glibcFloor(elf) {
  return elf.versions
    .filter((v) => v.name.startsWith('GLIBC_') && /^GLIBC_[\d.]+$/.test(v.name))
    .map((v) => v.name.slice('GLIBC_'.length))
    .reduce((max, v) => (max === null || compareVersions(v, max) > 0 ? v : max), null)
}
