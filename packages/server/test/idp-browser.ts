/**
 * A browser reduced to what an OpenID provider's pages need (test helper): a cookie jar, redirects
 * followed while they stay at the provider, forms posted. Used against the local IdP.
 */
/** A browser's cookie store, reduced to what the IdP needs (names are unique across its paths). */
export class CookieJar {
  private cookies = new Map<string, string>();
  store(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expires = attrs.find((a) => a.trim().toLowerCase().startsWith('expires='));
      const expired = expires && new Date(expires.split('=')[1] ?? '').getTime() <= Date.now();
      if (!value || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export type Browser = {
  jar: CookieJar;
  request(url: string, init?: RequestInit): Promise<{ res: Response; url: string }>;
};

/** Follows the IdP's redirects; stops at the first page or at a redirect that leaves the IdP. */
export function browser(issuer: string): Browser {
  const jar = new CookieJar();
  return {
    jar,
    async request(first, init) {
      let url = first;
      let res = await fetch(url, { ...init, redirect: 'manual', headers: { ...init?.headers, cookie: jar.header() } });
      for (let hops = 0; hops < 10; hops++) {
        jar.store(res);
        const location = res.headers.get('location');
        if (res.status < 300 || res.status >= 400 || !location) break;
        const next = new URL(location, url).href;
        if (!next.startsWith(issuer)) return { res, url: next };
        url = next;
        res = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
      }
      return { res, url };
    },
  };
}

export const formOf = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});
