// The mock's settings without a socket: every startMockServer option and the CLI's PORT/HOST are checked,
// refused values name the setting, the value and what is accepted, and the bind scope is said plainly.
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
  type MockServerOptions,
} from '../src/mock/settings.js';

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
    expect(resolveMockOptions(options)).toEqual({ port: 0, host: '::1', specPath: '/tmp/spec.json', watch: true, log, fastPath: false, limits });
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
