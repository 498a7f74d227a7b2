import { EXIT, exitForHttpStatus, type ExitCode } from "./exit-codes.ts";

// A small fetch client for /api/v1: bearer token, JSON in and out, the API's JSON errors as ApiError.

export class ApiError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly status?: number,
    readonly code?: string,
    readonly fields?: Record<string, string[]>,
  ) {
    super(message);
  }

  /** Lines for the terminal: the message, then each field's errors. */
  describe(): string {
    const head = this.code
      ? `${this.message} (${this.code}${this.status ? `, HTTP ${this.status}` : ""})`
      : this.message;
    const fields = Object.entries(this.fields ?? {}).map(
      ([f, msgs]) => `  ${f}: ${msgs.join(" ")}`,
    );
    return [head, ...fields].join("\n");
  }
}

export type ClientOptions = {
  url: string;
  token: string | undefined;
  fetch?: typeof fetch;
};

export function createClient(opts: ClientOptions) {
  const doFetch = opts.fetch ?? fetch;
  async function request<T>(
    method: string,
    path: string,
    init: {
      body?: unknown;
      query?: Record<string, string | number | undefined>;
      idempotencyKey?: string;
    } = {},
  ): Promise<T> {
    if (!opts.token)
      throw new ApiError(
        'No token: pass --token, set ROLLCALL_TOKEN, or put "token" in the config file (rollcall --help).',
        EXIT.AUTH,
      );
    const u = new URL(`${opts.url}/api/v1${path}`);
    for (const [k, v] of Object.entries(init.query ?? {}))
      if (v !== undefined && v !== "") u.searchParams.set(k, String(v));
    const headers: Record<string, string> = {
      authorization: `Bearer ${opts.token}`,
      accept: "application/json",
    };
    if (init.body !== undefined) headers["content-type"] = "application/json";
    if (init.idempotencyKey) headers["idempotency-key"] = init.idempotencyKey;
    let res: Response;
    try {
      res = await doFetch(u, {
        method,
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      throw new ApiError(
        `Cannot reach ${opts.url}${cause ? ` (${cause})` : ""}: ${(e as Error).message}`,
        EXIT.ERROR,
      );
    }
    const text = await res.text();
    let json: unknown = undefined;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        // not JSON: handled below
      }
    }
    if (!res.ok) {
      const err = (
        json as
          | {
              error?: {
                code?: string;
                message?: string;
                fields?: Record<string, string[]>;
              };
            }
          | undefined
      )?.error;
      if (err?.message)
        throw new ApiError(
          err.message,
          exitForHttpStatus(res.status),
          res.status,
          err.code,
          err.fields,
        );
      throw new ApiError(
        `The server answered HTTP ${res.status} ${res.statusText} for ${method} ${u.pathname}.`,
        exitForHttpStatus(res.status),
        res.status,
      );
    }
    if (json === undefined && text)
      throw new ApiError(
        `The server answered ${method} ${u.pathname} with something that is not JSON; is ${opts.url} a Rollcall server?`,
        EXIT.ERROR,
        res.status,
      );
    return json as T;
  }
  /** An open Server-Sent Events stream, or null when the server has none there (404/405/406). */
  async function events(
    path: string,
    signal: AbortSignal,
    lastEventId?: string,
  ): Promise<ReadableStream<Uint8Array> | null> {
    if (!opts.token) throw new ApiError("No token.", EXIT.AUTH);
    const headers: Record<string, string> = {
      authorization: `Bearer ${opts.token}`,
      accept: "text/event-stream",
    };
    if (lastEventId) headers["last-event-id"] = lastEventId;
    const res = await doFetch(new URL(`${opts.url}/api/v1${path}`), {
      headers,
      signal,
    });
    if (
      res.status === 404 ||
      res.status === 405 ||
      res.status === 406 ||
      !res.body
    )
      return null;
    if (!res.ok)
      throw new ApiError(
        `Events stream answered HTTP ${res.status}.`,
        exitForHttpStatus(res.status),
        res.status,
      );
    return res.body;
  }
  return {
    events,
    get: <T>(
      path: string,
      query?: Record<string, string | number | undefined>,
    ) => request<T>("GET", path, { query }),
    post: <T>(path: string, body: unknown, idempotencyKey?: string) =>
      request<T>("POST", path, { body, idempotencyKey }),
  };
}
export type Client = ReturnType<typeof createClient>;
