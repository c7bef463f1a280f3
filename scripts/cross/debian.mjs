// A foreign architecture's Node from Debian, for a target npm has no Node
// for (riscv64): apt-get, with a configuration of its own (its own sources
// list, package lists, cache and status file, so the machine's apt is left
// as it is), downloads the `nodejs` package of a newer Debian release and
// every package it depends on; dpkg-deb unpacks them into a sysroot of their
// own, under target/cross-node/, which qemu then takes as its -L prefix
// (QEMU_LD_PREFIX). Nothing is installed on the machine.

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

import { ROOT } from './targets.mjs'
import { aptInstall, capture, compareDebianVersions, log, run } from './tools.mjs'

const NODE_DIR = join(ROOT, 'target', 'cross-node')

/** The keys Debian signs its releases with (debian-archive-keyring). */
const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg'

/** The oldest Node sysix supports: package.json's `engines.node` (`>=20.4.0`). */
function minimumNode() {
  const { engines } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
  return engines.node.replace(/^>=\s*/, '')
}

/**
 * Node from Debian's `release` for the target (`t.node`: `{ debian,
 * package }`), unpacked with its dependencies into a sysroot. Returns the
 * Node binary, the sysroot (for QEMU_LD_PREFIX) and the version unpacked.
 */
export function debianNode(t) {
  const { debian: release, package: name } = t.node
  const minimum = minimumNode()
  const dir = join(NODE_DIR, `debian-${release}-${t.debArch}`)
  const sysroot = join(dir, 'sysroot')
  const node = join(sysroot, 'usr', 'bin', 'node')
  const stamp = join(dir, 'version')
  if (existsSync(node) && existsSync(stamp)) {
    return { node, sysroot, version: readFileSync(stamp, 'utf8').trim() }
  }
  if (
    !existsSync(KEYRING) ||
    !capture('gpg', ['--no-default-keyring', '--keyring', KEYRING, '--list-keys'], { allowFail: true }).includes(`/${release})`)
  ) {
    aptInstall(['debian-archive-keyring', 'gnupg'])
  }
  rmSync(dir, { recursive: true, force: true })
  for (const sub of ['lists/partial', 'cache/archives/partial', 'debs', 'sysroot']) {
    mkdirSync(join(dir, sub), { recursive: true })
  }
  writeFileSync(
    join(dir, 'sources.list'),
    `deb [arch=${t.debArch} signed-by=${KEYRING}] http://deb.debian.org/debian ${release} main\n` +
      `deb [arch=${t.debArch} signed-by=${KEYRING}] http://deb.debian.org/debian ${release}-updates main\n`,
  )
  writeFileSync(join(dir, 'status'), '')
  const config = join(dir, 'apt.conf')
  writeFileSync(
    config,
    [
      `Dir::Etc::SourceList "${join(dir, 'sources.list')}";`,
      'Dir::Etc::SourceParts "/nonexistent";',
      `Dir::State::Lists "${join(dir, 'lists')}";`,
      `Dir::State::Status "${join(dir, 'status')}";`,
      `Dir::Cache "${join(dir, 'cache')}";`,
      `APT::Architecture "${t.debArch}";`,
      `APT::Architectures "${t.debArch}";`,
      // The downloads land in a directory only root may write.
      'APT::Sandbox::User "root";',
      // Only the package lists: no translations, no DEP-11 metadata.
      'Acquire::Languages "none";',
      'Acquire::IndexTargets::deb::DEP-11::DefaultEnabled "false";',
      'Acquire::IndexTargets::deb::DEP-11-icons::DefaultEnabled "false";',
      'Acquire::IndexTargets::deb::DEP-11-icons-hidpi::DefaultEnabled "false";',
      '',
    ].join('\n'),
  )
  const env = { APT_CONFIG: config }
  log(`fetching ${name}:${t.debArch} from Debian ${release} with a private apt configuration (${config})`)
  run('apt-get', ['update', '-q'], { env })
  const version = capture('apt-cache', ['policy', name], { env }).match(/Candidate: (\S+)/)?.[1]
  if (version === undefined || version === '(none)') {
    throw new Error(`Debian ${release} has no ${name} for ${t.debArch}`)
  }
  if (compareDebianVersions(version, minimum) < 0) {
    throw new Error(`Debian ${release}'s ${name} for ${t.debArch} is ${version}, below the ${minimum} sysix supports`)
  }
  // The package and what it depends on, recursively (pre-dependencies
  // included, recommendations not): `<name>` lines are virtual packages,
  // which a real one in the list provides.
  const closure = capture(
    'apt-cache',
    ['depends', '--recurse', '--no-recommends', '--no-suggests', '--no-conflicts', '--no-breaks', '--no-replaces', '--no-enhances', name],
    { env },
  )
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith(' ') && !line.startsWith('<'))
  const packages = [...new Set(closure)].sort()
  run('apt-get', ['download', '-q', ...packages], { env, cwd: join(dir, 'debs') })
  for (const deb of readdirSync(join(dir, 'debs')).filter((file) => file.endsWith('.deb'))) {
    run('dpkg-deb', ['-x', join(dir, 'debs', deb), sysroot])
  }
  // The release's /usr is merged: its loader is /lib/ld-linux-*.so.1,
  // which base-files' symlinks (not unpacked here) reach.
  for (const link of ['bin', 'lib', 'sbin']) {
    if (!existsSync(join(sysroot, link)) && existsSync(join(sysroot, 'usr', link))) {
      symlinkSync(join('usr', link), join(sysroot, link))
    }
  }
  rmSync(join(dir, 'debs'), { recursive: true, force: true })
  rmSync(join(dir, 'cache'), { recursive: true, force: true })
  if (!existsSync(node)) throw new Error(`${name} unpacked no ${node}`)
  writeFileSync(stamp, `${version}\n`)
  log(`unpacked ${packages.length} packages (${name} ${version}) into ${sysroot}`)
  return { node, sysroot, version }
}
