/**
 * Checks Cedar policy text off the webhook's event loop (SPEC §13): on one worker thread
 * (cedar-worker.ts), each check with a deadline. A check past its deadline, or a worker whose
 * cedar-wasm failed, ends the thread (the checks waiting on it are answered `unchecked`, a warning, not a
 * refusal: another tenant's text may have been the slow one); the next check starts a new one. Answers are cached by the
 * text's digest (bounded), so re-applying an unchanged registry parses nothing.
 */
import { createHash } from 'node:crypto';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { BoundedCache } from '../registry/bounded-cache.ts';

export const CEDAR_CHECK_TIMEOUT_MS = 2_000;

type Reply = { id: number; error?: string; broken?: boolean };

const answer = (error: string | undefined) => (error === undefined ? {} : { invalid: error });

export class CedarChecker {
  private worker: Worker | undefined;
  private next = 1;
  private readonly waiting = new Map<number, (r: Reply) => void>();
  private readonly answers = new BoundedCache<string, string | undefined>({
    maxEntries: 1024,
    maxBytes: 4 << 20,
  });
  private readonly timeoutMs: number;

  constructor(timeoutMs = CEDAR_CHECK_TIMEOUT_MS) {
    this.timeoutMs = timeoutMs;
  }

  /**
   * `invalid`: Cedar's (or the bound's) message; `unchecked`: why no answer came (a deadline, a failed
   * thread: possibly another text's doing, so never a refusal); neither: valid.
   */
  async check(text: string): Promise<{ invalid?: string; unchecked?: string }> {
    const key = createHash('sha256').update(text).digest('hex');
    if (this.answers.has(key)) return answer(this.answers.get(key));
    const r = await this.ask(text);
    if (r.broken) {
      this.restart();
      return { unchecked: r.error ?? 'the policy checker failed' };
    }
    this.answers.set(key, r.error, 64 + (r.error?.length ?? 0));
    return answer(r.error);
  }

  close(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private restart(): void {
    const w = this.worker;
    this.worker = undefined;
    void w?.terminate();
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const ext = extname(fileURLToPath(import.meta.url));
    const w = new Worker(new URL(`./cedar-worker${ext}`, import.meta.url));
    w.unref();
    w.on('message', (r: Reply) => {
      const done = this.waiting.get(r.id);
      this.waiting.delete(r.id);
      done?.(r);
    });
    const fail = (message: string) => {
      if (this.worker === w) this.worker = undefined;
      for (const [id, done] of this.waiting) done({ id, error: message, broken: true });
      this.waiting.clear();
    };
    w.on('error', (e) => fail(`the policy checker failed: ${e.message}`));
    w.on('exit', () => fail('the policy checker stopped'));
    return (this.worker = w);
  }

  private ask(text: string): Promise<Reply> {
    const id = this.next++;
    const w = this.thread();
    return new Promise<Reply>((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        // The thread may be stuck in Cedar: end it; later checks get a new one.
        if (this.worker === w) this.restart();
        resolve({
          id,
          error: `Cedar did not finish checking them within ${this.timeoutMs / 1000} s`,
          broken: true,
        });
      }, this.timeoutMs);
      this.waiting.set(id, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      w.postMessage({ id, text });
    });
  }
}
