import * as api from '../api/endpoints.ts';
import type { StepSession } from './session.ts';
import { resolveTenantId } from './tenants.ts';

export interface UserRow {
  id: string;
  login: string;
  email: string | null;
  enabled: boolean;
  mfa_status: string;
}

/** The users of a tenant (the current one by default), each with its 2FA state. */
export async function listUsers(session: StepSession, tenant?: unknown): Promise<UserRow[]> {
  const id = await resolveTenantId(session, 'listUsers', tenant);
  return session.busy('Reading users', async () => {
    const ids = await api.listTenantUserIds(session.client, id, session.signal());
    const rows: UserRow[] = [];
    // A few at a time: one call per user is the platform's only way, so keep it bounded.
    for (let i = 0; i < ids.length; i += 8) {
      const users = await Promise.all(
        ids.slice(i, i + 8).map((u) => api.getUser(session.client, u, session.signal())),
      );
      for (const user of users) {
        rows.push({
          id: user.id,
          login: user.login,
          email: user.contact?.email ?? null,
          enabled: user.enabled,
          mfa_status: user.mfa_status ?? 'unknown',
        });
      }
    }
    return rows;
  });
}
