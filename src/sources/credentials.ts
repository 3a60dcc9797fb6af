/**
 * Credentials by consent (SPEC §18 "Secrets by consent"): a Secret named by `authSecretRef` or
 * `headersSecretRef` (url, registry and git sources) is read for a fetch only when it opts in with the
 * label `toolhive.stacklok.io/registry-credential: "true"`, so the operator never becomes the deputy
 * that sends some other Secret of the namespace (a ServiceAccount token, a database password) to a
 * host a spec picked. Admission separately checks that the spec's author may read it. Credentials are
 * never sent over plain http, and only to the origin they were configured for (http-fetch.ts drops
 * them on a redirect to another origin). A `caBundleRef` is not a credential and needs neither.
 */
import type { KubeClient } from '../kube/client.ts';
import { readSecretObject, secretKey } from './secrets.ts';
import { SourceError } from './types.ts';

export const LABEL_REGISTRY_CREDENTIAL = 'toolhive.stacklok.io/registry-credential';

/** RFC 9110 token characters. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Visible ASCII, space, tab and obs-text; no CR, LF, NUL or other controls (they would split requests). */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** A header value from a Secret, refused (naming the Secret and key, never the value) when it cannot be sent. */
export function checkHeaderValue(secret: string, key: string, value: string): void {
  if (!HEADER_VALUE.test(value))
    throw new SourceError(
      'InvalidSecret',
      `Secret ${secret}: the value of "${key}" contains a line break or control character; HTTP header values cannot`,
    );
}

/** The data of a credential Secret, after its opt-in label is checked. */
export async function readCredentialSecret(
  client: KubeClient,
  namespace: string,
  name: string,
): Promise<Record<string, string>> {
  const s = await readSecretObject(client, namespace, name);
  if (s.labels[LABEL_REGISTRY_CREDENTIAL] !== 'true')
    throw new SourceError(
      'SecretNotOptedIn',
      `Secret ${namespace}/${name} is not labelled ${LABEL_REGISTRY_CREDENTIAL}=true; a Secret is sent to a source only when it opts in (kubectl label secret ${name} ${LABEL_REGISTRY_CREDENTIAL}=true)`,
    );
  return s.data;
}

/** One key of a credential Secret (key defaults to `defaultKey`). */
export async function readCredentialKey(
  client: KubeClient,
  namespace: string,
  ref: { name: string; key?: string },
  defaultKey: string,
): Promise<string> {
  return secretKey(await readCredentialSecret(client, namespace, ref.name), namespace, ref, defaultKey);
}

/**
 * The headers of a `headersSecretRef`: each key a header name, each value sent as is (a trailing
 * newline, as `echo` leaves one, removed). A key that is no header name, or a value with a line break
 * or control character, is a SourceError naming the Secret and the key, never a raw TypeError.
 */
export async function readHeadersSecret(
  client: KubeClient,
  namespace: string,
  name: string,
): Promise<Record<string, string>> {
  const where = `${namespace}/${name}`;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(await readCredentialSecret(client, namespace, name))) {
    const value = v.replace(/\r?\n$/, '');
    if (!HEADER_NAME.test(k))
      throw new SourceError('InvalidSecret', `Secret ${where}: key "${k}" is not a valid HTTP header name`);
    checkHeaderValue(where, k, value);
    headers[k] = value;
  }
  return headers;
}

/** Refuses to send credentials to a plain-http URL (a spec may still read such a URL without them). */
export function refuseCredentialsOverHttp(source: string, url: string): void {
  if (/^http:/i.test(url.trim()))
    throw new SourceError(
      'CredentialsOverHTTP',
      `source ${source}: credentials (authSecretRef, headersSecretRef) are never sent over plain http; use an https URL`,
    );
}
