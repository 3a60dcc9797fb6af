import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const FIXTURES = resolve(import.meta.dirname, '../../fixtures');
export const fixtureText = (path: string) => readFileSync(resolve(FIXTURES, path), 'utf8');
export const fixture = (path: string) => JSON.parse(fixtureText(path)) as Record<string, unknown>;
