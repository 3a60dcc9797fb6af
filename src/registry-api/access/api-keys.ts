/**
 * API keys (`--api-keys-file`, `spec.api.auth.mode: api-keys`): one key per line in a file, the
 * layout of a Secret key mounted as a volume. Only SHA-256 digests are kept, and a candidate is
 * compared with every one of them in constant time, so neither the memory nor the timing of a
 * refusal says which key came close. The file is read again every `reloadMs`: the kubelet replaces a
 * mounted Secret's files when the Secret is edited (not for a subPath mount: the operator never uses
 * one), so adding or revoking a key needs no restart. A file that cannot be read keeps the last keys.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createHash, timingSafeEqual } from 'node:crypto';

/** A keys file larger than this is refused (a Secret holds at most 1 MiB anyway). */
export const MAX_KEYS_FILE = 1024 * 1024;

/** One key per line; blank lines and `#` comments ignored (the layout of a mounted Secret key). */
export function parseKeys(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export interface KeyFileEvents {
  /** The keys changed (count only: keys are never logged). */
  onReload?: (count: number) => void;
  onError?: (err: Error) => void;
}

export class KeyFile {
  private digests: Buffer[] = [];
  private text: string | undefined;
  private changes = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly path: string;
  private readonly events: KeyFileEvents;

  /** Reads the file once now: a missing file at start is an error, not an API that refuses everyone. */
  constructor(path: string, events: KeyFileEvents = {}) {
    this.path = path;
    this.events = events;
    this.accept(readFileSync(path, 'utf8'));
  }

  /** Counts the changes of the keys (a different file text), so an answer given under older keys is known. */
  get generation(): number {
    return this.changes;
  }

  get count(): number {
    return this.digests.length;
  }

  private accept(text: string): void {
    if (text.length > MAX_KEYS_FILE) throw new Error(`${this.path}: more than ${MAX_KEYS_FILE} bytes`);
    if (text === this.text) return;
    this.text = text;
    this.digests = parseKeys(text).map(digest);
    this.changes++;
    this.events.onReload?.(this.digests.length);
  }

  /** Reads the file again now; the last keys stay when it cannot be read. */
  async reload(): Promise<void> {
    try {
      this.accept(await readFile(this.path, 'utf8'));
    } catch (e) {
      this.events.onError?.(e as Error);
    }
  }

  /** Re-reads every `reloadMs` until stop(); the timer does not keep the process alive. */
  watch(reloadMs: number): this {
    this.stop();
    this.timer = setInterval(() => void this.reload(), reloadMs);
    this.timer.unref();
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  matches(candidate: string): boolean {
    const d = digest(candidate);
    let found = false;
    // Compare against every key, always, so timing says nothing about which one matched.
    for (const k of this.digests) found = timingSafeEqual(k, d) || found;
    return found;
  }
}
