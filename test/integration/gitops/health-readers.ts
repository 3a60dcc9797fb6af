/**
 * The health readers GitOps tools use, run for real on MCPRegistry objects: Argo CD's health check
 * (docs/argocd/mcpregistry-health.lua, on Lua 5.1 — the language of Argo CD's gopher-lua — from
 * Debian's lua5.1, installed by scripts/prereqs.sh) and kstatus (sigs.k8s.io/cli-utils, the library
 * behind Flux's health checks and cli-utils' apply, through the small Go program in test/kstatus).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../../..');
export const ARGO_HEALTH_SCRIPT = readFileSync(join(ROOT, 'docs/argocd/mcpregistry-health.lua'), 'utf8');

/** A JSON value as a Lua table constructor (strings byte-escaped, so any content is safe). */
export function luaLiteral(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (typeof v === 'string')
    return `"${[...Buffer.from(v, 'utf8')].map((b) => (b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c ? String.fromCharCode(b) : `\\${b}`)).join('')}"`;
  if (Array.isArray(v)) return `{${v.map(luaLiteral).join(', ')}}`;
  return `{${Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `[${luaLiteral(k)}] = ${luaLiteral(x)}`)
    .join(', ')}}`;
}

export interface ArgoHealth {
  status: string;
  message: string;
}

/** Runs the Argo CD health script with `obj` bound as Argo CD binds it. */
export function argoHealth(obj: unknown): ArgoHealth {
  const program = [
    `obj = ${luaLiteral(obj)}`,
    'local function health()',
    ARGO_HEALTH_SCRIPT,
    'end',
    'local hs = health()',
    // NUL-separated, so a message with newlines comes back whole.
    'io.write(hs.status, "\\0", hs.message or "")',
  ].join('\n');
  const out = execFileSync('lua5.1', ['-'], { input: program, encoding: 'utf8' });
  const [status = '', message = ''] = out.split('\0');
  return { status, message };
}

export interface KstatusResult {
  status: string;
  message: string;
  conditions: string[];
  error?: string;
}

let kstatusBin: string | undefined;

/** kstatus's computed status of each object (the program is built once into ~/.cache). */
export function kstatus(objects: unknown[]): KstatusResult[] {
  kstatusBin ??= execFileSync('bash', [join(ROOT, 'test/kstatus/build.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  const r = spawnSync(kstatusBin, [], {
    input: objects.map((o) => JSON.stringify(o)).join('\n'),
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`kstatus exited ${r.status}: ${r.stderr}`);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as KstatusResult);
}
