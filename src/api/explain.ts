// Plain-words explanations of the platform's answers: the "HTTP status response codes" and
// "API error codes" pages of the documentation as tables (see the shared platform-api.md),
// plus the few situations where the request itself tells more than the code does.

export interface Explanation {
  /** A few words: "version mismatch". */
  title: string;
  /** What the answer means. */
  meaning: string;
  /** The likely cause. */
  cause: string;
  /** What to do next (also the error's hint). */
  next: string;
}

interface Row {
  title: string;
  meaning: string;
  cause?: string;
  next?: string;
}

/** HTTP statuses, as the documentation describes them. */
export const HTTP_STATUSES: Readonly<Record<number, Row>> = {
  400: {
    title: 'bad request',
    meaning: 'The platform refused the request; the body says why.',
    cause: 'A missing or invalid field, or an operation the platform does not allow here.',
    next: 'Read the message and details, fix the request and send it again.',
  },
  401: {
    title: 'unauthorized',
    meaning: 'The access token is missing, expired or not valid here.',
    cause: 'The token expired (they live 2 hours) or was issued elsewhere.',
    next: 'Log in again (.login).',
  },
  403: {
    title: 'forbidden',
    meaning: 'The caller has no right to this endpoint or this tenant.',
    cause:
      'The object lies outside the API client’s tenant tree, or the operation is not allowed for it.',
    next: 'Check the id, and that it is a tenant under the API client’s own tenant.',
  },
  404: {
    title: 'not found',
    meaning: 'The endpoint or the object does not exist.',
    cause: 'A mistyped path or id, an object deleted meanwhile, or a URL without /api/2.',
    next: 'Check the path and the id.',
  },
  405: {
    title: 'method not allowed',
    meaning: 'The endpoint exists but not with this HTTP method.',
    next: 'Check the method (GET, POST, PUT, DELETE) the documentation gives for this endpoint.',
  },
  409: {
    title: 'conflict',
    meaning: 'An object of that kind already exists, or the object changed meanwhile.',
    next: 'Read the message; re-read the object and try again.',
  },
  415: {
    title: 'unsupported media type',
    meaning: 'The Content-Type header is missing or wrong.',
    cause: 'A body sent without `Content-Type: application/json` (or a form to a JSON endpoint).',
    next: "Send JSON with headers {'Content-Type': 'application/json', ...auth}.",
  },
  429: {
    title: 'too many requests',
    meaning: 'The platform is rate limiting this caller.',
    next: 'Wait as long as Retry-After says, then try again; send fewer calls at once.',
  },
  500: {
    title: 'internal server error',
    meaning: 'The platform failed while handling the request.',
    cause: 'Service trouble on the platform’s side.',
    next: 'Try again in a few seconds; if it persists, check the platform’s status page.',
  },
  502: {
    title: 'bad gateway',
    meaning: 'A gateway in front of the platform got no valid answer from it.',
    cause: 'Service trouble on the platform’s side, or a proxy.',
    next: 'Try again in a few seconds.',
  },
  503: {
    title: 'service unavailable',
    meaning: 'The platform is overloaded or in maintenance.',
    cause: 'Service trouble on the platform’s side.',
    next: 'Try again in a few seconds (the documentation says: twice, 1-2 s apart).',
  },
  504: {
    title: 'gateway timeout',
    meaning: 'A gateway in front of the platform did not get an answer in time.',
    cause: 'Service trouble on the platform’s side.',
    next: 'Try again in a few seconds; a change may or may not have been applied, so re-read first.',
  },
};

/** The platform's API error codes (`error.code` in the envelope). */
export const PLATFORM_CODES: Readonly<Record<string, Row>> = {
  '1000': {
    title: 'internal error',
    meaning: 'The platform failed internally.',
    next: 'Try again later.',
  },
  '1001': {
    title: 'version mismatch',
    meaning: 'The object changed since you read it: the `version` you sent is not the current one.',
    cause: 'Someone (or an earlier call) updated the object after you read it.',
    next: 'Re-read the object (getTenant) and send its current `version` with your change.',
  },
  '1002': {
    title: 'access denied',
    meaning: 'The caller may not do this to this object.',
    next: 'Check the object and that it is under the API client’s tenant.',
  },
  '1003': {
    title: 'parent tenant disabled',
    meaning: 'The parent tenant is disabled.',
    next: 'Enable the parent tenant first.',
  },
  '1004': {
    title: 'tenant name conflict',
    meaning: 'The name is taken: tenant names are unique within the hierarchy.',
    next: 'Choose another name, or find the existing tenant with search().',
  },
  '1005': {
    title: 'tenant not found',
    meaning: 'No such tenant.',
    next: 'Check the tenant id.',
  },
  '1006': {
    title: 'deleting a non-disabled tenant',
    meaning: 'Only a disabled tenant can be deleted.',
    next: 'Disable it first: PUT /tenants/{id} with {enabled: false, version}, then delete.',
  },
  '1007': {
    title: 'moving under its own child',
    meaning: 'A tenant cannot move under its own child.',
  },
  '1008': {
    title: 'moving within a customer',
    meaning: 'Tenants cannot be moved within a customer.',
  },
  '1009': { title: 'removing storage in use', meaning: 'The storage is in use.' },
  '1010': {
    title: 'Sync & Share e-mail conflict',
    meaning: 'The e-mail address is used in Sync & Share.',
  },
  '1011': {
    title: 'deprovisioning in progress',
    meaning: 'The tenant is being deprovisioned.',
    next: 'Wait until deprovisioning ends.',
  },
  '1012': {
    title: 'tenant is locked',
    meaning: 'The tenant is locked against changes (update_lock).',
    next: 'Ask the owner of the lock, or wait until it is released.',
  },
  '1013': { title: 'moving under a disabled tenant', meaning: 'The target parent is disabled.' },
  '1014': {
    title: 'moving offering items not available',
    meaning: 'Offering items cannot be moved to the target.',
  },
  '1015': {
    title: 'infrastructure component conflict',
    meaning: 'An infrastructure component conflicts.',
  },
  '1016': {
    title: 'turning off storage with children',
    meaning: 'The storage is used by child tenants.',
  },
  '1017': {
    title: 'turning off the default storage',
    meaning: 'The default storage cannot be turned off.',
  },
  '1018': {
    title: 'user is disabled',
    meaning: 'The user is disabled.',
    next: 'Enable the user first.',
  },
  '1019': {
    title: 'backup service unavailable',
    meaning: 'The backup service is unavailable.',
    next: 'Try again later.',
  },
  '1020': {
    title: 'registration not by a service user',
    meaning: 'Only a service user may register this.',
  },
  '1021': {
    title: 'offering item not available',
    meaning: 'The offering item is not available here.',
  },
  '1022': { title: 'hard quota exceeded', meaning: 'A hard quota would be exceeded.' },
  '1023': {
    title: 'offering item dependency',
    meaning: 'The offering item depends on another one.',
  },
  '1024': { title: 'address in forbidden list', meaning: 'The address is in the forbidden list.' },
  '1025': { title: 'SMTP settings incorrect', meaning: 'The SMTP settings are incorrect.' },
  '1026': { title: 'cannot enable service', meaning: 'The service cannot be enabled.' },
  '1027': {
    title: 'does not satisfy business rules',
    meaning: 'The change breaks one of the platform’s business rules.',
    cause: 'For example, partner tenants in production must keep two-factor authentication on.',
    next: 'Read the message; this change is not allowed for this tenant.',
  },
  '1028': { title: 'guest user exists', meaning: 'A guest user with this identity exists.' },
  '1029': {
    title: 'storage deprovisioning in progress',
    meaning: 'The storage is being deprovisioned.',
    next: 'Wait until deprovisioning ends.',
  },
  '1030': {
    title: 'Sync & Share user quota exceeded',
    meaning: 'The Sync & Share user quota is exceeded.',
  },
  '1031': { title: 'location conflict', meaning: 'The location conflicts.' },
  '1032': {
    title: 'hierarchy lacks the locking tenant',
    meaning: 'The hierarchy does not contain the tenant that holds the lock.',
  },
  '1033': {
    title: 'invalid login',
    meaning: 'The login is not valid.',
    next: 'Choose another login.',
  },
  '1034': {
    title: 'previous legal document unpublished',
    meaning: 'The previous legal document is not published.',
  },
  '1035': {
    title: 'moving legally blocked offering items',
    meaning: 'Offering items under legal block cannot be moved.',
  },
};

export interface ExplainInput {
  status: number;
  method: string;
  /** Path without the host. */
  path: string;
  platformCode?: string | undefined;
  platformMessage?: string | undefined;
  /** How long ago the token in use was issued, when known. */
  tokenAgeMs?: number | undefined;
  /** The call used a login and password (HTTP Basic) rather than a token. */
  basicAuth?: boolean | undefined;
  /** The Location header of a redirect (3xx), when there is one. */
  location?: string | undefined;
  /** A Retry-After (429, 503) longer than the client waits on its own, in milliseconds. */
  retryAfterMs?: number | undefined;
}

/** `45 s`, `20 min`, `3 h 5 min`, `1 day`: a wait as people say it. */
export function humanDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 120) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  const days = Math.floor(h / 24);
  return `${days} day${days === 1 ? '' : 's'}${h % 24 ? ` ${h % 24} h` : ''}`;
}

/** A 401 this soon after the token was issued is not an expiry. */
export const FRESH_TOKEN_MS = 60_000;

const ID_IN_PATH =
  /\/(tenants|users|clients)\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/i;

export function explain(input: ExplainInput): Explanation {
  const { status, platformCode, path } = input;
  const byStatus = HTTP_STATUSES[status] ?? (status >= 500 ? HTTP_STATUSES[500] : undefined);
  const byCode = platformCode === undefined ? undefined : PLATFORM_CODES[platformCode];
  const row = byCode ?? byStatus;
  const out: Explanation = {
    title: row?.title ?? (status >= 500 ? 'server error' : 'error'),
    meaning: row?.meaning ?? `The platform answered HTTP ${status}.`,
    cause: row?.cause ?? byStatus?.cause ?? '',
    next: row?.next ?? byStatus?.next ?? 'Read the message and details.',
  };
  if (byCode && byStatus && byCode !== byStatus) out.title = `${byStatus.title}, ${byCode.title}`;

  const message = input.platformMessage ?? '';
  if (status >= 300 && status < 400) {
    // The platform's API does not redirect; the client follows none (the token stays home).
    const where = input.location?.trim();
    out.title = 'redirect';
    out.meaning = where
      ? `The server sent the call elsewhere (${where.slice(0, 120)}); redirects are not followed, so the token stays with this host.`
      : 'The server answered with a redirect that says nowhere to go (no Location header).';
    out.cause = 'The URL leads to a web server or proxy in front of the platform, not its API.';
    out.next =
      'Check the data center URL: it should be the address you log in to, e.g. https://eu2-cloud.acronis.com.';
  } else if ((status === 429 || status === 503) && input.retryAfterMs !== undefined) {
    const wait = humanDuration(input.retryAfterMs);
    out.title = `${out.title} (Retry-After: ${wait})`;
    out.next = `The platform asks to wait ${wait} before the next try, longer than the shell waits on its own: try again then${status === 429 ? ', and send fewer calls at once' : ''}.`;
  }
  if (status === 401) {
    if (input.basicAuth) {
      out.meaning = 'The login and password were not accepted.';
      out.cause =
        'A wrong login or password, or a user with 2FA on (Basic login cannot pass a code).';
      out.next = 'Check the administrator’s login and password, and the data center URL.';
    } else if (input.tokenAgeMs !== undefined && input.tokenAgeMs < FRESH_TOKEN_MS) {
      out.cause =
        'The token was issued moments ago, so it has not expired: it was probably issued by another data center than the URL you call.';
      out.next = 'Check the data center URL: use the one where the API client was created.';
    } else {
      out.cause = 'The token expired (tokens live 2 hours) or was revoked.';
      out.next = 'Log in again (.login).';
    }
  } else if (status === 403) {
    const id = ID_IN_PATH.exec(path);
    if (/\/mfa\/status/.test(path) && /\bunits?\b|inherit/i.test(message)) {
      out.meaning = 'Units have no 2FA setting of their own: they inherit it from their customer.';
      out.cause = 'The tenant is a unit.';
      out.next = 'Change the setting on the unit’s customer (its parent_id) instead.';
    } else if (id) {
      out.cause = `The ${id[1] === 'users' ? 'user' : id[1] === 'clients' ? 'API client' : 'tenant'} ${id[2]} does not exist, or it is outside the API client’s tenant tree (or its ancestral_access is off).`;
      out.next = 'Check the id, e.g. search() for it by name under your tenant.';
    }
  } else if (status >= 500 && status < 600) {
    out.cause ||= 'Service trouble on the platform’s side.';
  }
  return out;
}
