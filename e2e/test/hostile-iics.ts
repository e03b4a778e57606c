import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * How the hostile IICS answers every request but a successful login. Each answer echoes the session
 * id it was sent and the password it last saw, the way a careless proxy or a verbose error page might:
 * the client must not pass any of it on.
 */
export const HOSTILE_MODES = [
  'v2-error', // 500 with a v2 error object whose description echoes them
  'v3-error', // 400 with a v3 error object, message and debugMessage echoing them
  'html', // 502 with an HTML page, runs of spaces around the echo
  'not-json', // 200 with a text body
  'wrong-types', // 200 with JSON whose fields hold them where numbers belong
  'expired', // 401 every time, echoing the session id
  'throttled', // 429 with Retry-After, echoing
] as const;
export type HostileMode = (typeof HOSTILE_MODES)[number];

export interface HostileIics {
  loginUrl: string;
  mode: HostileMode;
  requests: number;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

export function startHostileIics(options: { password: string; sessionId: string }): Promise<HostileIics> {
  let lastPassword = options.password;
  const state: HostileIics = { loginUrl: '', mode: 'v2-error', requests: 0, close: async () => undefined };
  const server = createServer(async (req, res) => {
    state.requests += 1;
    const body = await readBody(req).catch(() => '');
    const url = new URL(req.url ?? '/', 'http://x');
    const json = (status: number, value: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(value));
    };
    if (url.pathname === '/ma/api/v2/user/login' || url.pathname === '/saas/public/core/v3/login') {
      let password = '';
      try {
        password = String((JSON.parse(body) as { password?: unknown }).password ?? '');
      } catch {
        // Not JSON: refused below like a wrong password.
      }
      lastPassword = password;
      if (password !== options.password) {
        json(403, { '@type': 'error', code: 'UI_10000', description: `Password "${password}" is not valid (tried with  ${password}  twice).`, statusCode: 403 });
        return;
      }
      const serverUrl = `${state.loginUrl}/saas`;
      if (url.pathname.startsWith('/ma/')) json(200, { icSessionId: options.sessionId, serverUrl, name: 'ops.user@example.com', orgId: '0119Y4' });
      else json(200, { products: [{ name: 'Integration Cloud', baseApiUrl: serverUrl }], userInfo: { sessionId: options.sessionId, name: 'ops.user@example.com', orgId: 'fg1dzqDZ1K3lbHp8uq5vQB' } });
      return;
    }
    const header = req.headers['icsessionid'] ?? req.headers['infa-session-id'];
    const session = Array.isArray(header) ? header.join(',') : (header ?? '(none)');
    const echo = `session ${session} for password ${lastPassword}`;
    switch (state.mode) {
      case 'v2-error':
        json(500, { '@type': 'error', code: 'ECHO_500', description: `Internal error, ${echo}`, statusCode: 500 });
        return;
      case 'v3-error':
        json(400, { error: { code: 'ECHO_400', message: `Bad request, ${echo}`, requestId: 'hostile-1', debugMessage: `debug: ${echo}`, details: null } });
        return;
      case 'html':
        res.writeHead(502, { 'content-type': 'text/html' }).end(`<html><body><h1>Bad gateway</h1>\n<p>upstream   ${session}\n\t${lastPassword}   </p></body></html>`);
        return;
      case 'not-json':
        res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK ${echo}`);
        return;
      case 'wrong-types': {
        const sneaky = { taskId: 5, runId: session, taskName: lastPassword, executionState: session, state: lastPassword, id: 7, objects: session };
        json(200, url.pathname.includes('/activity/') ? [sneaky] : sneaky);
        return;
      }
      case 'expired':
        json(401, { '@type': 'error', code: 'AUTH_01', description: `Session ${session} is expired (password ${lastPassword})`, statusCode: 401 });
        return;
      case 'throttled':
        json(429, { '@type': 'error', code: 'RATE', description: `Slow down, ${echo}`, statusCode: 429 }, { 'retry-after': '0' });
        return;
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      state.loginUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      state.close = () =>
        new Promise<void>((done) => {
          server.closeAllConnections();
          server.close(() => done());
        });
      resolve(state);
    });
  });
}
