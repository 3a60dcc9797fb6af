/**
 * Reads from the registry API with the user's credential. With auth on, the page asks for an API key
 * or token once and keeps it in sessionStorage only (gone when the tab closes, never in localStorage or
 * a cookie), and sends it as a Bearer token, which the API accepts for both API keys and JWTs.
 */
import { withBase } from './base.ts';

const KEY = 'thv-registry-api.token';

export const credential = {
  get(): string | undefined {
    try {
      return sessionStorage.getItem(KEY) ?? undefined;
    } catch {
      return undefined;
    }
  },
  set(token: string): void {
    sessionStorage.setItem(KEY, token);
  },
  clear(): void {
    try {
      sessionStorage.removeItem(KEY);
    } catch {
      /* storage disabled: nothing was kept */
    }
  },
};

/** A 401: the message is the API's own (`Unauthorized: invalid API key`). */
export class AuthRequired extends Error {}
export class NotFound extends Error {}
/** No answer at all (the API is down, the port-forward ended, the network is gone). */
export class Unreachable extends Error {}

async function errorOf(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: unknown };
    if (typeof body.error === 'string') return body.error;
  } catch {
    /* not JSON */
  }
  return res.statusText || 'no details';
}

export async function getJson<T>(path: string): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = credential.get();
  if (token) headers.Authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(withBase(path), { headers });
  } catch {
    // The browser's own text ("Failed to fetch") tells a user nothing they can act on.
    throw new Unreachable(
      'The registry API did not answer. Check that thv-registry-api is running and reachable (a port-forward may have ended), then retry.',
    );
  }
  if (res.status === 401) throw new AuthRequired(await errorOf(res));
  if (res.status === 404) throw new NotFound(await errorOf(res));
  if (!res.ok) throw new Error(`The registry API answered HTTP ${res.status}: ${await errorOf(res)}`);
  return (await res.json()) as T;
}
