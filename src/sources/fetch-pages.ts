/**
 * A registry source's document built again from the pages' bytes, as a sync worker does (SPEC §18):
 * the source parses each page on the event loop only to follow its cursor and check its contract,
 * and hands the pages' bytes over (transferred, not copied) instead of having the objects it kept
 * cloned for the worker, which cost one long turn of that loop for a large catalog.
 */
import type { Body } from './fetch-body.ts';
import { apiDocument, PagedVersions, parsePage } from './registry-page.ts';
import type { ParsedDocument } from './types.ts';

/**
 * What registry-api.ts returns for these pages: each parsed as it parsed them, fed to the same
 * PagedVersions in the same order, so the document reads and hashes exactly as the source's own.
 * The source refused any page that breaks the contract before handing them over; were one to break
 * it here, the same error is thrown.
 */
export function documentFromPages(pages: readonly Body[], textBytes: number, where: string): ParsedDocument {
  const versions = new PagedVersions();
  pages.forEach((body, i) => {
    for (const item of parsePage(body.toString(), where, i + 1).items) versions.add(item);
  });
  return apiDocument(versions.items(), textBytes);
}
