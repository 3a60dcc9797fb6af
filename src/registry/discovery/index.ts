/** The `kubernetes` discovery source's pure part (SPEC §12): annotations → entries → document. */
export * from './annotations.ts';
export * from './entry.ts';
export * from './document.ts';
export * from './consent.ts';
