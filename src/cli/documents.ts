/**
 * How `validate` and `migrate` name a document of a multi-document YAML file in their messages:
 * `FILE: document 2 (MCPRegistry team-a/x)`. One numbering for both, from 1, the way people count the
 * parts of a file between `---` lines (and kubectl and yq users say "the second document"): every
 * part counts, an empty or comments-only one too, so the number is the part an editor shows, whatever
 * the documents around it hold. Comments above a file's first `---` belong to the first document.
 */

export interface DocumentIdentity {
  kind?: string;
  name?: string;
  namespace?: string;
}

/** `document N` for the parser's 0-based position `index`. */
export function documentNumber(index: number): string {
  return `document ${index + 1}`;
}

/** `FILE: document N (KIND NAMESPACE/NAME)`; just `FILE: document N` when there is no object. */
export function documentLabel(file: string, index: number, object?: DocumentIdentity): string {
  const at = `${file}: ${documentNumber(index)}`;
  if (!object) return at;
  const name = object.name ?? '<no name>';
  return `${at} (${object.kind ?? '<no kind>'} ${object.namespace ? `${object.namespace}/` : ''}${name})`;
}

/** A YAML parser error in one line: `… at line 4, column 3` (its excerpt of the file left out). */
export function yamlProblem(message: string | undefined): string {
  return (message ?? '').split('\n')[0]!.replace(/:$/, '');
}
