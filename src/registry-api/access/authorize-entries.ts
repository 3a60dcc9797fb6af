/**
 * Which entries of one catalog a caller may read (SPEC §13): the policies from a file (the mounted
 * ConfigMap key, reloaded when it changes), one Cedar decision per caller and entry class, cached per
 * catalog. Evaluating costs ~0.1 ms per call, so:
 *   - entries alike in every attribute the policies read share one evaluation (authorize-cedar.ts);
 *   - a caller's answer for a catalog is computed once and kept (bounded) until the next reload;
 *   - a long evaluation yields to the event loop every EVALUATIONS_PER_TURN calls, so a policy over
 *     names on 10,000 entries (~1 s once per caller and reload) never holds other requests.
 * Fail closed: while no valid policies were ever loaded every read is refused (`problem`); a later
 * invalid file keeps the last valid policies and is logged with Cedar's message.
 */
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Logger } from 'pino';
import { BoundedCache } from '../../registry/bounded-cache.ts';
import { CedarPolicies, principalEntity, type Caller, type EntryFacts } from './authorize-cedar.ts';

export const EVALUATIONS_PER_TURN = 200;
/** Callers remembered per catalog; a mask is one byte per entry. */
const CALLERS = { maxEntries: 1024, maxBytes: 64 * 1024 * 1024 };

export interface Visibility {
  /** 1 for each entry (in the order given) the caller may read. */
  mask: Uint8Array;
  allowed: number;
  /** The policies that decided anything for this caller (allowed or denied), at most 16. */
  policies: readonly string[];
}

export class EntryAuthorizer {
  private policies: CedarPolicies | undefined;
  private why: string | undefined = 'not loaded yet';
  private generation = 0;
  private readonly byCatalog = new WeakMap<object, BoundedCache<string, Promise<Visibility>>>();
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;

  private readonly file: string;
  private readonly log: Logger;

  constructor(file: string, log: Logger) {
    this.file = file;
    this.log = log;
  }

  /** Loads the file now and again whenever its directory changes (a ConfigMap volume flips a symlink). */
  start(): this {
    this.reload();
    try {
      this.watcher = watch(dirname(this.file), () => {
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.reload(), 200);
      });
    } catch (e) {
      this.log.warn({ err: (e as Error).message, file: this.file }, 'cannot watch the policy file');
    }
    return this;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.watcher?.close();
  }

  /** Why reads are refused: no valid policies were loaded. */
  get problem(): string | undefined {
    return this.policies ? undefined : `authorization policies not loaded: ${this.why}`;
  }

  get policyIds(): readonly string[] {
    return this.policies?.ids ?? [];
  }

  /** Parses `text` as the policies (exported for tests and for `reload`). */
  use(text: string): void {
    const p = CedarPolicies.parse(text);
    this.policies = p;
    this.why = undefined;
    this.generation++;
    this.log.info({ policies: p.ids, file: this.file }, 'authorization policies loaded');
  }

  reload(): void {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      this.fail(
        err.code === 'ENOENT'
          ? `${basename(this.file)} does not exist (is the ConfigMap there, with that key?)`
          : err.message,
      );
      return;
    }
    try {
      this.use(text);
    } catch (e) {
      this.fail((e as Error).message);
    }
  }

  private fail(why: string): void {
    if (!this.policies) this.why = why;
    this.log.error(
      { file: this.file, err: why, kept: this.policies?.ids },
      this.policies
        ? 'invalid authorization policies; the previous ones stay in force'
        : 'invalid authorization policies; every read is refused',
    );
  }

  /**
   * The entries `caller` may read, for the catalog `key` (any object that lives as long as the catalog:
   * the snapshot) whose entries are `facts()`. Throws when no policies are loaded.
   */
  visible(caller: Caller, key: object, facts: () => readonly EntryFacts[]): Promise<Visibility> {
    const policies = this.policies;
    if (!policies) return Promise.reject(new Error(this.problem));
    let cache = this.byCatalog.get(key);
    if (!cache) this.byCatalog.set(key, (cache = new BoundedCache(CALLERS)));
    // Callers the policies cannot tell apart share one answer (CedarPolicies.callerKey).
    const id = JSON.stringify([this.generation, policies.callerKey(caller)]);
    let v = cache.get(id);
    if (!v) {
      const list = facts();
      v = evaluate(policies, caller, list);
      cache.set(id, v, list.length + id.length);
      // A failure is not remembered: the next request evaluates again.
      const c = cache;
      v.catch(() => c.delete(id));
    }
    return v;
  }
}

async function evaluate(p: CedarPolicies, caller: Caller, list: readonly EntryFacts[]): Promise<Visibility> {
  const principal = principalEntity(caller);
  const mask = new Uint8Array(list.length);
  const byClass = new Map<string, boolean>();
  const deciding = new Set<string>();
  let allowed = 0;
  let sinceYield = 0;
  for (let i = 0; i < list.length; i++) {
    const f = list[i]!;
    const key = p.classKey(f);
    let ok = byClass.get(key);
    if (ok === undefined) {
      const d = p.decide(principal, f);
      ok = d.allowed;
      byClass.set(key, ok);
      for (const id of d.policies) if (deciding.size < 16) deciding.add(id);
      if (++sinceYield >= EVALUATIONS_PER_TURN) {
        sinceYield = 0;
        await new Promise((r) => setImmediate(r));
      }
    }
    if (ok) {
      mask[i] = 1;
      allowed++;
    }
  }
  return { mask, allowed, policies: [...deciding] };
}
