// "Switching a customer to production": read the pricing, send it back in production. The
// switch is for good (the platform refuses to go back to trial): asked first, no undo.
import * as calls from '../api/calls/index.ts';
import * as api from '../api/endpoints.ts';
import { UsageError } from '../api/errors.ts';
import type { Pricing } from '../schemas/index.ts';
import { expectOptions } from './args.ts';
import { checkYes, confirmChange } from './confirm.ts';
import { remember, type StepSession } from './session.ts';
import { resolveTenantId } from './tenants.ts';

/** Sets `pricing` (the page's name) to the answer. */
export async function switchToProduction(
  session: StepSession,
  tenant?: unknown,
  options?: unknown,
): Promise<Pricing> {
  const opts = expectOptions('switchToProduction', options, ['yes'] as const);
  checkYes('switchToProduction', opts.yes);
  const id = await resolveTenantId(session, 'switchToProduction', tenant);
  const [t, pricing] = await session.busy('Reading the pricing', () =>
    Promise.all([
      api.getTenant(session.client, id, session.signal()),
      calls.getPricing(session.client, id, session.signal()),
    ]),
  );
  remember(session, t);
  session.setVariable('pricing', pricing);
  if (pricing.mode !== 'trial') {
    session.note(`'${t.name}' is in ${pricing.mode} already; nothing was sent.`);
    return pricing;
  }
  if (t.kind !== 'customer') {
    throw new UsageError(
      `switchToProduction: '${t.name}' is a ${t.kind}; the switch is for customer tenants (partners start in production).`,
    );
  }
  const head = `'${t.name}' (${t.kind}, ${t.id})`;
  const planned = pricing.production_start_date
    ? ` It would switch by itself on ${pricing.production_start_date}.`
    : '';
  const go = await confirmChange(session, {
    helper: 'switchToProduction',
    yes: opts.yes,
    consequence: [
      `${head} is in trial.${planned}`,
      'In production it is billed from now, the whole of this month counted in usage reports (best done on the 1st). It never goes back to trial.',
    ].join(' '),
    question: `Switch '${t.name}' to production? It cannot be undone.`,
  });
  if (!go) return pricing;
  const result = await session.busy('Switching to production', () =>
    calls.setPricing(
      session.client,
      id,
      {
        version: pricing.version,
        currency: pricing.currency ?? null,
        production_start_date: pricing.production_start_date ?? null,
        mode: 'production',
      },
      session.signal(),
    ),
  );
  session.setVariable('pricing', result);
  session.note(
    `'${t.name}' is in production since ${result.production_start_date ?? 'now'}: there is no undo.`,
  );
  return result;
}
