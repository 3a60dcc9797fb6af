/**
 * The thread that parses Cedar policy text for admission (cedar-check.ts): cedar-wasm is synchronous
 * and a 64 KiB text within the bounds can still cost it most of a second, which must never be the
 * webhook's event loop. One message in ({ id, text }), one out ({ id, error? }).
 */
import { parentPort } from 'node:worker_threads';
import { PolicyError, parsePolicies } from '../admission/api/cedar-policies.ts';

parentPort?.on('message', (m: { id: number; text: string }) => {
  try {
    parsePolicies(m.text);
    parentPort!.postMessage({ id: m.id });
  } catch (e) {
    // Anything but a PolicyError is cedar-wasm failing (a trap leaves it unusable): the parent replaces us.
    const broken = !(e instanceof PolicyError);
    parentPort!.postMessage({ id: m.id, error: (e as Error).message, broken });
  }
});
