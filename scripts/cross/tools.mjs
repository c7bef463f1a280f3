// Small helpers shared by the cross scripts: echoing and running commands,
// and installing Debian packages only when they are missing (so every
// script is safe to rerun and fast the second time).

import { spawn, spawnSync } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'

/** Prints one progress line, prefixed so it stands out among tool output. */
export function log(message) {
  console.log(`[cross] ${message}`)
}

function show(command, args, env) {
  const vars = Object.entries(env ?? {}).map(([key, value]) => `${key}=${value}`)
  return [...vars, command, ...args].map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`)).join(' ')
}

/**
 * Runs a command with its output shown, after printing it; `env` adds to
 * the environment. Throws on failure unless `allowFail`; returns the status.
 */
export function run(command, args, { env, cwd, allowFail = false, input } = {}) {
  console.log(`$ ${show(command, args, env)}`)
  const result = spawnSync(command, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: [input === undefined ? 'inherit' : 'pipe', 'inherit', 'inherit'],
    input,
  })
  const status = result.status ?? 128
  if (status !== 0 && !allowFail) {
    throw new Error(`${command} failed (${result.error?.message ?? `exit ${status}${result.signal ? `, ${result.signal}` : ''}`})`)
  }
  return status
}

/** Runs a command quietly and returns its standard output (throws on failure unless `allowFail`). */
export function capture(command, args, { env, cwd, allowFail = false } = {}) {
  const result = spawnSync(command, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 256 << 20 })
  if (result.status !== 0 && !allowFail) {
    throw new Error(`${show(command, args)} failed: ${result.error?.message ?? result.stderr.trim()}`)
  }
  return result.stdout ?? ''
}

/** Whether a command is on PATH. */
export function have(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0
}

const APT_ENV = { DEBIAN_FRONTEND: 'noninteractive' }
let aptUpdated = false

/** `apt-get update`, once per process (and again only when asked to). */
export function aptUpdate(force = false) {
  if (aptUpdated && !force) return
  // A flaky foreign-architecture index ("Mirror sync in progress?") must
  // not stop us: only the indexes we use matter, and apt says if they fail.
  run('apt-get', ['update', '-q'], { env: APT_ENV, allowFail: true })
  aptUpdated = true
}

/** The installed version of a Debian package (`name` or `name:arch`), or null. */
export function installedVersion(pkg) {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax, not JavaScript's
  const out = capture('dpkg-query', ['-W', '-f', '${db:Status-Status} ${Version}', pkg], { allowFail: true })
  const [status, version] = out.trim().split(' ')
  return status === 'installed' ? version : null
}

/**
 * Installs the Debian packages (`name` or `name=version`) that are not
 * installed at that version yet; without recommends, to stay small.
 */
export function aptInstall(packages) {
  const missing = packages.filter((spec) => {
    const [name, version] = spec.split('=')
    const have = installedVersion(name)
    return have === null || (version !== undefined && have !== version)
  })
  if (missing.length === 0) return
  log(`installing Debian packages: ${missing.join(' ')}`)
  const args = ['install', '-y', '-q', '--no-install-recommends', ...missing]
  if (!aptUpdated && run('apt-get', args, { env: APT_ENV, allowFail: true }) === 0) return
  aptUpdate()
  run('apt-get', args, { env: APT_ENV })
}

/**
 * Installs `packages` from Debian 12's backports suite (deb.debian.org, as
 * the rest), adding that suite to apt's sources first if need be; `minimum`
 * is the version (by dpkg's ordering) below which they are replaced.
 */
export function aptInstallBackports(packages, minimum) {
  const stale = packages.filter((name) => {
    const have = installedVersion(name)
    return have === null || compareDebianVersions(have, minimum) < 0
  })
  if (stale.length === 0) return
  const list = '/etc/apt/sources.list.d/bookworm-backports.list'
  if (!existsSync(list)) {
    log(`adding Debian's bookworm-backports to apt's sources (${list})`)
    writeFileSync(list, 'deb http://deb.debian.org/debian bookworm-backports main\n')
    aptUpdate(true)
  } else {
    aptUpdate()
  }
  log(`installing from bookworm-backports: ${stale.join(' ')}`)
  run('apt-get', ['install', '-y', '-q', '--no-install-recommends', '-t', 'bookworm-backports', ...stale], { env: APT_ENV })
}

/** Compares two Debian package versions as dpkg does: negative, zero or positive. */
export function compareDebianVersions(a, b) {
  const is = (op) => spawnSync('dpkg', ['--compare-versions', a, op, b]).status === 0
  return is('lt') ? -1 : is('eq') ? 0 : 1
}

/** Makes `arch` a dpkg foreign architecture (only so apt can download its packages; nothing of it is installed). */
export function addForeignArch(arch) {
  if (arch === capture('dpkg', ['--print-architecture']).trim()) return
  const foreign = capture('dpkg', ['--print-foreign-architectures']).split('\n')
  if (!foreign.includes(arch)) {
    run('dpkg', ['--add-architecture', arch])
    aptUpdate(true)
  }
}

/** Seconds since `start` (from `performance.now()`), to one decimal. */
export function seconds(start) {
  return Math.round((performance.now() - start) / 100) / 10
}

/**
 * Runs a command, echoing its output as it comes and also keeping it (and
 * writing it to `logFile`); resolves with the exit code and the output.
 */
export function runTee(command, args, { env, cwd, logFile } = {}) {
  console.log(`$ ${show(command, args, env)}`)
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    const take = (stream) => (chunk) => {
      stream.write(chunk)
      output += chunk
    }
    child.stdout.on('data', take(process.stdout))
    child.stderr.on('data', take(process.stderr))
    child.on('error', (error) => resolve({ code: 127, output: String(error) }))
    child.on('close', (code, signal) => {
      if (logFile) writeFileSync(logFile, output)
      resolve({ code: code ?? 128, signal, output })
    })
  })
}
