// Keeps the world across restarts and crashes. Every change is appended to a journal and
// fdatasync'd before the answer leaves (see World.commit); the journal is folded into a
// snapshot written atomically (temp file, fsync, rename, fsync dir) at start, at close and
// when it grows. A torn last journal line (kill -9 mid-write) is dropped; anything else that
// does not parse is refused, never silently replaced by a fresh world. One emulator at a time
// per state file: FILE.lock names the one that has it (two appending to one journal lose
// changes on replay).
import {
  closeSync,
  existsSync,
  fdatasyncSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname } from 'node:path';
import { acquireLock, describeHolder, type HeldLock, LockHeldError } from '../lock-file.ts';
import * as z from '../schemas/zod.ts';
import { type Change, World } from './world.ts';

const FORMAT = 'tenant-shell-emulator-state';
const COMPACT_AFTER_BYTES = 8 * 1024 * 1024;

export class StateFileError extends Error {
  /** `reason` says how it is corrupted; `message` replaces the whole sentence instead. */
  constructor(file: string, reason: string, message?: string) {
    super(
      message ??
        `State file ${file} is corrupted (${reason}); fix or move it away, or pass another --state path.`,
    );
    this.name = 'StateFileError';
  }
}

/** The path is a folder, not a file: the state file goes inside it, under a name of its own. */
function refuseFolder(file: string): void {
  let folder = false;
  try {
    folder = statSync(file).isDirectory();
  } catch {
    return; // not there yet: it will be created
  }
  if (folder) {
    throw new StateFileError(
      file,
      'a folder',
      `--state ${file} is a folder; give a file path, e.g. --state ${file.replace(/\/+$/, '')}/emulator-state.json.`,
    );
  }
}

function lockStateFile(file: string): HeldLock {
  try {
    return acquireLock(`${file}.lock`, 'emulator');
  } catch (error) {
    if (!(error instanceof LockHeldError)) throw error;
    throw new StateFileError(
      file,
      'in use',
      `State file ${file} is in use by another emulator, ${describeHolder(error.holder)}; stop that one, or pass another --state path.`,
    );
  }
}

const Str = z.string();
const NStr = z.nullable(z.string());
const Int = z.int();
const TenantRecSchema = z.object({
  id: Str,
  version: Int,
  name: Str,
  kind: z.enum(['root', 'partner', 'folder', 'customer', 'unit']),
  parent_id: NStr,
  enabled: z.boolean(),
  ancestral_access: z.boolean(),
  customer_id: NStr,
  internal_tag: NStr,
  language: Str,
  contact: z.record(Str, z.unknown()),
  owner_id: NStr,
  update_lock: z.object({ enabled: z.boolean(), owner_id: NStr }),
  mfa_status: z.enum(['enabled', 'disabled', 'disable_in_progress']),
  pricing_mode: z.enum(['trial', 'production', 'suspended']),
  // Fields added with the onboarding journey: defaults keep older state files loading.
  production_start_date: z._default(NStr, null),
  pricing_version: z._default(Int, 0),
  currency: z._default(NStr, null),
  enhanced_security: z._default(z.boolean(), false),
  creator_client: z._default(NStr, null),
  applications: z._default(z.array(Str), []),
  offering_items: z._default(
    z.array(
      z.object({
        name: Str,
        infra_id: NStr,
        status: z.union([z.literal(0), z.literal(1)]),
        value: z.nullable(z.number()),
        overage: z.nullable(z.number()),
        version: z.number(),
      }),
    ),
    [],
  ),
  created_at: Str,
  updated_at: Str,
  deleted_at: NStr,
});
const UserRecSchema = z.object({
  id: Str,
  version: Int,
  login: Str,
  tenant_id: Str,
  personal_tenant_id: NStr,
  enabled: z.boolean(),
  activated: z.boolean(),
  contact: z.record(Str, z.unknown()),
  mfa_status: z.enum(['disabled', 'forcibly_disabled', 'setup_required', 'enabled']),
  created_at: Str,
  updated_at: Str,
  password: z.nullable(z.object({ salt: Str, hash: Str })),
  totp_secret: NStr,
  totp_setup: z.boolean(),
  roles: z._default(
    z.array(
      z.object({
        id: Str,
        issuer_id: Str,
        tenant_id: Str,
        role_id: Str,
        version: Int,
      }),
    ),
    [],
  ),
  language: z._default(Str, 'en'),
  notifications: z._default(z.array(Str), []),
  business_types: z._default(z.array(Str), []),
});
const ReportRecSchema = z.object({
  id: Str,
  version: Int,
  tenant_id: Str,
  parameters: z.record(Str, z.unknown()),
  schedule: z.object({ type: z.enum(['once', 'monthly']), enabled: z.boolean() }),
  result_action: z.enum(['save', 'send']),
  recipients: z.array(Str),
  generation_date: Str,
  created_at: Str,
  stored: z.array(z.object({ id: Str, report_format: Str, created_at: Str })),
});
const ClientRecSchema = z.object({
  client_id: Str,
  secret_sha256: Str,
  tenant_id: Str,
  type: z.literal('api_client'),
  data: z.object({ client_name: Str }),
  created_by: NStr,
  created_at: Str,
});
const ChangeSchema = z.object({
  tenants: z.optional(z.array(TenantRecSchema)),
  users: z.optional(z.array(UserRecSchema)),
  clients: z.optional(z.array(ClientRecSchema)),
  reports: z.optional(z.array(ReportRecSchema)),
  deleted_users: z.optional(z.array(Str)),
  deleted_clients: z.optional(z.array(Str)),
  deleted_reports: z.optional(z.array(Str)),
});
const SnapshotSchema = z.object({
  format: z.literal(FORMAT),
  format_version: z.literal(1),
  seq: z.int().check(z.nonnegative()),
  meta: z.object({
    seed: z.number(),
    root_id: Str,
    partner_id: Str,
    client_id: Str,
    client_secret: Str,
    admin_id: Str,
    admin_login: Str,
    admin_password: Str,
    signing_key: Str,
  }),
  tenants: z.array(TenantRecSchema),
  users: z.array(UserRecSchema),
  clients: z.array(ClientRecSchema),
  reports: z._default(z.array(ReportRecSchema), []),
});
const JournalLine = z.object({ seq: z.int().check(z.positive()), change: ChangeSchema });

const describe = (error: z.core.$ZodError) => {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || 'top level'}: ${issue.message}` : 'invalid';
};

export class StateStore {
  readonly file: string;
  readonly #journalFile: string;
  #fd: number;
  #seq = 0;
  #bytes = 0;
  #world: World | null = null;
  #compactScheduled = false;
  #lock: HeldLock | null = null;

  private constructor(file: string) {
    this.file = file;
    this.#journalFile = `${file}.journal`;
    this.#fd = -1;
  }

  /** Loads (snapshot + journal) or creates the world, then compacts and starts journaling. */
  static open(file: string, fresh: () => World): { world: World; store: StateStore } {
    refuseFolder(file);
    const store = new StateStore(file);
    const lock = lockStateFile(file);
    let world: World;
    try {
      world = store.#load(fresh);
      store.#world = world;
      store.#fd = openSync(store.#journalFile, 'a', 0o600);
      store.compact();
    } catch (error) {
      lock.release();
      throw error;
    }
    store.#lock = lock;
    world.journal = (change) => store.#append(change);
    return { world, store };
  }

  #load(fresh: () => World): World {
    const snapshotText = existsSync(this.file) ? readFileSync(this.file, 'utf8') : '';
    if (snapshotText.trim() === '') {
      // No snapshot (or an empty file made with touch/mktemp): a journal would be orphaned.
      if (existsSync(this.#journalFile) && readFileSync(this.#journalFile).length > 0) {
        throw new StateFileError(this.file, `${basename(this.#journalFile)} exists without it`);
      }
      return fresh();
    }
    let data: z.infer<typeof SnapshotSchema>;
    try {
      const parsed = SnapshotSchema.safeParse(JSON.parse(snapshotText));
      if (!parsed.success) throw new StateFileError(this.file, describe(parsed.error));
      data = parsed.data;
    } catch (error) {
      if (error instanceof StateFileError) throw error;
      throw new StateFileError(this.file, 'not valid JSON');
    }
    const world = new World(data.meta);
    world.load({
      tenants: data.tenants,
      users: data.users,
      clients: data.clients,
      reports: data.reports,
    });
    this.#seq = data.seq;
    this.#replay(world);
    return world;
  }

  #replay(world: World): void {
    if (!existsSync(this.#journalFile)) return;
    const buf = readFileSync(this.#journalFile);
    const lastNewline = buf.lastIndexOf(0x0a);
    const complete = lastNewline < 0 ? '' : buf.subarray(0, lastNewline).toString('utf8');
    const lines = complete === '' ? [] : complete.split('\n');
    lines.forEach((line, i) => {
      let entry: z.infer<typeof JournalLine>;
      try {
        const parsed = JournalLine.safeParse(JSON.parse(line));
        if (!parsed.success) throw new Error(describe(parsed.error));
        entry = parsed.data;
      } catch (error) {
        const why = error instanceof SyntaxError ? 'not valid JSON' : String(error);
        throw new StateFileError(this.file, `journal line ${i + 1} is corrupted: ${why}`);
      }
      // Lines already folded into the snapshot (a crash between rename and truncate).
      if (entry.seq <= this.#seq) return;
      world.replay(entry.change as Change);
      this.#seq = entry.seq;
    });
  }

  #append(change: Change): void {
    const line = `${JSON.stringify({ seq: this.#seq + 1, change })}\n`;
    writeSync(this.#fd, line);
    fdatasyncSync(this.#fd);
    this.#seq++;
    this.#bytes += Buffer.byteLength(line);
    if (this.#bytes > COMPACT_AFTER_BYTES && !this.#compactScheduled) {
      // After the change is applied (commit applies it once this returns).
      this.#compactScheduled = true;
      setImmediate(() => {
        this.#compactScheduled = false;
        if (this.#fd >= 0) this.compact();
      });
    }
  }

  /** Writes a snapshot atomically, then empties the journal. */
  compact(): void {
    const world = this.#world;
    if (!world) return;
    const tmp = `${this.file}.tmp-${process.pid}`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      const body = JSON.stringify({
        format: FORMAT,
        format_version: 1,
        seq: this.#seq,
        ...world.snapshot(),
      });
      writeSync(fd, body);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
    fsyncDir(dirname(this.file));
    ftruncateSync(this.#fd, 0);
    fsyncSync(this.#fd);
    this.#bytes = fstatSync(this.#fd).size;
  }

  close(): void {
    if (this.#fd < 0) return;
    if (this.#world) this.#world.journal = null;
    try {
      this.compact();
    } finally {
      closeSync(this.#fd);
      this.#fd = -1;
      this.#lock?.release();
    }
  }
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic there.
  }
}
