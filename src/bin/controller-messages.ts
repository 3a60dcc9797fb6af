/** What the operator's main thread and the controller thread (controller-thread.ts) say to each other. */
export type ToController = { type: 'metrics'; id: number } | { type: 'stop' };

export type FromController =
  | { type: 'started' }
  | { type: 'failed'; message: string; stack: string }
  | { type: 'readiness'; ok: boolean; detail: string }
  | { type: 'metrics'; id: number; text: string }
  | { type: 'stopped' };
