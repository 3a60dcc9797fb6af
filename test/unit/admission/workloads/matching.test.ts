/** Image references and remote URLs: parsing, normalising and matching (SPEC §11 matching rules). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  imageMatches,
  normaliseUrl,
  parseImage,
  closestNames,
} from '../../../../src/admission/workloads/index.ts';

const D = 'sha256:' + 'a'.repeat(64);
const E = 'sha256:' + 'b'.repeat(64);

test('parseImage: Docker Hub written out, tag defaulted only without a digest', () => {
  const table: [string, ReturnType<typeof parseImage>][] = [
    ['nginx', { repository: 'docker.io/library/nginx', tag: 'latest' }],
    ['nginx:1.27', { repository: 'docker.io/library/nginx', tag: '1.27' }],
    ['index.docker.io/acme/x:1', { repository: 'docker.io/acme/x', tag: '1' }],
    ['ghcr.io/acme/x:1.0', { repository: 'ghcr.io/acme/x', tag: '1.0' }],
    ['GHCR.IO/acme/x:1.0', { repository: 'ghcr.io/acme/x', tag: '1.0' }],
    ['localhost:5000/x', { repository: 'localhost:5000/x', tag: 'latest' }],
    [`ghcr.io/acme/x@${D}`, { repository: 'ghcr.io/acme/x', digest: D }],
    [`ghcr.io/acme/x:1.0@${D}`, { repository: 'ghcr.io/acme/x', tag: '1.0', digest: D }],
    ['ghcr.io/Acme/x:1', undefined],
    ['ghcr.io/acme/x@sha256:zz', undefined],
    ['', undefined],
    ['a b', undefined],
  ];
  for (const [ref, want] of table) assert.deepEqual(parseImage(ref), want, ref);
});

test('imageMatches: repository and tag, or a listed digest', () => {
  const p = (s: string) => parseImage(s)!;
  const table: [string, string, boolean][] = [
    ['ghcr.io/acme/x:1.0', 'ghcr.io/acme/x:1.0', true],
    ['ghcr.io/acme/x:1.1', 'ghcr.io/acme/x:1.0', false],
    ['ghcr.io/acme/y:1.0', 'ghcr.io/acme/x:1.0', false],
    ['docker.io/library/nginx', 'nginx:latest', true],
    [`ghcr.io/acme/x@${D}`, `ghcr.io/acme/x@${D}`, true],
    [`ghcr.io/acme/x@${D}`, `ghcr.io/acme/x@${E}`, false],
    [`ghcr.io/acme/x@${D}`, 'ghcr.io/acme/x:1.0', false],
    [`ghcr.io/acme/x:1.0@${D}`, 'ghcr.io/acme/x:1.0', true],
    [`ghcr.io/acme/x:1.0@${E}`, `ghcr.io/acme/x:1.0@${D}`, false],
  ];
  for (const [w, e, want] of table) assert.equal(imageMatches(p(w), p(e)), want, `${w} vs ${e}`);
});

test('normaliseUrl: host case, default port, fragment and trailing slash', () => {
  const table: [string, string | undefined][] = [
    ['https://MCP.Example.com:443/v1/sse', 'https://mcp.example.com/v1/sse'],
    ['https://mcp.example.com/v1/sse/', 'https://mcp.example.com/v1/sse'],
    ['https://mcp.example.com/v1/sse#x', 'https://mcp.example.com/v1/sse'],
    ['https://mcp.example.com', 'https://mcp.example.com/'],
    ['https://mcp.example.com/a%7eb', 'https://mcp.example.com/a%7eb'],
    ['http://mcp.example.com:80/x?q=1', 'http://mcp.example.com/x?q=1'],
    ['ftp://mcp.example.com/x', undefined],
    ['not a url', undefined],
  ];
  for (const [u, want] of table) assert.equal(normaliseUrl(u), want, u);
});

test('closestNames: closest first, only close ones unless all are asked for', () => {
  const names = ['fetch', 'github', 'gitlab', 'io.github.acme/fetcher', 'osv'];
  assert.deepEqual(closestNames('fecth', names), ['fetch']);
  assert.deepEqual(closestNames('fetche', names), ['fetch', 'io.github.acme/fetcher']);
  assert.deepEqual(closestNames('gitlb', names), ['gitlab', 'github']);
  assert.deepEqual(closestNames('zzzzzzzz', names, 3), ['fetch', 'github', 'gitlab']);
  assert.deepEqual(closestNames('osb', names, 10, true), [
    'osv',
    'fetch',
    'github',
    'gitlab',
    'io.github.acme/fetcher',
  ]);
});
