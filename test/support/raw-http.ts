/**
 * Requests written byte for byte on a socket: fetch and node:http normalise or refuse malformed request
 * targets and headers before sending, so a test of what our servers do with them must write them itself.
 */
import { connect as tcpConnect, isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

export interface RawReply {
  /** 0 when the server closed the connection without a status line. */
  status: number;
  head: string;
  body: string;
}

/** Sends `bytes` (a whole request, or several) and reads until the server closes the connection. */
export function rawExchange(
  target: { host: string; port: number; tls?: { ca: string } },
  bytes: string | Buffer,
): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = target.tls
      ? tlsConnect({
          host: target.host,
          port: target.port,
          ca: target.tls.ca,
          servername: isIP(target.host) ? undefined : target.host,
        })
      : tcpConnect({ host: target.host, port: target.port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(new Error('no answer within 20 s')), 20_000);
    socket.once(target.tls ? 'secureConnect' : 'connect', () => socket.write(bytes));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.once('error', (e) => {
      clearTimeout(timer);
      // A reset after the answer arrived still counts as the answer.
      if (chunks.length) resolve(parse(Buffer.concat(chunks).toString('latin1')));
      else reject(e);
    });
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(parse(Buffer.concat(chunks).toString('latin1')));
    });
  });
}

function parse(text: string): RawReply {
  const end = text.indexOf('\r\n\r\n');
  const head = end < 0 ? text : text.slice(0, end);
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(head);
  return { status: m ? Number(m[1]) : 0, head, body: end < 0 ? '' : text.slice(end + 4) };
}

/** `GET <target>` with a Host header and `Connection: close`, plus any extra header lines. */
export function rawGet(
  target: { host: string; port: number; tls?: { ca: string } },
  requestTarget: string,
  extraHeaders: string[] = [],
  method = 'GET',
): Promise<RawReply> {
  const lines = [
    `${method} ${requestTarget} HTTP/1.1`,
    `Host: ${target.host}`,
    'Connection: close',
    ...extraHeaders,
  ];
  return rawExchange(target, `${lines.join('\r\n')}\r\n\r\n`);
}

/**
 * Request targets, header lines and bodies that once killed a server of ours or could: each must get
 * a 4xx and leave the server serving. `status` is what our servers answer (node's parser answers 400 to
 * what it cannot read, 431 to a head over its limit).
 */
export const MALFORMED_TARGETS: readonly string[] = [
  '//x:99999/',
  '//%/',
  '//[/',
  '//a b/',
  'http://[/',
  'http://x:99999/',
  'https://[::1/',
  '*',
  'x',
  'javascript:alert(1)',
  '/%',
  '/%zz',
  '//@/',
  '//[::1/',
  '///',
  '/\\\\x/',
  '/ui/%',
  '/servers/%ff%',
  '/v0.1/servers/%/versions/latest',
  '/api/v1/registry/servers/%E0%A4%A',
  `/${'a'.repeat(20_000)}`,
];

const head = (...lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;

/** Whole requests with a malformed head or body, and the status node's parser or our server answers. */
export const MALFORMED_REQUESTS: readonly [name: string, bytes: string, status: number][] = [
  ['a header line without a colon', head('GET / HTTP/1.1', 'Host: a', 'oops'), 400],
  ['a non-numeric Content-Length', head('POST / HTTP/1.1', 'Host: a', 'Content-Length: abc'), 400],
  [
    'two different Content-Lengths',
    head('POST / HTTP/1.1', 'Host: a', 'Content-Length: 1', 'Content-Length: 2') + 'xy',
    400,
  ],
  ['a control character in a header value', head('GET / HTTP/1.1', 'Host: a', 'X-A: a\x01b'), 400],
  ['an unknown HTTP version', head('GET / HTTP/9.9', 'Host: a'), 400],
  ['a header section over the limit', head('GET / HTTP/1.1', 'Host: a', `X-A: ${'a'.repeat(20_000)}`), 431],
  ['CONNECT (an authority-form target)', head('CONNECT x:1 HTTP/1.1', 'Host: x:1'), 405],
  ['no Host header on HTTP/1.1', head('GET /healthz HTTP/1.1', 'Connection: close'), 400],
];
