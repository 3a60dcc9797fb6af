export {
  handleConversionReview,
  ConversionReviewDecodeError,
  CONVERSION_REVIEW_API_VERSION,
} from './review.ts';
export type { ConversionReviewResponse } from './review.ts';
export { toHub, fromHub, convertObject, ConversionError } from './mcpregistry.ts';
export { DEFAULT_SOURCE_NAME } from './source.ts';
export { StashError } from './stash.ts';
