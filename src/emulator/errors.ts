// The platform's error envelope and its code table. Every non-2xx answer except the token
// endpoint's is built here, so the shape cannot drift between routes.

/** Platform codes the emulator produces (a subset of the docs' "API error codes" page). */
export const PLATFORM_CODES = {
  internal: '1000',
  versionMismatch: '1001',
  accessDenied: '1002',
  parentDisabled: '1003',
  nameConflict: '1004',
  tenantNotFound: '1005',
  deleteEnabled: '1006',
  moveUnderChild: '1007',
  moveWithinCustomer: '1008',
  tenantLocked: '1012',
  moveUnderDisabled: '1013',
  moveItemsMissing: '1014',
  infraConflict: '1015',
  userDisabled: '1018',
  itemNotAvailable: '1021',
  hardQuota: '1022',
  itemDependency: '1023',
  cannotEnableService: '1026',
  businessRules: '1027',
  lockOwnerMissing: '1032',
  invalidLogin: '1033',
} as const;

const DOMAIN = 'PlatformAccountServer';

export interface ErrorBody {
  error: {
    code: string;
    message: string;
    details: { info: string };
    domain: string;
    context: Record<string, unknown>;
  };
}

/** An answer that is not a success; thrown by handlers, turned into a response by the server. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly info: string;
  readonly context: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    message: string,
    opts: {
      code?: string;
      info?: string;
      context?: Record<string, unknown>;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.code = opts.code ?? String(status);
    this.info = opts.info ?? message;
    this.context = opts.context ?? {};
    this.headers = opts.headers ?? {};
  }

  body(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        details: { info: this.info },
        domain: DOMAIN,
        context: this.context,
      },
    };
  }
}

/** The token endpoint answers in the OAuth shape instead of the envelope. */
export class OAuthHttpError extends Error {
  readonly status: number;
  readonly error: string;
  readonly headers: Record<string, string>;

  constructor(status: number, error: string, description: string, headers = {}) {
    super(description);
    this.name = 'OAuthHttpError';
    this.status = status;
    this.error = error;
    this.headers = headers;
  }

  body(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.message };
  }
}

export const badRequest = (message: string, info?: string) =>
  new HttpError(400, message, info === undefined ? {} : { info });

export const unauthorized = (message: string) =>
  new HttpError(401, message, { info: 'Get a new access token from POST /api/2/idp/token.' });

/** One fixed answer for "does not exist" and "not yours": it must not tell them apart. */
export const accessDenied = () =>
  new HttpError(403, 'Access denied.', {
    code: PLATFORM_CODES.accessDenied,
    info: 'The object does not exist or the credentials give no access to it.',
  });

export const forbidden = (message: string, code: string = PLATFORM_CODES.accessDenied) =>
  new HttpError(403, message, { code });

export const tenantNotFound = (id: string) =>
  new HttpError(404, 'Tenant not found.', {
    code: PLATFORM_CODES.tenantNotFound,
    info: 'The tenant has been deleted.',
    context: { tenant_id: id },
  });

export const routeNotFound = (path: string) =>
  new HttpError(404, `No such endpoint or object: ${path}`, { info: 'Check the path and the id.' });

export const methodNotAllowed = (method: string, allow: string[]) =>
  new HttpError(405, `Method ${method} is not allowed here; allowed: ${allow.join(', ')}.`, {
    headers: { Allow: allow.join(', ') },
  });

export const versionMismatch = (current: number, sent: number) =>
  new HttpError(409, 'Version mismatch: the object was changed by someone else.', {
    code: PLATFORM_CODES.versionMismatch,
    info: `Current version is ${current}, the request sent ${sent}. Read the object again.`,
    context: { version: current },
  });

export const conflict = (message: string, code = '409') => new HttpError(409, message, { code });

export const payloadTooLarge = (limit: number) =>
  new HttpError(413, `Request body is larger than ${limit} bytes.`, {
    headers: { Connection: 'close' },
  });

export const unsupportedMediaType = (expected: string) =>
  new HttpError(415, `Content-Type must be ${expected}.`);

export const internalError = () =>
  new HttpError(500, 'Internal error.', {
    code: PLATFORM_CODES.internal,
    info: 'The emulator failed to handle the request; it has been logged.',
  });
