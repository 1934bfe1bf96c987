import { describe, expect, it } from 'vitest';
import {
  authorizeStudio,
  forbiddenDestinationFields,
  mayListRecord,
  StudioAccessError,
  type StudioAccessLists,
  urlHost,
} from '../../../shared/src/authorization/studio-access';
import { readStudioAccessLists } from '../../../shared/src/config/environment';

const STUDIO_A = 'LIVEPRODUCER_POST-cn-aaaa00001';
const STUDIO_B = 'LIVEPRODUCER_POST-cn-bbbb00002';
const OWN_CONFIG = { DomainName: 'a.example.com', CallbackUrl: 'https://hooks.example.com/live?auth_key=1-0-0-x' };

function lists(env: Record<string, string>): StudioAccessLists {
  return readStudioAccessLists(env);
}

describe('the studio allow-list', () => {
  it('refuses a studio not on ALLOWED_CASTER_IDS with a Forbidden error naming CasterId', () => {
    // Act
    const attempt = () => authorizeStudio(lists({ ALLOWED_CASTER_IDS: STUDIO_A }), STUDIO_B);

    // Assess
    expect(attempt).toThrow(StudioAccessError);
    expect(attempt).toThrow(
      expect.objectContaining({ code: 'Forbidden', fieldErrors: { CasterId: [expect.stringMatching(/ALLOWED_CASTER_IDS/)] } }),
    );
  });

  it.each([
    ['a listed studio', { ALLOWED_CASTER_IDS: ` ${STUDIO_B} ,${STUDIO_A}` }, STUDIO_A, undefined],
    ['the deployment’s own CASTER_ID', { ALLOWED_CASTER_IDS: STUDIO_B }, STUDIO_A, STUDIO_A],
    ['any studio when only domains are listed', { ALLOWED_DOMAINS: 'a.example.com' }, STUDIO_B, undefined],
    ['any studio when nothing is listed', {}, STUDIO_B, undefined],
  ])('allows %s', (_name, env, casterId, defaultCasterId) => {
    // Act
    const attempt = () => authorizeStudio(lists(env), casterId, defaultCasterId);

    // Assess
    expect(attempt).not.toThrow();
  });

  it('refuses a list that is set but names nothing, rather than allowing everything', () => {
    // Act
    const attempt = () => readStudioAccessLists({ ALLOWED_CASTER_IDS: ' , ' });

    // Assess
    expect(attempt).toThrow(/ALLOWED_CASTER_IDS and ALLOWED_DOMAINS must list at least one entry/);
  });
});

describe('the domain allow-list', () => {
  const destination = { DomainName: 'a.example.com', CallbackUrl: 'https://hooks.example.com/live' };

  it('allows anything when neither list is set', () => {
    // Assess
    expect(forbiddenDestinationFields(lists({}), { DomainName: 'evil.example', CallbackUrl: 'https://evil.example/' })).toBeUndefined();
  });

  it('allows listed domains, compared in lowercase, for the DomainName and the CallbackUrl host', () => {
    // Act
    const forbidden = forbiddenDestinationFields(lists({ ALLOWED_DOMAINS: 'A.Example.com,hooks.example.com' }), {
      DomainName: 'a.EXAMPLE.com',
      CallbackUrl: 'https://HOOKS.example.com:8443/live',
    });

    // Assess
    expect(forbidden).toBeUndefined();
  });

  it('names each field whose domain is not allowed', () => {
    // Act
    const forbidden = forbiddenDestinationFields(lists({ ALLOWED_DOMAINS: 'a.example.com' }), {
      DomainName: 'b.example.com',
      CallbackUrl: 'https://evil.example/hook',
    });

    // Assess
    expect(Object.keys(forbidden ?? {})).toEqual(['DomainName', 'CallbackUrl']);
  });

  it('does not match subdomains or look-alike suffixes', () => {
    // Act
    const forbidden = forbiddenDestinationFields(lists({ ALLOWED_DOMAINS: 'example.com' }), {
      DomainName: 'a.example.com',
      CallbackUrl: 'https://evilexample.com/',
    });

    // Assess
    expect(Object.keys(forbidden ?? {})).toEqual(['DomainName', 'CallbackUrl']);
  });

  it('counts the listed studio’s own DomainName and CallbackUrl host as allowed', () => {
    // Act
    const forbidden = forbiddenDestinationFields(lists({ ALLOWED_CASTER_IDS: STUDIO_A }), destination, OWN_CONFIG);

    // Assess
    expect(forbidden).toBeUndefined();
  });

  it('refuses a destination that is neither listed nor the studio’s own', () => {
    // Act
    const forbidden = forbiddenDestinationFields(lists({ ALLOWED_CASTER_IDS: STUDIO_A }), destination);

    // Assess
    expect(Object.keys(forbidden ?? {})).toEqual(['DomainName', 'CallbackUrl']);
  });
});

describe('a SideOutputUrl the plan gives', () => {
  const OWN_WITH_SIDE_OUTPUT = { ...OWN_CONFIG, SideOutputUrl: 'rtmp://push.example.com/caster/own?auth_key=1-0-0-y' };

  it('is refused, by name, when its host is neither listed nor the studio’s own', () => {
    // Act
    const forbidden = forbiddenDestinationFields(
      lists({ ALLOWED_CASTER_IDS: STUDIO_A }),
      { ...OWN_CONFIG, SideOutputUrl: 'rtmp://attacker.example.org/live/steal' },
      OWN_WITH_SIDE_OUTPUT,
    );

    // Assess
    expect(forbidden).toEqual({ SideOutputUrl: [expect.stringMatching(/ALLOWED_DOMAINS or the studio's own/)] });
  });

  it.each([
    ['the listed studio’s own SideOutputUrl host', { ALLOWED_CASTER_IDS: STUDIO_A }, 'rtmp://PUSH.example.com/caster/other'],
    ['a listed domain', { ALLOWED_CASTER_IDS: STUDIO_A, ALLOWED_DOMAINS: 'relay.example.com' }, 'rtmps://relay.example.com:443/live/x'],
  ])('is allowed on %s', (_case, env, sideOutputUrl) => {
    // Act
    const forbidden = forbiddenDestinationFields(lists(env), { ...OWN_CONFIG, SideOutputUrl: sideOutputUrl }, OWN_WITH_SIDE_OUTPUT);

    // Assess
    expect(forbidden).toBeUndefined();
  });
});

describe('which ledger records a deployment may list', () => {
  it.each([
    ['shows any record without lists', {}, STUDIO_B, 'b.example.com', true],
    ['shows a listed studio’s record', { ALLOWED_CASTER_IDS: STUDIO_A }, STUDIO_A, 'anything.example.com', true],
    ['hides another studio’s record', { ALLOWED_CASTER_IDS: STUDIO_A }, STUDIO_B, 'a.example.com', false],
    ['hides a record naming no studio, on no listed domain', { ALLOWED_CASTER_IDS: STUDIO_A }, undefined, 'a.example.com', false],
    [
      'shows a record naming no studio, on a listed domain',
      { ALLOWED_CASTER_IDS: STUDIO_A, ALLOWED_DOMAINS: 'a.example.com' },
      undefined,
      'A.example.com',
      true,
    ],
    [
      'shows any studio’s record on a listed domain when only domains are listed',
      { ALLOWED_DOMAINS: 'a.example.com' },
      STUDIO_B,
      'a.example.com',
      true,
    ],
    [
      'hides a record on another domain when only domains are listed',
      { ALLOWED_DOMAINS: 'a.example.com' },
      STUDIO_B,
      'b.example.com',
      false,
    ],
  ])('%s', (_case, env, casterId, domain, expected) => {
    // Act
    const listed = mayListRecord(lists(env), { CasterId: casterId, DomainName: domain });

    // Assess
    expect(listed).toBe(expected);
  });
});

describe('urlHost', () => {
  it.each([
    ['https://Hooks.Example.com:8443/a?b#c', 'hooks.example.com'],
    ['http://[2001:db8::1]:80/x', '2001:db8::1'],
    ['rtmp://user@live.example.com/app', 'live.example.com'],
    ['no scheme', undefined],
    ['http:///path', undefined],
  ])('reads the host of %s', (url, host) => {
    // Assess
    expect(urlHost(url)).toBe(host);
  });
});
