// Writes every generated artifact (the CRD, the CRD reference) from the schema source.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { generatedArtifacts } from '../src/generate/artifacts.ts';

const root = resolve(import.meta.dirname, '..');
for (const [path, content] of Object.entries(generatedArtifacts())) {
  mkdirSync(dirname(resolve(root, path)), { recursive: true });
  writeFileSync(resolve(root, path), content);
  console.log(`wrote ${path}`);
}
