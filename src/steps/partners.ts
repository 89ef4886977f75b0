// "Provisioning a partner tenant", steps 1 to 6: the partner (self-service unless told), its
// 2FA, and every offering item its parent can pass down to a partner. Its administrator
// (steps 7 to 10) is a user, made with the user helpers.
import * as calls from '../api/calls/index.ts';
import * as api from '../api/endpoints.ts';
import { CancelledError, UsageError } from '../api/errors.ts';
import type { Tenant } from '../schemas/index.ts';
import { describe, expectBoolean, expectName, expectOptions } from './args.ts';
import { checkYes, confirmChange } from './confirm.ts';
import { expectEdition } from './offering-items.ts';
import { remember, type StepSession } from './session.ts';
import { resolveTenantId } from './tenants.ts';
import { count } from './wording.ts';

const OPTIONS = [
  'parent',
  'customer_id',
  'ancestral_access',
  'enhanced_security',
  'items',
  'edition',
  'yes',
] as const;

/** Sets `partner_id` and `created_tenant_id`; `offering_items` to what the partner got. */
export async function createPartner(
  session: StepSession,
  name?: unknown,
  options?: unknown,
): Promise<Tenant> {
  const opts = expectOptions('createPartner', options, OPTIONS);
  checkYes('createPartner', opts.yes);
  const ancestral =
    opts.ancestral_access === undefined
      ? false
      : expectBoolean('createPartner', 'ancestral_access', opts.ancestral_access);
  const enhanced =
    opts.enhanced_security === undefined
      ? false
      : expectBoolean('createPartner', 'enhanced_security', opts.enhanced_security);
  const items =
    opts.items === undefined ? true : expectBoolean('createPartner', 'items', opts.items);
  const edition =
    opts.edition === undefined ? undefined : expectEdition('createPartner', opts.edition);
  if (
    opts.customer_id !== undefined &&
    (typeof opts.customer_id !== 'string' || opts.customer_id.length > 1024)
  ) {
    throw new UsageError(
      `createPartner expects customer_id to be your own reference as a string, not ${describe(opts.customer_id)}.`,
    );
  }
  let wanted = name;
  if (wanted === undefined && session.ask) {
    wanted = await session.ask.input('Name of the new partner:', {
      validate: (v) => (v.trim().length > 0 && v.length <= 255) || 'A name of 1 to 255 characters.',
    });
  }
  if (wanted === undefined) {
    throw new UsageError(
      "createPartner expects a name, e.g. createPartner('Partner, Inc', {customer_id: 'PI-1'}).",
    );
  }
  const partnerName = expectName('createPartner', wanted);
  const parentId = await resolveTenantId(session, 'createPartner', opts.parent);
  if (enhanced) {
    const go = await confirmChange(session, {
      helper: 'createPartner',
      yes: opts.yes,
      consequence: `Enhanced security makes backups in '${partnerName}' and below encrypted, and cannot be turned off again.`,
      question: `Create '${partnerName}' with enhanced security?`,
    });
    if (!go) throw new CancelledError('Nothing was created.');
  }
  const partner = await session.busy(`Creating '${partnerName}'`, () =>
    api.createTenant(
      session.client,
      {
        name: partnerName,
        kind: 'partner',
        parent_id: parentId,
        ancestral_access: ancestral,
        ...(opts.customer_id === undefined ? {} : { customer_id: opts.customer_id as string }),
        ...(enhanced ? { enhanced_security: true } : {}),
      },
      session.signal(),
    ),
  );
  remember(session, partner);
  session.setVariable('partner_id', partner.id);
  session.setVariable('created_tenant_id', partner.id);
  // Step 4: a partner in production has 2FA on already; the call is made only if it is not.
  if (partner.mfa_status !== 'enabled') {
    await session.busy('Enabling 2FA', () =>
      api.setTenantMfa(session.client, partner.id, true, session.signal()),
    );
  }
  let given = 0;
  if (items) {
    given = await session.busy('Passing down the offering items', async () => {
      const offered = await calls.availableForChild(
        session.client,
        parentId,
        { kind: 'partner', ...(edition ? { edition } : {}) },
        session.signal(),
      );
      if (offered.length === 0) return 0;
      const result = await calls.setOfferingItems(
        session.client,
        partner.id,
        offered,
        {},
        session.signal(),
      );
      session.setVariable('offering_items', result);
      return result.length;
    });
  }
  session.note(
    `partner_id = '${partner.id}': ${partner.pricing_mode ?? 'production'}, 2FA on (for good in production), ${count(given, 'offering item')} from its parent.`,
  );
  session.note(`Undo with: await deleteTenant('${partner.id}')`);
  return api.getTenant(session.client, partner.id, session.signal());
}
