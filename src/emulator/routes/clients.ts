// API clients: created with an administrator's Basic login, read with any credentials that
// see the client's tenant.
import { randomUUID } from 'node:crypto';
import { ClientCreateRequest } from '../../schemas/index.ts';
import { authenticate, visibleTenant } from '../access.ts';
import { type Ctx, nowIso, ok, type Reply, readJson } from '../context.ts';
import { accessDenied } from '../errors.ts';
import { randomSecret, sha256hex } from '../secrets.ts';
import type { ClientRec } from '../world.ts';

export function createClient(ctx: Ctx): Reply {
  const who = authenticate(ctx, { basic: true });
  const body = readJson(ctx, ClientCreateRequest);
  const tenant = visibleTenant(ctx.world, who, body.tenant_id.toLowerCase());
  const secret = randomSecret();
  const client: ClientRec = {
    client_id: randomUUID(),
    secret_sha256: sha256hex(secret),
    tenant_id: tenant.id,
    type: 'api_client',
    data: { client_name: body.data.client_name },
    created_by: who.kind === 'user' ? who.user.id : who.clientId,
    created_at: nowIso(),
  };
  ctx.world.commit({ clients: [client] });
  return ok(
    {
      client_id: client.client_id,
      client_secret: secret,
      tenant_id: client.tenant_id,
      type: client.type,
      token_endpoint_auth_method: 'client_secret_basic',
      data: client.data,
      client_secret_expires_at: 0,
      created_by: client.created_by,
      created_at: client.created_at,
    },
    201,
  );
}

export function getClient(ctx: Ctx): Reply {
  const who = authenticate(ctx, { basic: true });
  const client = ctx.world.clients.get(ctx.params.id ?? '');
  if (!client || !ctx.world.isVisible(who.tenantId, client.tenant_id)) throw accessDenied();
  return ok({
    client_id: client.client_id,
    tenant_id: client.tenant_id,
    type: client.type,
    token_endpoint_auth_method: 'client_secret_basic',
    status: 'enabled',
    data: client.data,
    created_by: client.created_by,
    created_at: client.created_at,
    last_access_at: ctx.world.lastAccess.get(client.client_id) ?? null,
  });
}
