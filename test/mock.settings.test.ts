// The mock's settings without a socket: every startMockServer option and the CLI's PORT/HOST are checked,
// refused values name the setting, the value and what is accepted, and the bind scope is said plainly. The
// stateful mock's options (fixture, directory, auth, latencyMs, chaos) and their CLI reading
// (stateOptionsFromArgs: --fixture or MOCK_FIXTURE, --directory, --auth, --latency, --chaos, --seed, --id-seed) too,
// and the shared checks a host without a server (the MSW handlers) applies to the same options.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LIMITS,
  DEFAULT_HOST,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_PORT,
  MAX_BODY_BYTES_LIMIT,
  MockSettingsError,
  describeBind,
  resolveMockOptions,
  settingsFromEnv,
  stateOptionsFromArgs,
  type MockServerOptions,
} from '../src/mock/settings.js';
import { MAX_DELAY_MS } from '../src/mock/chaos.js';
import { MAX_ID_SEED_CHARS, resolveSharedOptions } from '../src/mock/option-checks.js';

function refusal(run: () => unknown): MockSettingsError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(MockSettingsError);
    return error as MockSettingsError;
  }
  throw new Error('expected a MockSettingsError');
}

describe('resolveMockOptions', () => {
  it('applies the defaults: port 4010, loopback, 1 MiB bodies, no watch, fast path on', () => {
    const resolved = resolveMockOptions();
    expect(resolved).toMatchObject({ port: DEFAULT_PORT, host: DEFAULT_HOST, specPath: undefined, watch: false, fastPath: true });
    expect(resolved.limits).toEqual(DEFAULT_LIMITS);
    expect(resolved.limits.maxBodyBytes).toBe(DEFAULT_MAX_BODY_BYTES);
    expect(resolved.host).toBe('127.0.0.1');
    expect(resolved.port).toBe(4010);
    expect(() => resolved.log('silent by default')).not.toThrow();
  });

  it('keeps valid values as given', () => {
    const log = () => undefined;
    const limits = { maxBodyBytes: 10, headersTimeoutMs: 100, requestTimeoutMs: 200, maxConnections: 3, shutdownGraceMs: 0 };
    const options: MockServerOptions = { port: 0, host: '::1', specPath: '/tmp/spec.json', watch: true, log, fastPath: false, ...limits };
    // The stateful options left out take their defaults: the default fixture, open directory and auth, no delay, no chaos.
    const stateDefaults = { fixture: undefined, directory: 'open', auth: 'open', latencyMs: 0, chaos: undefined };
    expect(resolveMockOptions(options)).toEqual({
      port: 0,
      host: '::1',
      specPath: '/tmp/spec.json',
      watch: true,
      log,
      fastPath: false,
      limits,
      ...stateDefaults,
    });
    expect(resolveMockOptions({ port: 65535 }).port).toBe(65535);
    expect(resolveMockOptions({ maxBodyBytes: MAX_BODY_BYTES_LIMIT }).limits.maxBodyBytes).toBe(MAX_BODY_BYTES_LIMIT);
    expect(resolveMockOptions({ host: 'localhost' }).host).toBe('localhost');
    expect(resolveMockOptions({ host: '0.0.0.0' }).host).toBe('0.0.0.0');
  });

  it('reads an empty host as the loopback default, never as every interface', () => {
    expect(resolveMockOptions({ host: '' }).host).toBe('127.0.0.1');
  });

  const bad: Array<[keyof MockServerOptions, unknown, RegExp]> = [
    ['port', -1, /0 to 65535/],
    ['port', 65536, /0 to 65535/],
    ['port', 80.5, /whole number/],
    ['port', Number.NaN, /0 to 65535/],
    ['port', '4010', /0 to 65535/],
    ['host', ' ', /IP address/],
    ['host', '[::1]', /without brackets/],
    ['host', '127.0.0.1:80', /port/],
    ['host', 'a b', /spaces/],
    ['host', 42, /IP address/],
    ['specPath', '', /bundled spec/],
    ['specPath', 7, /bundled spec/],
    ['maxBodyBytes', Number.NaN, /1 to/],
    ['maxBodyBytes', Number.POSITIVE_INFINITY, /1 to/],
    ['maxBodyBytes', 0, /1 to/],
    ['maxBodyBytes', -5, /1 to/],
    ['maxBodyBytes', 1.5, /whole number/],
    ['maxBodyBytes', MAX_BODY_BYTES_LIMIT + 1, new RegExp(`to ${MAX_BODY_BYTES_LIMIT}`)],
    ['headersTimeoutMs', 0, /1 to 600000/],
    ['requestTimeoutMs', Number.NaN, /1 to 3600000/],
    ['requestTimeoutMs', 5, /at least headersTimeoutMs/],
    ['maxConnections', 2 ** 31, /1 to 1000000/],
    ['shutdownGraceMs', -1, /0 to 600000/],
    ['shutdownGraceMs', '5s', /whole number/],
    ['watch', 'yes', /true or false/],
    ['fastPath', 0, /true or false/],
    ['log', 'console', /function/],
  ];
  it.each(bad)('refuses %s = %o, naming the option, the value and what is accepted', (option, value, accepted) => {
    const error = refusal(() => resolveMockOptions({ [option]: value }));
    expect(error.setting).toBe(`options.${option}`);
    expect(error.message).toMatch(new RegExp(`^options\\.${option} `));
    expect(error.message).toMatch(accepted);
    expect(error.message).not.toContain('\n');
  });

  it('applies the stateful defaults: default fixture, open directory, open auth, no latency, no chaos', () => {
    expect(resolveMockOptions()).toMatchObject({ fixture: undefined, directory: 'open', auth: 'open', latencyMs: 0, chaos: undefined });
  });

  it.each<[string, MockServerOptions, Partial<ReturnType<typeof resolveMockOptions>>]>([
    ['a fixture path', { fixture: 'fixtures/team.yaml' }, { fixture: 'fixtures/team.yaml' }],
    ['a strict directory', { directory: 'strict' }, { directory: 'strict' }],
    ['an open directory', { directory: 'open' }, { directory: 'open' }],
    ['strict auth', { auth: 'strict' }, { auth: 'strict' }],
    ['open auth', { auth: 'open' }, { auth: 'open' }],
    ['no latency', { latencyMs: 0 }, { latencyMs: 0 }],
    ['the largest latency', { latencyMs: MAX_DELAY_MS }, { latencyMs: MAX_DELAY_MS }],
    ['chaos without a seed (seed 1)', { chaos: { rate: 0.25 } }, { chaos: { rate: 0.25, seed: 1 } }],
    ['chaos at rate 0', { chaos: { rate: 0, seed: 7 } }, { chaos: { rate: 0, seed: 7 } }],
    ['chaos at rate 1 with a negative seed', { chaos: { rate: 1, seed: -3 } }, { chaos: { rate: 1, seed: -3 } }],
    ['chaos with the largest safe seed', { chaos: { rate: 0.5, seed: Number.MAX_SAFE_INTEGER } }, { chaos: { rate: 0.5, seed: Number.MAX_SAFE_INTEGER } }],
  ])('accepts %s', (_label, options, resolved) => {
    expect(resolveMockOptions(options)).toMatchObject(resolved);
  });

  const badState: Array<[keyof MockServerOptions, unknown, RegExp]> = [
    ['fixture', '', /fixture file \(JSON or YAML\)/],
    ['fixture', 7, /fixture file/],
    ['directory', 'STRICT', /'open' or 'strict'/],
    ['directory', 'closed', /'open' or 'strict'/],
    ['directory', true, /'open' or 'strict'/],
    ['auth', 'none', /'open' or 'strict'/],
    ['auth', 1, /'open' or 'strict'/],
    ['latencyMs', -1, new RegExp(`from 0 to ${MAX_DELAY_MS}`)],
    ['latencyMs', 1.5, /whole number of milliseconds/],
    ['latencyMs', MAX_DELAY_MS + 1, new RegExp(`from 0 to ${MAX_DELAY_MS}`)],
    ['latencyMs', Number.NaN, /whole number of milliseconds/],
    ['latencyMs', '10', /whole number of milliseconds/],
    ['chaos', null, /rate: 0\.\.1/],
    ['chaos', 0.5, /rate: 0\.\.1/],
  ];
  it.each(badState)('refuses %s = %o, naming the option, the value and what is accepted', (option, value, accepted) => {
    const error = refusal(() => resolveMockOptions({ [option]: value }));
    expect(error.setting).toBe(`options.${option}`);
    expect(error.message).toMatch(new RegExp(`^options\\.${option} `));
    expect(error.message).toMatch(accepted);
    expect(error.message).not.toContain('\n');
  });

  it.each<[string, unknown, string, RegExp]>([
    ['a negative rate', { rate: -0.1 }, 'options.chaos.rate', /fraction from 0 to 1/],
    ['a rate above 1', { rate: 1.1 }, 'options.chaos.rate', /fraction from 0 to 1/],
    ['a NaN rate', { rate: Number.NaN }, 'options.chaos.rate', /fraction from 0 to 1/],
    ['a rate as text', { rate: '0.1' }, 'options.chaos.rate', /fraction from 0 to 1/],
    ['no rate', { seed: 3 }, 'options.chaos.rate', /fraction from 0 to 1/],
    ['a fractional seed', { rate: 0.1, seed: 1.5 }, 'options.chaos.seed', /whole number/],
    ['a seed past the safe integers', { rate: 0.1, seed: 2 ** 53 }, 'options.chaos.seed', /whole number/],
    ['a seed as text', { rate: 0.1, seed: '1' }, 'options.chaos.seed', /whole number/],
  ])('refuses chaos with %s, naming the part', (_label, chaos, setting, accepted) => {
    const error = refusal(() => resolveMockOptions({ chaos } as MockServerOptions));
    expect(error.setting).toBe(setting);
    expect(error.message).toMatch(accepted);
  });

  it('shows strings quoted, so an empty or padded value is visible', () => {
    expect(refusal(() => resolveMockOptions({ host: ' ' })).message).toContain('" "');
    expect(refusal(() => resolveMockOptions({ maxBodyBytes: Number.NaN })).message).toContain('NaN');
  });
});

describe('settingsFromEnv (PORT, HOST)', () => {
  it('uses 4010 and loopback when unset or empty', () => {
    expect(settingsFromEnv({})).toEqual({ port: 4010, host: '127.0.0.1' });
    expect(settingsFromEnv({ PORT: '', HOST: '' })).toEqual({ port: 4010, host: '127.0.0.1' });
  });

  it('reads plain decimal digits as the port, 0 included', () => {
    expect(settingsFromEnv({ PORT: '0' }).port).toBe(0);
    expect(settingsFromEnv({ PORT: '8080' }).port).toBe(8080);
    expect(settingsFromEnv({ PORT: '65535' }).port).toBe(65535);
  });

  it.each(['0x1362', '1e3', ' 80', '80 ', 'abc', '99999', '65536', '-1', '+80', '80.0', '١٢٣'])('refuses PORT=%j', (value) => {
    const error = refusal(() => settingsFromEnv({ PORT: value }));
    expect(error.setting).toBe('PORT');
    expect(error.message).toBe(`PORT ${JSON.stringify(value)} is not valid: use a whole number from 0 to 65535 (0 picks a free port).`);
  });

  it('takes an explicit HOST as given and refuses one that is not an address or host name', () => {
    expect(settingsFromEnv({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(settingsFromEnv({ HOST: '::' }).host).toBe('::');
    expect(settingsFromEnv({ HOST: 'localhost' }).host).toBe('localhost');
    const error = refusal(() => settingsFromEnv({ HOST: 'http://localhost' }));
    expect(error.setting).toBe('HOST');
    expect(error.message).toMatch(/^HOST "http:\/\/localhost" is not valid: use an IP address/);
  });
});

describe('stateOptionsFromArgs (--fixture or MOCK_FIXTURE, --directory, --auth, --latency, --chaos, --seed)', () => {
  it('leaves every option to its default when nothing is given', () => {
    const read = stateOptionsFromArgs({}, {});
    expect(read).toEqual({ fixture: undefined, directory: undefined, auth: undefined, latencyMs: undefined, chaos: undefined });
    expect(resolveMockOptions(read)).toMatchObject({ fixture: undefined, directory: 'open', auth: 'open', latencyMs: 0, chaos: undefined });
  });

  it('reads the fixture from MOCK_FIXTURE, and --fixture over it; an empty MOCK_FIXTURE is no fixture', () => {
    expect(stateOptionsFromArgs({}, { MOCK_FIXTURE: 'env.yaml' }).fixture).toBe('env.yaml');
    expect(stateOptionsFromArgs({ fixture: 'flag.json' }, { MOCK_FIXTURE: 'env.yaml' }).fixture).toBe('flag.json');
    expect(stateOptionsFromArgs({}, { MOCK_FIXTURE: '' }).fixture).toBeUndefined();
  });

  it('reads --directory and --auth, refusing another value under the flag it came from', () => {
    expect(stateOptionsFromArgs({ directory: 'strict', auth: 'strict' }, {})).toMatchObject({ directory: 'strict', auth: 'strict' });
    expect(refusal(() => stateOptionsFromArgs({ directory: 'closed' }, {})).message).toBe(`--directory "closed" is not valid: use 'open' or 'strict'.`);
    expect(refusal(() => stateOptionsFromArgs({ auth: 'jwt' }, {})).message).toBe(`--auth "jwt" is not valid: use 'open' or 'strict'.`);
  });

  it.each([
    ['0', 0],
    ['250', 250],
    [String(MAX_DELAY_MS), MAX_DELAY_MS],
  ])('reads --latency %s', (text, ms) => {
    expect(stateOptionsFromArgs({ latency: text }, {}).latencyMs).toBe(ms);
    expect(resolveMockOptions(stateOptionsFromArgs({ latency: text }, {})).latencyMs).toBe(ms);
  });

  it.each(['-1', '1.5', '1e3', ' 10', '10ms', '', '0x10', '100000'])('refuses --latency %j as text', (text) => {
    const error = refusal(() => stateOptionsFromArgs({ latency: text }, {}));
    expect(error.setting).toBe('--latency');
    expect(error.message).toBe(`--latency ${JSON.stringify(text)} is not valid: use a whole number of milliseconds from 0 to ${MAX_DELAY_MS}.`);
  });

  it('refuses a --latency past the largest under the flag', () => {
    const error = refusal(() => stateOptionsFromArgs({ latency: String(MAX_DELAY_MS + 1) }, {}));
    expect(error.setting).toBe('--latency');
  });

  it.each([
    ['0', 0],
    ['1', 1],
    ['0.25', 0.25],
    ['.5', 0.5],
    ['1.0', 1],
  ])('reads --chaos %s (seed 1 unless --seed)', (text, rate) => {
    expect(stateOptionsFromArgs({ chaos: text }, {}).chaos).toEqual({ rate, seed: undefined });
    expect(resolveMockOptions(stateOptionsFromArgs({ chaos: text }, {})).chaos).toEqual({ rate, seed: 1 });
  });

  it.each(['1.5', '2', '-0.1', 'abc', '', '0.', '50%', ' 0.1', '1.01'])('refuses --chaos %j', (text) => {
    const error = refusal(() => stateOptionsFromArgs({ chaos: text }, {}));
    expect(error.setting).toBe('--chaos');
    expect(error.message).toMatch(/fraction from 0 to 1/);
  });

  it.each([
    ['42', 42],
    ['-7', -7],
    ['0', 0],
    ['999999999999999', 999999999999999],
  ])('reads --seed %s with --chaos', (text, seed) => {
    expect(resolveMockOptions(stateOptionsFromArgs({ chaos: '0.1', seed: text }, {})).chaos).toEqual({ rate: 0.1, seed });
  });

  it.each(['1.5', 'abc', '', '1e3', '0x10', '+3', '1234567890123456'])('refuses --seed %j', (text) => {
    const error = refusal(() => stateOptionsFromArgs({ chaos: '0.1', seed: text }, {}));
    expect(error.setting).toBe('--seed');
    expect(error.message).toMatch(/whole number/);
  });

  it('refuses --seed without --chaos, which it would not change', () => {
    const error = refusal(() => stateOptionsFromArgs({ seed: '3' }, {}));
    expect(error.setting).toBe('--seed');
    expect(error.message).toMatch(/with --chaos/);
  });
});

describe('idSeed and --id-seed', () => {
  it('takes any text of 1 to MAX_ID_SEED_CHARS characters; default none (random ids)', () => {
    expect(resolveMockOptions({}).idSeed).toBeUndefined();
    expect(resolveMockOptions({ idSeed: 'snapshot-1' }).idSeed).toBe('snapshot-1');
    expect(resolveMockOptions({ idSeed: 'x'.repeat(MAX_ID_SEED_CHARS) }).idSeed).toHaveLength(MAX_ID_SEED_CHARS);
    expect(stateOptionsFromArgs({ 'id-seed': 'from-cli' }, {}).idSeed).toBe('from-cli');
  });

  it.each([[''], [42], ['x'.repeat(MAX_ID_SEED_CHARS + 1)], [null]])('refuses idSeed %j naming the option, and --id-seed naming the flag', (value) => {
    const error = refusal(() => resolveMockOptions({ idSeed: value as never }));
    expect(error.setting).toBe('options.idSeed');
    expect(error.message).toMatch(new RegExp(`use a string of 1 to ${MAX_ID_SEED_CHARS} characters\\.$`));
    if (typeof value === 'string') expect(refusal(() => stateOptionsFromArgs({ 'id-seed': value }, {})).setting).toBe('--id-seed');
  });
});

describe('resolveSharedOptions (the options the MSW handlers share with the server)', () => {
  it('applies the defaults startMockServer applies', () => {
    const server = resolveMockOptions({});
    expect(resolveSharedOptions({})).toEqual({
      directory: server.directory,
      auth: server.auth,
      latencyMs: server.latencyMs,
      chaos: server.chaos,
      idSeed: server.idSeed,
      maxBodyBytes: server.limits.maxBodyBytes,
    });
  });

  it.each<[string, Record<string, unknown>]>([
    ['directory', { directory: 'closed' }],
    ['auth', { auth: 'jwt' }],
    ['latencyMs', { latencyMs: MAX_DELAY_MS + 1 }],
    ['chaos', { chaos: { rate: 2 } }],
    ['idSeed', { idSeed: '' }],
    ['maxBodyBytes', { maxBodyBytes: MAX_BODY_BYTES_LIMIT + 1 }],
  ])('refuses a bad %s with startMockServer’s own message', (_name, options) => {
    expect(refusal(() => resolveSharedOptions(options)).message).toBe(refusal(() => resolveMockOptions(options)).message);
  });
});

describe('describeBind', () => {
  it.each(['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1'])('%s is loopback', (address) => {
    expect(describeBind(address).scope).toBe('loopback');
  });

  it.each(['0.0.0.0', '::', '[::]', '0:0:0:0:0:0:0:0'])('%s is every interface, said plainly', (address) => {
    const { scope, line } = describeBind(address);
    expect(scope).toBe('all');
    expect(line).toMatch(/all interfaces: reachable from other machines/);
    expect(line).toMatch(/CORS/);
  });

  it('names a LAN address as reachable from that network', () => {
    const { scope, line } = describeBind('192.168.1.20');
    expect(scope).toBe('address');
    expect(line).toContain('192.168.1.20');
    expect(line).toMatch(/reachable from other machines/);
  });
});
