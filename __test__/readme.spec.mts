// The README's examples, run: every ```js block is a complete program, run
// in a child Node process against this package installed as a user installs
// it, which must exit 0, print nothing on stderr and leave nothing behind in
// the temporary directory. Snippets that cannot run alone are ```ts or ```sh.

import { spawn } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

import test from 'ava'

import { ROOT, tempDir } from './helpers.mjs'

/** A fenced block of the README: its language, its code, and the heading it sits under. */
interface Block {
  lang: string
  code: string
  heading: string
  line: number
}

/** The fenced blocks of a Markdown text, each with the nearest heading above it (headings inside blocks do not count). */
function fencedBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n')
  const blocks: Block[] = []
  let heading = '(before any heading)'
  for (let i = 0; i < lines.length; i++) {
    const title = /^#{1,6} +(.*?)\s*$/.exec(lines[i])
    if (title) {
      heading = title[1]
      continue
    }
    const open = /^( *)(`{3,})([^`\s]*)/.exec(lines[i])
    if (!open) {
      continue
    }
    const [, indent, fence, lang] = open
    let end = i + 1
    while (end < lines.length && !new RegExp(`^ *${fence}\\s*$`).test(lines[end])) {
      end++
    }
    const code = lines
      .slice(i + 1, end)
      .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line))
      .join('\n')
    blocks.push({ lang, code, heading, line: i + 1 })
    i = end
  }
  return blocks
}

const README = readFileSync(join(ROOT, 'README.md'), 'utf8')

/**
 * How long one example may run: seconds natively, but an example that
 * starts a second Node takes a minute or more under qemu (each Node starts
 * in seconds there). One that hangs is still caught.
 */
const EXAMPLE_TIMEOUT_MS = 5 * 60_000
const EXAMPLES = fencedBlocks(README).filter((block) => block.lang === 'js')

/** Node's notes on experimental features, which are no failure of an example. */
function unexpectedStderr(stderr: string): string {
  return stderr
    .split('\n')
    .filter((line) => !/ExperimentalWarning/.test(line) && !/^\(Use `node --trace-warnings/.test(line))
    .join('\n')
    .trim()
}

function run(
  file: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ status: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: EXAMPLE_TIMEOUT_MS })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    child.on('error', reject)
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }))
  })
}

test('the README has runnable examples, one or more under each sysix/fs heading', (t) => {
  t.true(EXAMPLES.length >= 10)
  const fsHeadings = [...README.matchAll(/^### (sysix\/fs: .*?)\s*$/gm)].map((m) => m[1])
  t.true(fsHeadings.length >= 10, 'one example heading per area of sysix/fs')
  for (const heading of fsHeadings) {
    t.true(
      EXAMPLES.some((block) => block.heading === heading),
      `"${heading}" has a js example`,
    )
  }
  for (const block of EXAMPLES) {
    t.regex(block.code, /from 'sysix(\/fs)?'/, `the example at README.md:${block.line} uses sysix`)
  }
})

test("every link to a section (#anchor) names one of the README's headings, as GitHub makes their anchors", (t) => {
  // GitHub's anchors: lower case, punctuation but `-` and `_` dropped, spaces as `-`.
  const slug = (title: string) =>
    title
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-')
  const anchors = new Set(
    README.split('\n')
      .filter((line) => /^#{1,6} /.test(line))
      .map((line) => slug(line.replace(/^#+ +/, '').trim())),
  )
  const links = [...README.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1])
  t.true(links.length >= 10, 'the task index links to its examples')
  for (const link of links) {
    t.true(anchors.has(link), `#${link} is a heading`)
  }
})

test('fencedBlocks finds indented blocks and ignores headings inside blocks', (t) => {
  const blocks = fencedBlocks('# A\n```sh\n# not a heading\n```\n- item\n\n  ```js\n  x()\n  ```\n## B\n````js\n```\n````\n')
  t.deepEqual(
    blocks.map(({ lang, code, heading }) => ({ lang, code, heading })),
    [
      { lang: 'sh', code: '# not a heading', heading: 'A' },
      { lang: 'js', code: 'x()', heading: 'A' },
      { lang: 'js', code: '```', heading: 'B' },
    ],
  )
})

const seen = new Map<string, number>()
for (const block of EXAMPLES) {
  const count = (seen.get(block.heading) ?? 0) + 1
  seen.set(block.heading, count)
  const name = count === 1 ? block.heading : `${block.heading} (${count})`

  test(`README example: ${name}`, async (t) => {
    const dir = tempDir(t)
    mkdirSync(join(dir, 'node_modules'))
    symlinkSync(ROOT, join(dir, 'node_modules', 'sysix'))
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'readme-example', private: true, type: 'module' }))
    const tmp = join(dir, 'tmp')
    mkdirSync(tmp)
    writeFileSync(join(dir, 'example.mjs'), `${block.code}\n`)
    const result = await run(join(dir, 'example.mjs'), dir, { ...process.env, TMPDIR: tmp })
    const where = `README.md:${block.line}`
    t.is(result.signal, null, `${where} was killed:\n${result.stderr}`)
    t.is(result.status, 0, `${where} failed:\n${result.stderr}`)
    t.is(unexpectedStderr(result.stderr), '', `${where} wrote to stderr`)
    t.deepEqual(readdirSync(tmp), [], `${where} cleans up its temporary files`)
  })
}
