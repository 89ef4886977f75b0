// The user-side helpers against the real emulator over loopback, without a terminal (and with
// a scripted one where a question is the point): what each answers and sets, wrong arguments
// refused before any request reaches the emulator, confirmations, the undo lines, and the
// secrets (passwords, one-time tokens) kept out of everything the session shows or records.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/api/errors.ts';
import { loginAs } from '../../src/steps/login-as.ts';
import { setUserMfa } from '../../src/steps/mfa.ts';
import { createTenant } from '../../src/steps/tenants.ts';
import { deleteUser, disableUser, enableUser } from '../../src/steps/user-lifecycle.ts';
import { activateUser, setPassword } from '../../src/steps/user-passwords.ts';
import { roles, setRoles } from '../../src/steps/user-roles.ts';
import { createUser, getUser, updateUser } from '../../src/steps/users.ts';
import type { Asker } from '../../src/ui/asker.ts';
import { hasControl } from '../../src/ui/visible.ts';
import { registerSecrets } from '../hardening/artifacts.ts';
import {
  type Emulator,
  startEmulator,
  stepSession,
  type TestShell,
} from '../helpers/step-session.ts';

let emulator: Emulator;
let shell: TestShell;
/** The emulator's own log: one line per request it received. */
const received: string[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, tenants: 3, seed: 11, log: (l) => received.push(l) });
});
afterAll(() => emulator.close());
afterEach(() => shell?.close());

let serial = 0;
/** A fresh customer under the API client's tenant, and a new user in it. */
async function customerWithUser(kind: 'customer' | 'partner' = 'customer') {
  serial += 1;
  const tenant = await createTenant(shell.session, `User Helpers ${kind} ${serial}`, { kind });
  const user = await createUser(shell.session, `helper.user${serial}`, {
    email: `helper.user${serial}@example.test`,
    tenant: tenant.id,
  });
  // What the test looks at is what its own helper calls say.
  shell.notes.length = 0;
  return { tenant, user };
}

async function refusal(promise: Promise<unknown>): Promise<UsageError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  const message = (error as Error).message;
  expect(message.split('\n')).toHaveLength(1);
  return error as UsageError;
}

/** The emulator received nothing while `work` ran (refused before any call was sent). */
async function nothingSent(work: () => Promise<unknown>): Promise<void> {
  const before = received.length;
  await work();
  expect(received.slice(before)).toEqual([]);
}

/** Requests the emulator received while `work` ran, as `METHOD /path` (no query, no status). */
async function sent(work: () => Promise<unknown>): Promise<string[]> {
  const before = received.length;
  await work();
  return received.slice(before).map((l) => l.split(' ').slice(0, 2).join(' ').split('?')[0] ?? '');
}

const writes = (lines: string[]) => lines.filter((l) => !l.startsWith('GET '));

/** A terminal that answers from a script, recording the questions. */
function scripted(answers: { confirm?: boolean; input?: string[]; password?: string[] }) {
  const asked: string[] = [];
  const inputs = [...(answers.input ?? [])];
  const passwords = [...(answers.password ?? [])];
  const ask: Asker = {
    confirm: async (q) => {
      asked.push(q);
      return answers.confirm ?? false;
    },
    select: async (q, choices) => {
      asked.push(q);
      const first = choices[0];
      if (!first) throw new Error('nothing to choose');
      return first.value;
    },
    input: async (q) => {
      asked.push(q);
      const next = inputs.shift();
      if (next === undefined) throw new Error(`unexpected question ${q}`);
      return next;
    },
    password: async (q) => {
      asked.push(q);
      const next = passwords.shift();
      if (next === undefined) throw new Error(`unexpected question ${q}`);
      return next;
    },
  };
  return { asked, ask };
}

describe('createUser (creating-user-account)', () => {
  it('checks the login, creates the user, sets created_user and user_id, prints the undo', async () => {
    shell = await stepSession(emulator);
    const tenant = await createTenant(shell.session, 'Create User Customer');
    const calls = await sent(() =>
      createUser(shell.session, 'created.one', {
        email: 'created.one@example.test',
        tenant: tenant.name,
        firstname: 'Created',
      }),
    );
    expect(calls.filter((c) => c.includes('/users'))).toEqual([
      'GET /api/2/users/check_login',
      'POST /api/2/users',
    ]);
    const user = shell.variables.created_user as { id: string; login: string; activated: boolean };
    expect(user).toMatchObject({ login: 'created.one', activated: false, version: 1 });
    expect(shell.variables.user_id).toBe(user.id);
    expect(shell.notes).toContain(`Undo with: await deleteUser('${user.id}')`);
    expect(shell.notes.join('\n')).toMatch(/personal tenant/);
  });

  it('refuses a taken login after check_login, and wrong arguments before any call', async () => {
    shell = await stepSession(emulator);
    const { tenant, user } = await customerWithUser();
    const taken = await refusal(
      createUser(shell.session, user.login, { email: 'x@example.test', tenant: tenant.id }),
    );
    expect(taken.message).toMatch(/already taken \(check_login answered 409\)/);
    await nothingSent(async () => {
      expect((await refusal(createUser(shell.session))).message).toMatch(
        /createUser expects a login and an e-mail/,
      );
      expect(
        (await refusal(createUser(shell.session, 'ab', { email: 'a@b.test' }))).message,
      ).toMatch(/expects a login of 3 to 255 letters/);
      expect((await refusal(createUser(shell.session, 'good.login'))).message).toMatch(
        /expects the user's e-mail too/,
      );
      expect(
        (await refusal(createUser(shell.session, 'good.login', { email: 'not-an-address' })))
          .message,
      ).toMatch(/expects email to be an e-mail address/);
      expect(
        (await refusal(createUser(shell.session, 'good.login', { emial: 'a@b.test' }))).message,
      ).toMatch(/createUser has no option 'emial'/);
    });
  });

  it('asks for the login and the e-mail in a terminal', async () => {
    const { asked, ask } = scripted({ input: ['asked.login', 'asked.login@example.test'] });
    shell = await stepSession(emulator, { ask });
    const user = await createUser(shell.session);
    expect(user.login).toBe('asked.login');
    expect(asked).toEqual(['Login of the new user:', "The user's e-mail:"]);
  });
});

describe('activateUser and the activation check (activating-user-account)', () => {
  it('by e-mail: sends the activation e-mail; getUser says activated: false; no undo', async () => {
    shell = await stepSession(emulator);
    const { user } = await customerWithUser();
    const calls = await sent(() => activateUser(shell.session, user.login));
    expect(writes(calls)).toEqual([`POST /api/2/users/${user.id}/send-activation-email`]);
    expect(shell.notes.at(-1)).toMatch(/activation e-mail went to helper\.user\d+@example\.test/);
    expect(shell.notes.some((n) => n.startsWith('Undo'))).toBe(false);
    const read = await getUser(shell.session, { id: user.id });
    expect(read.activated).toBe(false);
    expect(shell.variables.version).toBe(read.version);
  });

  it('by password: activated, and a second time sends nothing', async () => {
    shell = await stepSession(emulator);
    const { user } = await customerWithUser();
    const password = 'Activate-Pässword-77';
    registerSecrets(password);
    const after = await activateUser(shell.session, user.id, { password });
    expect(after.activated).toBe(true);
    expect(shell.notes.some((n) => n.startsWith('Undo'))).toBe(false);
    await nothingSent(async () => {
      await refusal(activateUser(shell.session, user.id, { password: 'short' }));
      await refusal(activateUser(shell.session, user.id, { pasword: password }));
    });
    const writesAgain = writes(await sent(() => activateUser(shell.session, user.id)));
    expect(writesAgain).toEqual([]);
    expect(shell.notes.at(-1)).toMatch(/already activated; nothing was sent/);
    expect(JSON.stringify([shell.notes, shell.calls])).not.toContain(password);
  });

  it('{password: true} asks twice, masked; without a terminal it says to pass the password', async () => {
    const password = 'Asked-Masked-Secret-1';
    registerSecrets(password);
    const { asked, ask } = scripted({ password: [password, password] });
    shell = await stepSession(emulator, { ask });
    const { user } = await customerWithUser();
    expect((await activateUser(shell.session, user.id, { password: true })).activated).toBe(true);
    expect(asked.filter((q) => /password/i.test(q))).toHaveLength(2);
    await shell.close();
    shell = await stepSession(emulator);
    await nothingSent(async () => {
      const e = await refusal(activateUser(shell.session, user.id, { password: true }));
      expect(e.message).toMatch(/only in a terminal; pass it as \{password: '...'\}/);
    });
  });
});

describe('getUser and updateUser, setPassword (fetching-updating-user)', () => {
  it('getUser takes an id, a login or an object; an unknown login is one sentence', async () => {
    shell = await stepSession(emulator);
    const { user } = await customerWithUser();
    for (const ref of [user.id, user.login, user.login.toUpperCase(), user]) {
      expect((await getUser(shell.session, ref)).id).toBe(user.id);
    }
    expect(shell.notes.at(-1)).toMatch(/enabled, not activated .* version = 1$/);
    const unknown = await refusal(getUser(shell.session, 'nobody.here'));
    expect(unknown.message).toMatch(/no user has the login 'nobody\.here'.*user UUID, a login/);
    await nothingSent(async () => {
      await refusal(getUser(shell.session, 42));
      await refusal(getUser(shell.session, 'x'));
      await refusal(getUser(shell.session, '!!!'));
      await refusal(getUser(shell.session));
    });
  });

  it('updateUser changes the e-mail and contact with the current version, and prints the undo', async () => {
    shell = await stepSession(emulator);
    const { user } = await customerWithUser();
    const saved = await updateUser(shell.session, user.id, {
      email: 'changed@example.test',
      firstname: 'Upd',
    });
    expect(saved.contact).toMatchObject({ email: 'changed@example.test', firstname: 'Upd' });
    expect(saved.version).toBe(user.version + 1);
    const undo = shell.notes.at(-1) ?? '';
    const phoned = await updateUser(shell.session, user.login, {
      phone: '+1 555 0100',
      language: 'de',
    });
    expect(phoned.contact).toMatchObject({ phone: '+1 555 0100', email: 'changed@example.test' });
    expect(shell.notes.at(-1)).toBe(
      `Undo with: await updateUser('${user.id}', {phone: "", language: "en"})`,
    );
    expect(undo).toBe(
      `Undo with: await updateUser('${user.id}', {email: "${user.contact?.email}", firstname: ""})`,
    );
    await nothingSent(async () => {
      await refusal(updateUser(shell.session, user.id));
      await refusal(updateUser(shell.session, user.id, { email: 'nope' }));
      await refusal(updateUser(shell.session, user.id, { fax: '1' }));
      await refusal(updateUser(shell.session, user.id, { phone: 42 }));
      await refusal(updateUser(shell.session, user.id, { language: 'english please' }));
    });
  });

  it('an activated user keeps the old e-mail until confirmed: said in one note', async () => {
    shell = await stepSession(emulator);
    const { user } = await customerWithUser();
    await activateUser(shell.session, user.id, { password: 'Activated-Before-99' });
    const saved = await updateUser(shell.session, user.id, { email: 'later@example.test' });
    expect(saved.contact?.email).toBe(user.contact?.email);
    expect(shell.notes.join('\n')).toMatch(/confirmation link went to the old address/);
  });

  it('setPassword asks to confirm for an activated user; {yes: true} sets it; no undo line', async () => {
    shell = await stepSession(emulator);
    const { user } = await customerWithUser();
    const first = 'First-Password-123';
    const second = 'Second-Password-456';
    registerSecrets(first, second);
    // Not activated yet: setting it activates, nothing to confirm.
    expect((await setPassword(shell.session, user.id, { password: first })).activated).toBe(true);
    const before = received.length;
    const e = await refusal(setPassword(shell.session, user.login, { password: second }));
    expect(e.message).toMatch(/old one stops working.*pass \{yes: true\} to setPassword/);
    expect(writes(received.slice(before))).toEqual([]);
    await setPassword(shell.session, user.login, { password: second, yes: true });
    expect(shell.notes.at(-1)).toMatch(/there is no undo/);
    expect(shell.notes.some((n) => n.startsWith('Undo'))).toBe(false);
    await nothingSent(async () => {
      const short = await refusal(setPassword(shell.session, user.id, { password: 'abc1234' }));
      expect(short.message).toMatch(/8 to 256 characters, not one of 7/);
      expect(short.message).not.toContain('abc1234');
      const bare = await refusal(setPassword(shell.session, user.id, 'Bare-Text-Password'));
      expect(bare.message).toMatch(/takes the password as an option, \{password: '...'\}/);
      expect(bare.message).not.toContain('Bare-Text');
      expect(shell.client.redactor.redact('Bare-Text-Password')).not.toContain('Bare-Text');
      await refusal(setPassword(shell.session, user.id));
      await refusal(setPassword(shell.session, user.id, { password: second, yes: 'sure' }));
    });
    expect(JSON.stringify([shell.notes, shell.calls, received])).not.toMatch(
      new RegExp(`${first}|${second}`),
    );
  });

  it('answering no in a terminal sends nothing', async () => {
    const { asked, ask } = scripted({ confirm: false });
    shell = await stepSession(emulator, { ask });
    const { user } = await customerWithUser();
    await setPassword(shell.session, user.id, { password: 'Activates-It-0001' });
    const calls = await sent(() =>
      setPassword(shell.session, user.id, { password: 'Would-Change-0002' }),
    );
    expect(writes(calls)).toEqual([]);
    expect(asked).toEqual([`Set a new password for '${user.login}'?`]);
    expect(shell.notes.at(-1)).toBe('Nothing was sent.');
  });
});

describe('roles and setRoles (checking-changing-roles)', () => {
  it("reads the roles, replaces them, says how to undo, and takes the partner page's name", async () => {
    shell = await stepSession(emulator);
    const { tenant, user } = await customerWithUser('partner');
    expect(await roles(shell.session, user.login)).toEqual([]);
    const set = await setRoles(shell.session, user.id, 'company_admin');
    expect(set.map((p) => [p.role_id, p.tenant_id])).toEqual([['partner_admin', tenant.id]]);
    expect(shell.notes.join('\n')).toMatch(
      /"company administrator"\): partner_admin is what is sent/,
    );
    expect(shell.notes.at(-1)).toBe(`Undo with: await setRoles('${user.id}', [])`);
    const changed = await setRoles(shell.session, user, ['Hybrid infrastructure administrator']);
    expect(changed.map((p) => p.role_id)).toEqual(['hci_admin']);
    expect(shell.notes.at(-1)).toBe(`Undo with: await setRoles('${user.id}', ['partner_admin'])`);
    expect((await roles(shell.session, user.id)).map((p) => p.role_id)).toEqual(['hci_admin']);
    const again = await sent(() => setRoles(shell.session, user.id, ['hci_admin']));
    expect(writes(again)).toEqual([]);
    await nothingSent(async () => {
      const e = await refusal(setRoles(shell.session, user.id, ['boss']));
      expect(e.message).toMatch(/setRoles expects role ids such as partner_admin/);
      await refusal(setRoles(shell.session, user.id));
      await refusal(setRoles(shell.session, user.id, [{ rol: 'hci_admin' }]));
    });
  });

  it('taking every role away asks first; {yes: true} does it', async () => {
    shell = await stepSession(emulator);
    const { user } = await customerWithUser();
    await setRoles(shell.session, user.id, ['company_admin']);
    const before = received.length;
    const e = await refusal(setRoles(shell.session, user.id, []));
    expect(e.message).toMatch(
      /loses every role \(company_admin in .*pass \{yes: true\} to setRoles/,
    );
    expect(writes(received.slice(before))).toEqual([]);
    expect(await setRoles(shell.session, user.id, [], { yes: true })).toEqual([]);
    expect(shell.notes.at(-1)).toBe(`Undo with: await setRoles('${user.id}', ['company_admin'])`);
  });
});

describe('setUserMfa (toggling-user-2fa)', () => {
  it('enabling asks first; {yes: true} enables; disabling is not asked; each has its undo', async () => {
    shell = await stepSession(emulator);
    const { user } = await customerWithUser();
    const before = received.length;
    const e = await refusal(setUserMfa(shell.session, user.login, true));
    expect(e.message).toMatch(
      /locks them out until they set up .*pass \{yes: true\} to setUserMfa/,
    );
    expect(writes(received.slice(before))).toEqual([]);
    const on = await setUserMfa(shell.session, user.login, true, { yes: true });
    expect(on.mfa_status).toMatch(/^(setup_required|enabled)$/);
    expect(shell.notes.at(-1)).toBe(`Undo with: await setUserMfa('${user.id}', false)`);
    const off = await setUserMfa(shell.session, user, false);
    expect(off.mfa_status).toBe('disabled');
    expect(shell.notes.at(-1)).toBe(`Undo with: await setUserMfa('${user.id}', true)`);
    expect(writes(await sent(() => setUserMfa(shell.session, user.id, false)))).toEqual([]);
    await nothingSent(async () => {
      await refusal(setUserMfa(shell.session, user.id, 'on'));
      await refusal(setUserMfa(shell.session, user.id));
      await refusal(setUserMfa(shell.session, user.id, true, { yse: true }));
    });
  });
});

describe('disableUser, enableUser, deleteUser (disabling-enabling-deleting-user)', () => {
  it('disable asks first, then locks the user out; enable undoes it', async () => {
    shell = await stepSession(emulator);
    const { tenant, user } = await customerWithUser();
    const before = received.length;
    const e = await refusal(disableUser(shell.session, user.id));
    expect(e.message).toContain(`Disabling '${user.login}' of '${tenant.name}' locks them out`);
    expect(e.message).toMatch(/pass \{yes: true\} to disableUser/);
    expect(writes(received.slice(before))).toEqual([]);
    const off = await disableUser(shell.session, user.login, { yes: true });
    expect(off).toMatchObject({ enabled: false, version: user.version + 1 });
    expect(shell.notes.at(-1)).toBe(`Undo with: await enableUser('${user.id}')`);
    const on = await enableUser(shell.session, user.login);
    expect(on.enabled).toBe(true);
    expect(shell.notes.at(-1)).toBe(`Undo with: await disableUser('${user.id}')`);
    await nothingSent(async () => {
      await refusal(enableUser(shell.session, user.id, { yes: true }));
      await refusal(disableUser(shell.session, user.id, { yes: 1 }));
    });
  });

  it("the session's --yes answers the confirmations, as {yes: true} does", async () => {
    shell = await stepSession(emulator, { assumeYes: true });
    const { user } = await customerWithUser();
    expect((await disableUser(shell.session, user.id)).enabled).toBe(false);
    expect((await deleteUser(shell.session, user.login)).deleted).toBe(true);
  });

  it('delete asks first, disables, deletes with the version, and prints no undo', async () => {
    shell = await stepSession(emulator);
    const { tenant, user } = await customerWithUser();
    const before = received.length;
    const e = await refusal(deleteUser(shell.session, user.login));
    expect(e.message).toContain(`Deleting '${user.login}' of '${tenant.name}'`);
    expect(e.message).toMatch(/cannot be undone.*disabled first.*pass \{yes: true\} to deleteUser/);
    expect(writes(received.slice(before))).toEqual([]);
    const calls = await sent(() => deleteUser(shell.session, user.login, { yes: true }));
    expect(writes(calls)).toEqual([
      `PUT /api/2/users/${user.id}`,
      `DELETE /api/2/users/${user.id}`,
    ]);
    expect(shell.notes.at(-1)).toMatch(/is deleted; there is no undo/);
    expect(shell.notes.some((n) => n.startsWith('Undo'))).toBe(false);
    const gone = await shell.client.raw('GET', `/users/${user.id}`);
    expect(gone.status_code).toBeGreaterThanOrEqual(400);
  });
});

describe('loginAs (logging-in-on-behalf-of-user)', () => {
  it('asks first; with {yes: true} sets ott, masked everywhere, and it logs in once', async () => {
    shell = await stepSession(emulator);
    const { user } = await customerWithUser();
    const before = received.length;
    const e = await refusal(loginAs(shell.session, user.login));
    expect(e.message).toMatch(
      /log in as .*once; it cannot be taken back.*pass \{yes: true\} to loginAs/,
    );
    expect(received.slice(before).some((l) => l.startsWith('POST /api/2/idp/ott'))).toBe(false);
    const result = await loginAs(shell.session, user.login, { yes: true });
    registerSecrets(result.ott);
    expect(result).toMatchObject({ user_id: user.id, login: user.login });
    expect(shell.variables.ott).toBe(result.ott);
    expect(shell.notes.at(-1)).toMatch(/one login only and expires within minutes/);
    expect(shell.notes.some((n) => n.startsWith('Undo'))).toBe(false);
    const login = await shell.client.raw('POST', '/idp/ott/login', { json: { ott: result.ott } });
    expect(login.status_code).toBe(200);
    const redacted = shell.client.redactor.redact(JSON.stringify(result));
    expect(redacted).not.toContain(result.ott);
    expect(JSON.stringify([shell.notes, shell.calls, received])).not.toContain(result.ott);
    await disableUser(shell.session, user.id, { yes: true });
    await nothingSent(async () => {
      await refusal(loginAs(shell.session, user.id, { yes: 'y' }));
    });
    expect((await refusal(loginAs(shell.session, user.id, { yes: true }))).message).toMatch(
      /is disabled.*no one-time token/,
    );
  });
});

describe('hostile arguments to the user helpers', () => {
  const hostile = [
    '\u001b]0;PWNED\u0007\u001b[2J evil\nline',
    'x'.repeat(100_000),
    '',
    { id: 'not-a-uuid' },
    ['new.user'],
    null,
  ];

  it('are each refused in one line, control characters shown, before any request', async () => {
    shell = await stepSession(emulator);
    const calls = [
      (v: unknown) => getUser(shell.session, v),
      (v: unknown) => createUser(shell.session, v, { email: 'a@b.test' }),
      (v: unknown) => createUser(shell.session, 'fine.login', { email: v }),
      (v: unknown) => setRoles(shell.session, emulator.tenant_id, [v]),
      (v: unknown) => updateUser(shell.session, v, { firstname: 'A' }),
      (v: unknown) => deleteUser(shell.session, v, { yes: true }),
      (v: unknown) => loginAs(shell.session, v, { yes: true }),
      (v: unknown) => setUserMfa(shell.session, v, false),
    ];
    let refused = 0;
    await nothingSent(async () => {
      for (const call of calls) {
        for (const value of hostile) {
          const e = await refusal(call(value));
          expect(hasControl(e.message) || e.message.includes('\n')).toBe(false);
          expect(e.message.length).toBeLessThan(400);
          refused += 1;
        }
      }
    });
    expect(refused).toBe(calls.length * hostile.length);
  });
});
