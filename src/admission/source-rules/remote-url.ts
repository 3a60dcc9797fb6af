/**
 * The one reading of a source URL (SPEC §18 "One URL parser per URL"): the host and port checked by
 * the platform policy are the host and port that Node, git and curl dial. Parsers disagree on
 * backslashes (`https://a.example\@b.example/` is host a.example to the WHATWG parser, host b.example to
 * curl), on user-info, percent-encoded hosts and odd ports, so this accepts only a grammar on which they
 * all agree, and then asks the WHATWG parser for a second opinion: any difference is a refusal, never a
 * guess. Pure.
 */
import { literalIp } from '../policy/destinations.ts';

export type Scheme = 'https' | 'http' | 'ssh' | 'file';

export interface RemoteUrl {
  scheme: Scheme;
  /** `user@host:path` (git's scp-like SSH syntax) or a URL. */
  form: 'url' | 'scp';
  /** Lower-case; IPv6 without brackets. Empty for file://. */
  host: string;
  /** The host as written (`0x7f.1`, `[::1]`), for messages. */
  hostAsWritten: string;
  /** The port dialled: the explicit one or the scheme's default. */
  port: number;
  hasQuery: boolean;
  hasFragment: boolean;
}

/**
 * `url` is undefined when the text is not a URL of a known scheme (`kind` says which) or starts with
 * `-`; otherwise it is there, with the WHATWG parser's host where the strict grammar failed, so the
 * other rules can still be judged, and every reason to refuse the text is in `problems`.
 */
export interface Parsed {
  url?: RemoteUrl;
  kind?: 'not-a-url' | 'scheme';
  problems: string[];
}

const DEFAULT_PORT: Record<Scheme, number> = { https: 443, http: 80, ssh: 22, file: 0 };
/** A DNS name (labels of letters, digits, `-` and `_`, a root dot allowed) or an IPv4 literal in any notation. */
const NAME = /^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\.?$/i;
const IPV6 = /^\[[0-9a-f:.]+\]$/i;
const USER = /^[a-z0-9._~][a-z0-9._~-]*$/i;
const PORT = /^[1-9][0-9]{0,4}$/;
/** git's scp-like syntax: `user@host:path`, no `//` after the colon. */
const SCP_LIKE = /^([^@/:]+)@([^/:]+):(?!\/\/)(.*)$/s;
const USER_HINT = 'must name a plain user name before "@" (letters, digits, ".", "_", "~", "-")';
const HOST_HINT = 'must name its host as a DNS name or an IP address (no %-escapes, spaces or symbols)';

function hostOk(host: string): boolean {
  return IPV6.test(host) ? literalIp(host) !== undefined : NAME.test(host);
}

const normalised = (host: string) => literalIp(host)?.text ?? host.toLowerCase().replace(/^\[|\]$/g, '');

/** Parses `[user@]host[:port]` into `problems`; the user part only where the scheme allows one (ssh). */
function authority(auth: string, scheme: Scheme, problems: string[]): { host: string; port: number } {
  const at = auth.lastIndexOf('@');
  if (at >= 0) {
    const user = auth.slice(0, at);
    if (scheme !== 'ssh') problems.push('must not contain user information: put credentials in a Secret');
    else if (user.includes(':')) problems.push('must not contain a password: use authSecretRef');
    else if (!USER.test(user)) problems.push(USER_HINT);
  }
  const m = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(auth.slice(at + 1));
  const host = m?.[1] ?? '';
  const portText = m?.[2];
  if (host === '') problems.push('must name a host');
  else if (!hostOk(host)) problems.push(HOST_HINT);
  if (portText !== undefined && (!PORT.test(portText) || Number(portText) > 65535))
    problems.push('must name its port as a number from 1 to 65535');
  return {
    host,
    port: portText === undefined || !PORT.test(portText) ? DEFAULT_PORT[scheme] : Number(portText),
  };
}

/**
 * Reads a source URL or (with `scp`) a git repository address. Refuses backslashes, controls, spaces
 * and non-ASCII anywhere, a leading `-` (it would reach git as an option), user-info outside ssh, and
 * any host or port the WHATWG parser reads differently.
 */
export function parseRemoteUrl(text: string, opts: { scp: boolean }): Parsed {
  if (text.startsWith('-')) return { problems: ['must not start with "-"'] };
  const problems: string[] = [];
  if (text.includes('\\'))
    problems.push('must not contain a backslash: URL parsers disagree on what it means');
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f-\uffff]/.test(text))
    problems.push('must not contain spaces, control or non-ASCII characters');
  const scp = opts.scp && !/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? SCP_LIKE.exec(text) : null;
  if (scp) {
    const [, user = '', host = '', path = ''] = scp;
    if (!USER.test(user)) problems.push(USER_HINT);
    if (!NAME.test(host)) problems.push(HOST_HINT);
    if (path.startsWith('-')) problems.push('must not have a path that starts with "-"');
    const url: RemoteUrl = {
      scheme: 'ssh',
      form: 'scp',
      host: normalised(host),
      hostAsWritten: host,
      port: 22,
      hasQuery: false,
      hasFragment: false,
    };
    return { url, problems };
  }
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)(.*)$/is.exec(text);
  let whatwg: URL | undefined;
  try {
    whatwg = new URL(text);
  } catch {
    whatwg = undefined;
  }
  if (!m || !whatwg) return { kind: 'not-a-url', problems };
  const scheme = m[1]!.toLowerCase();
  if (scheme !== 'https' && scheme !== 'http' && scheme !== 'ssh' && scheme !== 'file')
    return { kind: 'scheme', problems };
  const rest = m[3] ?? '';
  const flags = { hasQuery: rest.includes('?'), hasFragment: rest.includes('#') };
  if (scheme === 'file')
    return { url: { scheme, form: 'url', host: '', hostAsWritten: '', port: 0, ...flags }, problems };
  const before = problems.length;
  const a = authority(m[2] ?? '', scheme, problems);
  const wPort = whatwg.port === '' ? DEFAULT_PORT[scheme] : Number(whatwg.port);
  const agree = normalised(whatwg.hostname) === normalised(a.host) && wPort === a.port;
  if (problems.length === before && !agree)
    problems.push('must name one host and port that every URL parser reads alike');
  // The other rules judge the host after the last "@" (the one curl dials) when it reads as a host at
  // all, the WHATWG parser's otherwise, so every reason to refuse is reported at once.
  const strict = a.host !== '' && hostOk(a.host);
  const host = strict ? a.host : whatwg.hostname;
  const url: RemoteUrl = {
    scheme,
    form: 'url',
    host: normalised(host),
    hostAsWritten: host,
    port: strict ? a.port : wPort,
    ...flags,
  };
  return { url, problems };
}
