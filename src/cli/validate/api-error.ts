/**
 * One cause as the apiserver returns it (kubectl prints `${field}: ${message}`): what schema.ts and
 * cel.ts both report. Its own file so that neither of the two imports the other for it.
 */
export interface ApiError {
  field: string;
  reason: string;
  message: string;
}
