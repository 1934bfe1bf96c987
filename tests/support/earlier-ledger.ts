// The ledger of the release before the timeline, as that release left it, for the `ledger migrate` tests: groups
// made for real in the emulator by the built CLI, and the earlier ledger written where that release kept it.
import { writeFile } from 'node:fs/promises';
import Redis from 'ioredis';
import { expect } from 'vitest';
import { DEMO_STUDIO } from '../../emulator/index';
import { samplePlan } from './plan-fixtures';
import { type CliRun, runBuiltCli } from './run-built-cli';

const ok = (run: CliRun): Record<string, unknown> => {
  expect(run.exitCode, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Record<string, unknown>;
};
const startAt = (seconds: number): string =>
  new Date(Math.floor(Date.now() / 1000 + seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

export interface EarlierWorld {
  /** The scope's entries as the earlier release kept them: groups by ProgramId, unanswered intents by token. */
  readonly records: Record<string, Record<string, unknown>>;
  readonly intents: Record<string, Record<string, unknown>>;
  readonly superseded: string;
  readonly successor: string;
  readonly unanswered: { readonly token: string; readonly programId: string };
  readonly plans: { readonly superseded: string };
}

/**
 * The studio and the earlier ledger as the earlier release left them: in slot `daily`, A (started 2 minutes ago)
 * superseded by B (started a minute ago), both still in the studio; C sent, made, and its answer lost, so the
 * ledger holds only its intent. The groups are made for real by the built CLI without a ledger.
 */
export async function earlierWorld(
  env: Record<string, string>,
  planFile: (plan: Record<string, unknown>) => Promise<string>,
): Promise<EarlierWorld> {
  const plans = {
    a: samplePlan({ StartTime: startAt(-120), RepeatNum: -1 }),
    b: samplePlan({ StartTime: startAt(-60), RepeatNum: -1 }),
    c: samplePlan({ StartTime: startAt(3600), RepeatNum: -1 }),
  };
  const files = { a: await planFile(plans.a), b: await planFile(plans.b), c: await planFile(plans.c) };
  const [a, b, c] = [
    ok(await runBuiltCli(['submit', files.a, '--slot', 'daily'], env)),
    ok(await runBuiltCli(['submit', files.b, '--slot', 'daily'], env)),
    ok(await runBuiltCli(['submit', files.c, '--slot', 'nightly'], env)),
  ];
  const createdAt = new Date(Date.now() - 600_000).toISOString();
  // What the studio lookup resolved and the requests carried, SideOutputUrl included.
  const resolved = { CallbackUrl: DEMO_STUDIO.CallbackUrl, DomainName: DEMO_STUDIO.DomainName, SideOutputUrl: DEMO_STUDIO.SideOutputUrl };
  const group = (answer: Record<string, unknown>, plan: Record<string, unknown>, state: string, extra: Record<string, unknown> = {}) => ({
    ProgramId: answer['ProgramId'],
    ItemIds: answer['ItemIds'],
    ClientToken: answer['ClientToken'],
    Generation: 1,
    Slot: 'daily',
    CasterId: DEMO_STUDIO.CasterId,
    DomainName: DEMO_STUDIO.DomainName,
    StartTime: plan['StartTime'],
    RepeatNum: plan['RepeatNum'],
    Items: plan['Items'],
    Trigger: { kind: 'cli' },
    CreatedAt: createdAt,
    State: state,
    UpdatedAt: createdAt,
    Resolved: resolved,
    RequestId: `request-${String(answer['ProgramId'])}`,
    ...extra,
  });
  return {
    records: {
      [a['ProgramId'] as string]: group(a, plans.a, 'superseded', { SupersededBy: b['ProgramId'] }),
      [b['ProgramId'] as string]: group(b, plans.b, 'scheduled'),
    },
    intents: {
      [c['ClientToken'] as string]: {
        ClientToken: c['ClientToken'],
        BaseToken: c['ClientToken'],
        Generation: 1,
        Slot: 'nightly',
        CasterId: DEMO_STUDIO.CasterId,
        StartTime: plans.c['StartTime'],
        RepeatNum: plans.c['RepeatNum'],
        Items: plans.c['Items'],
        Trigger: { kind: 'cli' },
        CreatedAt: createdAt,
        Resolved: resolved,
      },
    },
    superseded: a['ProgramId'] as string,
    successor: b['ProgramId'] as string,
    unanswered: { token: c['ClientToken'] as string, programId: c['ProgramId'] as string },
    plans: { superseded: files.a },
  };
}

/** Writes the earlier ledger where the earlier release kept it: a format-1 file, or its hashes in Redis. */
export async function writeEarlierLedger(
  target: { readonly ledgerFile: string } | { readonly redisUrl: string },
  scope: string,
  world: EarlierWorld,
): Promise<void> {
  if ('ledgerFile' in target) {
    const data = { records: world.records, tokens: {}, intents: world.intents, generations: {}, slots: {} };
    await writeFile(target.ledgerFile, JSON.stringify({ format: 'caster-carousel-ledger', version: 1, scopes: { [scope]: data } }));
    return;
  }
  const client = new Redis(target.redisUrl);
  try {
    const base = `caster-carousel:ledger:{${scope}}`;
    for (const [programId, record] of Object.entries(world.records)) {
      const { State, SupersededBy, UpdatedAt, ...body } = record;
      await client.hset(`${base}:records`, programId, JSON.stringify(body));
      await client.hset(`${base}:states`, programId, JSON.stringify({ State, SupersededBy, UpdatedAt }));
      await client.hset(`${base}:tokens`, record['ClientToken'] as string, programId);
    }
    for (const [token, intent] of Object.entries(world.intents)) await client.hset(`${base}:intents`, token, JSON.stringify(intent));
  } finally {
    client.disconnect();
  }
}
