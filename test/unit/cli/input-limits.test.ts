/**
 * SPEC §18 "Bounded tools": `thv registry validate` and `migrate` refuse an input over the size or
 * document limits, and an alias bomb, with an error naming the file, instead of parsing on until the
 * V8 heap runs out (32 MB of `---\n` did, after 210 s). Run in-process through the real command tree.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../../src/cli/main.ts';
import { memoryIO } from '../../../src/cli/io.ts';
import { MAX_DOCUMENTS, MAX_INPUT_BYTES, MAX_TOTAL_BYTES } from '../../../src/cli/input-limits.ts';

const dir = mkdtempSync(join(tmpdir(), 'thv-limits-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

async function thv(args: string[], stdin = '') {
  const io = memoryIO(stdin);
  const code = await run(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

const ALIAS_BOMB = [
  'a: &a ["x","x","x","x","x","x","x","x","x"]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
  '',
].join('\n');

const big = file('big.yaml', `# ${'x'.repeat(MAX_INPUT_BYTES)}\n`);
const markers = file('markers.yaml', '---\n'.repeat(MAX_DOCUMENTS + 1));
const bomb = file('bomb.yaml', `kind: ConfigMap\n---\n${ALIAS_BOMB}`);
const fits = file('fits.yaml', '---\n'.repeat(MAX_DOCUMENTS - 1));

const cases: { name: string; args: string[]; stdin?: string; code: number; stderr: string }[] = [
  {
    name: 'validate: a file over the size limit',
    args: ['registry', 'validate', big],
    code: 1,
    stderr: `${big}: larger than 4 MiB (the limit per file); split it into smaller files\n`,
  },
  {
    name: 'validate: standard input over the size limit',
    args: ['registry', 'validate', '-'],
    stdin: 'a'.repeat(MAX_INPUT_BYTES + 1),
    code: 1,
    stderr: '<stdin>: larger than 4 MiB (the limit per file); split it into smaller files\n',
  },
  {
    name: 'validate: more documents than the limit (a file of `---`)',
    args: ['registry', 'validate', markers],
    code: 1,
    stderr: `${markers}: more than 1000 YAML documents (the limit per file); split it into smaller files\n`,
  },
  {
    name: 'validate: an alias bomb',
    args: ['registry', 'validate', bomb],
    code: 1,
    stderr: `${bomb}: document 2: more than 100 YAML alias expansions; refused as a possible alias bomb (expand the aliases in the file)\n`,
  },
  {
    name: 'migrate: a file over the size limit',
    args: ['registry', 'migrate', big],
    code: 1,
    stderr: `error: cannot migrate ${big}: larger than 4 MiB (the limit per file); split it into smaller files\n`,
  },
  {
    name: 'migrate: standard input over the size limit',
    args: ['registry', 'migrate', '-'],
    stdin: 'a'.repeat(MAX_INPUT_BYTES + 1),
    code: 1,
    stderr:
      'error: cannot migrate <stdin>: larger than 4 MiB (the limit per file); split it into smaller files\n',
  },
  {
    name: 'migrate: more documents than the limit',
    args: ['registry', 'migrate', markers],
    code: 1,
    stderr: `error: cannot migrate ${markers}: more than 1000 YAML documents (the limit per file); split it into smaller files\n`,
  },
  {
    name: 'migrate: an alias bomb',
    args: ['registry', 'migrate', bomb],
    code: 1,
    stderr: `error: ${bomb}: document 2: more than 100 YAML alias expansions; refused as a possible alias bomb (expand the aliases in the file)\n`,
  },
];

for (const c of cases)
  test(`bounded tools: ${c.name}`, async () => {
    const r = await thv(c.args, c.stdin);
    assert.equal(r.code, c.code, r.stderr);
    assert.ok(r.stderr.startsWith(c.stderr), `stderr:\n${r.stderr}`);
  });

test('bounded tools: a file just within the document limit is read', async () => {
  const r = await thv(['registry', 'validate', fits]);
  assert.equal(r.code, 0, r.stderr);
  const m = await thv(['registry', 'migrate', fits]);
  assert.equal(m.code, 0, m.stderr);
});

test('bounded tools: the run total, named for the command that stopped', async () => {
  // A file of exactly the per-file limit, named until the run holds more than the total: the next is not read.
  const full = file('full.yaml', `# ${'x'.repeat(MAX_INPUT_BYTES - 3)}\n`);
  const args = Array.from({ length: MAX_TOTAL_BYTES / MAX_INPUT_BYTES + 2 }, () => full);
  const v = await thv(['registry', 'validate', ...args]);
  assert.equal(v.code, 1, v.stderr);
  assert.ok(
    v.stderr.includes(
      `${full}: not read: the files before it already hold 64 MiB (the limit per run); validate fewer files at a time\n`,
    ),
    v.stderr,
  );
  const m = await thv(['registry', 'migrate', ...args]);
  assert.equal(m.code, 1, m.stderr);
  assert.equal(m.stdout, '');
  assert.ok(
    m.stderr.startsWith(
      `error: cannot migrate ${full}: not read: the files before it already hold 64 MiB (the limit per run); migrate fewer files at a time\n`,
    ),
    m.stderr,
  );
});
