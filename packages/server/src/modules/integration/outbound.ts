import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Outgoing HTTP for webhooks and the national portal, with an SSRF guard: unless allowed by
 * configuration (MOTCUA_WEBHOOK_ALLOW_PRIVATE=on, used by tests and closed networks), a URL whose
 * host resolves to a loopback, private, link-local, CGNAT, multicast or unspecified address is
 * refused. The check runs in the socket's own DNS lookup, so the address connected to is the
 * address checked (a name that re-resolves to 127.0.0.1 between check and use is caught).
 */

/**
 * Special-purpose ranges come from ipaddr.js (maintained against the IANA registries) rather than
 * a hand list: only ordinary unicast addresses are allowed. IPv6 forms that carry an IPv4 address
 * (IPv4-mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96 of RFC 6052, RFC 6145 translation) are judged by
 * the IPv4 address they lead to; 6to4 and Teredo tunnels are refused outright.
 */
function embeddedIpv4(v6: ipaddr.IPv6): ipaddr.IPv4 {
  const parts = v6.parts;
  return new ipaddr.IPv4([parts[6]! >> 8, parts[6]! & 0xff, parts[7]! >> 8, parts[7]! & 0xff]);
}

export function isPrivateAddress(address: string): boolean {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address.replace(/%.*$/, '')); // a zone id (fe80::1%eth0) is link-local anyway
  } catch {
    return true; // not an address we can judge: refuse
  }
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    const range = v6.range();
    if (range === 'ipv4Mapped' || range === 'rfc6052' || range === 'rfc6145') {
      return embeddedIpv4(v6).range() !== 'unicast';
    }
    return range !== 'unicast';
  }
  return parsed.range() !== 'unicast';
}

export class OutboundRefused extends Error {}

/** Whether a URL may be a delivery target: http(s), no credentials, and (unless allowed) no private host. */
export async function checkTargetUrl(raw: string, allowPrivate: boolean): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundRefused('not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new OutboundRefused('only http and https');
  if (url.username || url.password) throw new OutboundRefused('credentials in the URL');
  if (allowPrivate) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = net.isIP(host)
    ? [host]
    : (await dns.promises.lookup(host, { all: true }).catch(() => [])).map((a) => a.address);
  if (addresses.length === 0) throw new OutboundRefused('the host does not resolve');
  if (addresses.some(isPrivateAddress)) throw new OutboundRefused('private or loopback address');
  return url;
}

export type OutboundResponse = { status: number; body: string };

/** POST a body; resolves with any HTTP answer (the caller judges the status), rejects on network errors. */
export function postBody(
  target: string,
  body: string,
  headers: Record<string, string>,
  opts: { timeoutMs: number; allowPrivate: boolean },
): Promise<OutboundResponse> {
  return new Promise((resolve, reject) => {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      reject(new OutboundRefused('not a URL'));
      return;
    }
    const lookup: net.LookupFunction = (hostname, options, callback) => {
      dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
        if (err) return callback(err, '', 4);
        const list = addresses as dns.LookupAddress[];
        const bad = !opts.allowPrivate && list.some((a) => isPrivateAddress(a.address));
        if (bad) return callback(new OutboundRefused('private or loopback address'), '', 4);
        if ((options as { all?: boolean }).all)
          return (callback as (e: null, a: dns.LookupAddress[]) => void)(null, list);
        callback(null, list[0]!.address, list[0]!.family);
      });
    };
    if (!opts.allowPrivate && net.isIP(url.hostname.replace(/^\[|\]$/g, '')) !== 0) {
      if (isPrivateAddress(url.hostname.replace(/^\[|\]$/g, ''))) {
        reject(new OutboundRefused('private or loopback address'));
        return;
      }
    }
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(
      url,
      {
        method: 'POST',
        headers: { 'content-length': String(Buffer.byteLength(body)), ...headers },
        lookup,
        timeout: opts.timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          // Keep at most 4 KiB of the answer: enough for an error message.
          if (size < 4096) chunks.push(c);
          size += c.length;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out after ${opts.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
