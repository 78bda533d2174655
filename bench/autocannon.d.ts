// The parts of autocannon (no bundled types) that bench/load.ts uses.
declare module 'autocannon' {
  type Request = {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
    setupRequest?: (req: Request) => Request;
  };
  type Result = { errors: number; timeouts: number; non2xx: number };
  type Instance = PromiseLike<Result> & {
    on(event: 'response', fn: (client: unknown, status: number, bytes: number, ms: number) => void): void;
    then: Promise<Result>['then'];
  };
  function autocannon(opts: {
    url: string;
    connections: number;
    duration: number;
    timeout?: number;
    requests?: Request[];
  }): Instance;
  namespace autocannon {
    export type { Request, Result };
  }
  export default autocannon;
}
