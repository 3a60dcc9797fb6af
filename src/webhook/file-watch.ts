/**
 * Watches files that Kubernetes mounts from a Secret or ConfigMap. Such mounts change by an atomic
 * symlink flip (`..data` → a new timestamped directory), which fs.watch on the file itself misses, so
 * watch the directory and also poll: on any hint, re-read and compare content.
 */
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';

export interface FileWatcher {
  close(): void;
}

/**
 * Calls `onChange(contents)` whenever the concatenated contents of `files` differ from the last time.
 * Read errors are passed to `onError` (a file mid-flip may be missing for an instant).
 */
export function watchFiles(
  dir: string,
  files: string[],
  onChange: (contents: Buffer[]) => void,
  onError: (err: Error) => void,
  pollMs = 2000,
): FileWatcher {
  let last = '';
  let running = false;
  let again = false;
  let closed = false;
  const check = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        const contents = await Promise.all(files.map((f) => readFile(f)));
        const key = contents.map((c) => c.toString('base64')).join('|');
        if (key !== last && !closed) {
          last = key;
          onChange(contents);
        }
      } while (again && !closed);
    } catch (e) {
      if (!closed) onError(e as Error);
    } finally {
      running = false;
    }
  };
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dir, () => void check());
    watcher.on('error', () => undefined);
  } catch {
    watcher = undefined; // the poll still covers it
  }
  const timer = setInterval(() => void check(), pollMs);
  timer.unref();
  return {
    close() {
      closed = true;
      clearInterval(timer);
      watcher?.close();
    },
  };
}
