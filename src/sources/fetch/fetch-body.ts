/**
 * A fetched body as it arrived: UTF-8 bytes in segments that own their memory, never joined or
 * decoded on the event loop that answers admission (SPEC §18). A sync worker takes the segments by
 * transfer (no copy) and decodes them there; joining a 28 MB body, decoding it to a string and
 * cloning that string to the worker were each one tick of tens of ms on that loop
 * (docs/performance.md, "Admission while the largest admitted sync runs").
 */
import { Buffer } from 'node:buffer';

/** Largest segment a body grows by when its length was not declared. */
const MAX_SEGMENT = 4 * 1024 * 1024;
const FIRST_SEGMENT = 64 * 1024;
/** Bytes copied per turn of the event loop when a shared body is copied for a worker. */
const COPY_STEP = 1024 * 1024;

export class Body {
  private parts: readonly Uint8Array[];
  readonly length: number;
  /** Whether each segment's ArrayBuffer is this body's alone (a ByteSink's), so it may be transferred. */
  private readonly owned: boolean;
  private isShared = false;
  private taken = false;

  constructor(segments: readonly Uint8Array[], owned = false) {
    this.parts = segments;
    this.owned = owned;
    this.length = segments.reduce((n, s) => n + s.byteLength, 0);
  }

  /** A body over memory others may hold too (a Buffer from Node's pool, an inflated response). */
  static of(bytes: Uint8Array | string): Body {
    return new Body([typeof bytes === 'string' ? Buffer.from(bytes) : bytes]);
  }

  /** Whether something else keeps this body (a cache, a remembered fetch): it is then never transferred. */
  get shared(): boolean {
    return this.isShared;
  }

  markShared(): this {
    this.isShared = true;
    return this;
  }

  get segments(): readonly Uint8Array[] {
    if (this.taken) throw new Error('this body was handed to a sync worker and is no longer here');
    return this.parts;
  }

  /** The text, as Buffer#toString('utf8') of the joined bytes gives it (invalid UTF-8 as U+FFFD). */
  toString(): string {
    const s = this.segments;
    if (s.length === 1) return bufferOf(s[0] as Uint8Array).toString('utf8');
    return Buffer.concat(s).toString('utf8');
  }

  /**
   * Segments to post to a worker, with the memory to transfer: this body's own, which it gives up
   * (a later read throws instead of seeing empty bytes), or, when something else keeps it, a copy
   * made a megabyte per turn of the event loop so no single turn copies the whole body.
   */
  async forWorker(): Promise<{ segments: Uint8Array[]; transfer: ArrayBuffer[] }> {
    const s = this.segments;
    if (this.isShared || !this.owned) {
      const copy = new Uint8Array(new ArrayBuffer(this.length));
      let at = 0;
      for (const seg of s)
        for (let i = 0; i < seg.byteLength; i += COPY_STEP) {
          const piece = seg.subarray(i, i + COPY_STEP);
          copy.set(piece, at);
          at += piece.byteLength;
          if (at < this.length) await new Promise((r) => setImmediate(r));
        }
      return { segments: [copy], transfer: [copy.buffer] };
    }
    this.taken = true;
    return { segments: [...s], transfer: s.map((x) => x.buffer as ArrayBuffer) };
  }
}

function bufferOf(s: Uint8Array): Buffer {
  return Buffer.isBuffer(s) ? s : Buffer.from(s.buffer, s.byteOffset, s.byteLength);
}

/**
 * Collects a response body chunk by chunk into segments of its own memory: one segment of the
 * declared length when there is one, else segments growing up to MAX_SEGMENT. Each chunk is copied
 * once, in the turn it arrives (tens of KB), instead of the whole body being joined at the end.
 */
export class ByteSink {
  private readonly done: Uint8Array[] = [];
  private current: Uint8Array;
  private used = 0;
  private next: number;

  /** `declared`: the Content-Length, when known and already checked against the byte limit. */
  constructor(declared?: number) {
    this.current = new Uint8Array(new ArrayBuffer(declared && declared > 0 ? declared : FIRST_SEGMENT));
    this.next = Math.min(this.current.byteLength * 2, MAX_SEGMENT);
  }

  push(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.byteLength) {
      if (this.used === this.current.byteLength) {
        this.done.push(this.current);
        this.current = new Uint8Array(new ArrayBuffer(this.next));
        this.used = 0;
        this.next = Math.min(this.next * 2, MAX_SEGMENT);
      }
      const n = Math.min(chunk.byteLength - at, this.current.byteLength - this.used);
      this.current.set(chunk.subarray(at, at + n), this.used);
      this.used += n;
      at += n;
    }
  }

  /** The bytes received so far as a body (the last segment cut to what it holds). */
  body(): Body {
    const last = this.current.subarray(0, this.used);
    return new Body(this.used > 0 || this.done.length === 0 ? [...this.done, last] : [...this.done], true);
  }
}
