import { ValidatedTokenRequest, formatIssues, parseServerTimeResponse, parseValidatedTokenRequest, parseValidatedTokenResponse } from '@iics-jobs/schema';
import { iicsUtcTime } from '../../time.js';
import { exactPath, type RouteDefinition } from '../context.js';
import { ERROR_CODES, v2Error, type RouteResult } from '../errors.js';
import { readRequestBody } from '../request-body.js';

/**
 * `POST /api/v2/user/validSessionId`: the session is named in the body (`icToken`), as the
 * documentation shows, so no session header is needed. The check does not count as a use: a
 * client that polled it would otherwise keep an idle session alive, hiding the expiry it tests.
 */
export const validSessionIdRoute: RouteDefinition = {
  route: 'validSessionId',
  family: 'v2',
  method: 'POST',
  auth: false,
  match: exactPath('/saas/api/v2/user/validSessionId'),
  validate: parseValidatedTokenResponse,
  handle(ctx, request): RouteResult {
    const parsed = readRequestBody(ctx, request, ValidatedTokenRequest, parseValidatedTokenRequest);
    if (!parsed.ok) return v2Error(400, ERROR_CODES.badRequest, `Invalid validatedToken request: ${formatIssues(parsed.errors)}`);
    const { icToken, userName } = parsed.value;
    const live = ctx.sessions.peek(icToken);
    const valid = live !== undefined && (userName === undefined || userName === live.username);
    return {
      status: 200,
      body: { '@type': 'validatedToken', timeUntilExpire: valid ? Math.floor(live.remainingMs / 60_000) : 0, isValidToken: valid },
    };
  },
};

/** `GET /api/v2/server/serverTime`: the fake's clock (the real answer's shape is unconfirmed). */
export const serverTimeRoute: RouteDefinition = {
  route: 'serverTime',
  family: 'v2',
  method: 'GET',
  auth: true,
  match: exactPath('/saas/api/v2/server/serverTime'),
  validate: parseServerTimeResponse,
  handle: (ctx): RouteResult => ({ status: 200, body: { '@type': 'serverTime', time: iicsUtcTime(ctx.clock.now()) } }),
};
