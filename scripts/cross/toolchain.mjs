// Installs the cross toolchain pieces, each only if missing:
//
//   rustc      Debian's rustc-web 1.85 at /usr/bin/rustc, driven by the host
//              (rustup) cargo through RUSTC. Pinned: bookworm-security's 1.96
//              has no foreign std.
//   std        'debian': the target's prebuilt std, extracted from its .deb
//              into target/cross-std/ and linked into rustc's sysroot. It is
//              never apt-installed: that pulls the multiarch libc6:<arch>,
//              which then pairs with the cross ld.so under qemu and hangs or
//              crashes Node (notes: cross-build.md, pitfall 1), and it hits
//              version skew between architectures (liblzma5).
//              'build-std': rust-web-src, for cargo's -Zbuild-std.
//   gcc        Debian's cross gcc and the target's libc headers/crt files.
//   zig        ziglang + cargo-zigbuild from PyPI in a venv under target/,
//              to link against an old glibc (a low GLIBC_ floor).

import { existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'

import { ROOT, RUST_VERSION } from './targets.mjs'
import { addForeignArch, aptInstall, capture, have, log, run } from './tools.mjs'

export const RUSTC = '/usr/bin/rustc'
export const VENV = join(ROOT, 'target', 'cross-venv')
const STD_DIR = join(ROOT, 'target', 'cross-std')

/** Versions known to work with Debian's rustc 1.85 and std (checked here). */
const PYPI = ['ziglang==0.17.1', 'cargo-zigbuild==0.24.1']

/** Debian's rustc 1.85 with the host's (amd64) std, which build scripts and proc macros use. */
export function installRustc() {
  aptInstall([`rustc-web=${RUST_VERSION}`, `libstd-rust-web-dev=${RUST_VERSION}`, `libstd-rust-web-1.85=${RUST_VERSION}`])
  log(`rustc: ${capture(RUSTC, ['--version']).trim()} (sysroot ${capture(RUSTC, ['--print', 'sysroot']).trim()})`)
}

/** The std for `t`: linked into rustc's sysroot ('debian'), or its sources for -Zbuild-std. */
export function installStd(t) {
  if (t.std === 'build-std') {
    aptInstall([`rust-web-src=${RUST_VERSION}`])
    return
  }
  if (t.debArch === capture('dpkg', ['--print-architecture']).trim()) {
    return // the host std came with rustc-web
  }
  const sysroot = capture(RUSTC, ['--print', 'sysroot']).trim()
  const link = join(sysroot, 'lib', 'rustlib', t.triple)
  const extracted = join(STD_DIR, t.debArch)
  const libDir = join(extracted, 'usr', 'lib', 'rustlib', t.triple)
  const hasStd = () => existsSync(join(libDir, 'lib')) && readdirSync(join(libDir, 'lib')).some((f) => /^libstd-.*\.rlib$/.test(f))
  if (!hasStd()) {
    // apt can only download a foreign package once dpkg knows the
    // architecture; that installs nothing of it.
    addForeignArch(t.debArch)
    const debs = join(STD_DIR, 'debs')
    mkdirSync(debs, { recursive: true })
    const pkg = `libstd-rust-web-dev:${t.debArch}=${RUST_VERSION}`
    log(`downloading ${pkg} (not installing it)`)
    // As root into a folder _apt cannot write: say so, instead of apt warning.
    run('apt-get', ['download', '-o', 'APT::Sandbox::User=root', pkg], { cwd: debs })
    const deb = readdirSync(debs).find((f) => f.startsWith('libstd-rust-web-dev_') && f.endsWith(`_${t.debArch}.deb`))
    rmSync(extracted, { recursive: true, force: true })
    run('dpkg-deb', ['-x', join(debs, deb), extracted])
    if (!hasStd()) throw new Error(`${deb} has no std for ${t.triple} under usr/lib/rustlib/${t.triple}/lib`)
  }
  let current = null
  try {
    current = lstatSync(link).isSymbolicLink() ? readlinkSync(link) : 'a directory'
  } catch {
    // not there yet
  }
  if (current === libDir) return
  if (current === 'a directory') {
    log(`${link} is a real directory (installed by apt?): using it as it is`)
    return
  }
  if (current !== null) rmSync(link)
  log(`linking ${link} -> ${libDir}`)
  symlinkSync(libDir, link)
}

/** Debian's cross gcc for `t` (or musl-gcc), the linker of the fallback route. */
export function installGcc(t) {
  if (t.musl) {
    aptInstall(['musl-tools'])
    return 'musl-gcc'
  }
  if (t.qemu === null) {
    aptInstall(['gcc'])
    return 'gcc'
  }
  // libc6-dev-<arch>-cross: without recommends gcc lacks crti.o and friends.
  aptInstall([`gcc-${t.gnu}`, `libc6-dev-${t.debArch}-cross`])
  return `${t.gnu}-gcc`
}

/** A venv with zig and cargo-zigbuild; returns the PATH entry to put first. */
export function installZig() {
  const bin = join(VENV, 'bin')
  const installed = () => capture(join(bin, 'pip'), ['freeze'], { allowFail: true }).toLowerCase()
  if (!existsSync(join(bin, 'python'))) {
    if (run('python3', ['-m', 'venv', VENV], { allowFail: true }) !== 0) {
      // Debian's own python3 needs python3-venv for ensurepip.
      rmSync(VENV, { recursive: true, force: true })
      aptInstall(['python3-venv'])
      run('/usr/bin/python3', ['-m', 'venv', VENV])
    }
  }
  const freeze = installed()
  if (!PYPI.every((spec) => freeze.includes(spec.toLowerCase()))) {
    run(join(bin, 'pip'), ['install', '-q', ...PYPI])
  }
  if (!have(`${bin}/cargo-zigbuild`)) throw new Error('cargo-zigbuild did not install')
  return bin
}
