import { LoginV2Request, LoginV3Request, formatIssues, parseLoginV2Request, parseLoginV2Response, parseLoginV3Request, parseLoginV3Response } from '@iics-jobs/schema';
import type { LoginV2Response, LoginV3Response } from '@iics-jobs/schema';
import { ID_CODES, federatedId } from '../../ids.js';
import { iicsUtcTime } from '../../time.js';
import { exactPath, type FakeContext, type RouteDefinition } from '../context.js';
import { ERROR_CODES, v2Error, v3Error, type RouteResult } from '../errors.js';
import { readRequestBody } from '../request-body.js';

const BAD_CREDENTIALS = 'User name or password is not valid.';

function checkCredentials(ctx: FakeContext, username: string, password: string): boolean {
  return ctx.users.some((user) => user.username === username && user.password === password);
}

export const loginV2Route: RouteDefinition = {
  route: 'loginV2',
  family: 'v2',
  origins: ['login'],
  method: 'POST',
  auth: false,
  match: exactPath('/ma/api/v2/user/login'),
  validate: parseLoginV2Response,
  handle(ctx, request): RouteResult {
    const parsed = readRequestBody(ctx, request, LoginV2Request, parseLoginV2Request);
    if (!parsed.ok) return v2Error(400, ERROR_CODES.badRequest, `Invalid login request: ${formatIssues(parsed.errors)}`);
    const { username, password } = parsed.value;
    if (!checkCredentials(ctx, username, password)) {
      return v2Error(ctx.loginFailureStatus, ERROR_CODES.badCredentialsV2, BAD_CREDENTIALS);
    }
    const created = iicsUtcTime(ctx.clock.now() - 180 * 86_400_000);
    // The real user object has no "@type" in JSON; the password comes back masked.
    const body: LoginV2Response = {
      id: ctx.stableId(`user:${username}`, () => ctx.ids.next(ID_CODES.user)),
      orgId: ctx.orgId,
      orgUuid: ctx.orgUuid,
      name: username,
      description: '',
      createTime: created,
      updateTime: created,
      createdBy: 'admin',
      updatedBy: username,
      sfUsername: null,
      firstName: 'Fake',
      lastName: 'User',
      title: '',
      password: '********',
      phone: '',
      emails: username.includes('@') ? username : '',
      timezone: null,
      serverUrl: ctx.serverUrl,
      icSessionId: ctx.sessions.create(username),
      uuid: ctx.stableId(`uuid:${username}`, federatedId),
      forceChangePassword: false,
      roles: [{ name: 'Admin', description: 'Role for performing administrative tasks for an organization.' }],
      usergroups: [],
      spiUrl: ctx.serverUrl.replace(/\/saas$/, ''),
    };
    return { status: 200, body };
  },
};

export const loginV3Route: RouteDefinition = {
  route: 'loginV3',
  family: 'v3',
  origins: ['login'],
  method: 'POST',
  auth: false,
  match: exactPath('/saas/public/core/v3/login'),
  validate: parseLoginV3Response,
  handle(ctx, request): RouteResult {
    const parsed = readRequestBody(ctx, request, LoginV3Request, parseLoginV3Request);
    if (!parsed.ok) return v3Error(400, ERROR_CODES.badRequest, `Invalid login request: ${formatIssues(parsed.errors)}`);
    const { username, password } = parsed.value;
    if (!checkCredentials(ctx, username, password)) {
      return v3Error(ctx.loginFailureStatus, ERROR_CODES.badCredentialsV3, BAD_CREDENTIALS);
    }
    const body: LoginV3Response = {
      products: [{ name: 'Integration Cloud', baseApiUrl: ctx.serverUrl }],
      userInfo: {
        sessionId: ctx.sessions.create(username),
        id: ctx.stableId(`uuid:${username}`, federatedId),
        name: username,
        parentOrgId: ctx.stableId('parentOrg', federatedId),
        orgId: ctx.orgUuid,
        orgName: 'Fake_IICS_Org',
        groups: {},
        status: 'Active',
      },
    };
    return { status: 200, body };
  },
};

function logout(ctx: FakeContext, sessionId: string | undefined): RouteResult {
  if (sessionId) ctx.sessions.end(sessionId);
  return { status: 200 };
}

export const logoutV2Route: RouteDefinition = {
  route: 'logout',
  family: 'v2',
  method: 'POST',
  auth: true,
  match: exactPath('/saas/api/v2/user/logout'),
  handle: (ctx, request) => logout(ctx, request.sessionId),
};

// Documented on the login host; whether the POD host answers it too is unconfirmed, so both do.
export const logoutV3Route: RouteDefinition = {
  route: 'logout',
  family: 'v3',
  origins: ['login', 'pod'],
  method: 'POST',
  auth: true,
  match: exactPath('/saas/public/core/v3/logout'),
  handle: (ctx, request) => logout(ctx, request.sessionId),
};
