export * from './constants.ts';
export * from './types.ts';
export * from './field-error.ts';
export { buildCrd, toStructural, type ConversionTarget, type CrdOptions } from './crd.ts';
export { validateStructure, versionOf } from './validator.ts';
