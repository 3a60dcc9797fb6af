/**
 * A registry source's document built again from the pages' bytes, as a sync worker does (SPEC §18):
 * the source parses each page on the event loop only to follow its cursor and check its contract,
 * and hands the pages' bytes over (transferred, not copied) instead of having the objects it kept
 * cloned for the worker, which cost one long turn of that loop for a large catalog.
 */
import type { Body } from './fetch-body.ts';
import { apiDocument, PagedVersions, parsePage } from '../registry-page.ts';
import type { ParsedDocument } from '../types.ts';
import { replayChanges } from '../../registry/mirror/mirror-read.ts';
import type { Entry } from '../../registry/mirror/incremental.ts';

/**
 * What registry-api.ts returns for these pages: each parsed as it parsed them, fed to the same
 * PagedVersions in the same order, so the document reads and hashes exactly as the source's own.
 * The source refused any page that breaks the contract before handing them over; were one to break
 * it here, the same error is thrown.
 */
export function documentFromPages(pages: readonly Body[], textBytes: number, where: string): ParsedDocument {
  return apiDocument(entriesOf(pages, where), textBytes);
}

/** The entries a set of pages lists, as the source kept them (documentFromPages' reading). */
function entriesOf(pages: readonly Body[], where: string): Entry[] {
  const versions = new PagedVersions();
  pages.forEach((body, i) => {
    for (const item of parsePage(body.toString(), where, i + 1).items) versions.add(item);
  });
  return versions.items() as Entry[];
}

/**
 * An incremental resync's document (ParsedDocument.deltas): the whole read's pages with the pages of
 * each `updated_since` read since applied in turn, so it reads and hashes exactly as a whole read
 * of the registry now would (registry/mirror-read.ts replayChanges).
 */
export function documentFromMirror(
  pages: readonly Body[],
  deltas: readonly (readonly Body[])[],
  o: { latestOnly: boolean; textBytes: number; where: string },
): ParsedDocument {
  const whole = entriesOf(pages, o.where);
  const changes = deltas.map((d) => entriesOf(d, `${o.where} (changes)`));
  return apiDocument(replayChanges(whole, changes, o.latestOnly), o.textBytes);
}

/**
 * The same document as the controller hands it on: its pages, read again (and the changes applied)
 * only where it is read, a sync worker; in process, on first use.
 */
export function mirrorDocument(
  pages: readonly Body[],
  deltas: readonly (readonly Body[])[],
  o: { latestOnly: boolean; textBytes: number; where: string },
): ParsedDocument {
  let doc: ParsedDocument | undefined;
  const read = () => (doc ??= documentFromMirror(pages, deltas, o));
  return {
    pages,
    deltas,
    latestOnly: o.latestOnly,
    textBytes: o.textBytes,
    get value() {
      return read().value;
    },
    chunks: () => read().chunks(),
  };
}
