import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/api/errors.ts';
import { isLoopbackHost, normaliseDataCenterUrl } from '../../src/api/url.ts';

describe('normaliseDataCenterUrl', () => {
  const accepted: Array<[string, string]> = [
    ['https://eu2-cloud.acronis.com', 'https://eu2-cloud.acronis.com/api/2'],
    ['https://eu2-cloud.acronis.com/', 'https://eu2-cloud.acronis.com/api/2'],
    ['https://eu2-cloud.acronis.com/api/2', 'https://eu2-cloud.acronis.com/api/2'],
    ['https://eu2-cloud.acronis.com/api/2/', 'https://eu2-cloud.acronis.com/api/2'],
    ['eu2-cloud.acronis.com', 'https://eu2-cloud.acronis.com/api/2'],
    ['EU2-Cloud.Acronis.com/api/2', 'https://eu2-cloud.acronis.com/api/2'],
    ['  "https://eu2-cloud.acronis.com/api/2"  ', 'https://eu2-cloud.acronis.com/api/2'],
    ["'eu2-cloud.acronis.com'", 'https://eu2-cloud.acronis.com/api/2'],
    ['<https://eu2-cloud.acronis.com>', 'https://eu2-cloud.acronis.com/api/2'],
    ['https://eu2-cloud.acronis.com:443', 'https://eu2-cloud.acronis.com/api/2'],
    ['https://dc.example.com:8443/', 'https://dc.example.com:8443/api/2'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080/api/2'],
    ['http://127.3.4.5:8080/api/2', 'http://127.3.4.5:8080/api/2'],
    ['http://localhost:4000/', 'http://localhost:4000/api/2'],
    ['http://[::1]:4000', 'http://[::1]:4000/api/2'],
    ['localhost:4000', 'http://localhost:4000/api/2'],
    ['  127.0.0.1:33739/api/2/ ', 'http://127.0.0.1:33739/api/2'],
    ['https://localhost:4000', 'https://localhost:4000/api/2'],
  ];
  it.each(accepted)('accepts %j as %s', (input, base) => {
    expect(normaliseDataCenterUrl(input).baseUrl).toBe(base);
  });

  it('gives the origin and host apart', () => {
    expect(normaliseDataCenterUrl('http://127.0.0.1:8080/api/2')).toEqual({
      origin: 'http://127.0.0.1:8080',
      baseUrl: 'http://127.0.0.1:8080/api/2',
      host: '127.0.0.1:8080',
      loopback: true,
    });
  });

  const refused: Array<[string, RegExp]> = [
    ['', /empty/],
    ['   ', /empty/],
    ['http://eu2-cloud.acronis.com', /Plain http:\/\/ is refused for eu2-cloud\.acronis\.com/],
    ['http://10.0.0.5:8080', /Plain http/],
    ['https://admin:hunter22@eu2-cloud.acronis.com', /must not contain a user name or password/],
    ['ftp://eu2-cloud.acronis.com', /must use https:\/\/ \(not ftp:\/\/\)/],
    ['mailto:someone@example.com', /must start with https/],
    ['https://eu2-cloud.acronis.com/ui/', /must not have a path \(\/ui\/\)/],
    ['https://eu2-cloud.acronis.com/api/2/tenants', /must not have a path/],
    ['https://eu2-cloud.acronis.com/?x=1', /query/],
    ['https://eu2-cloud.acronis.com/#/dashboard', /fragment/],
    ['https://eu2 cloud.acronis.com', /spaces/],
  ];
  it.each(refused)('refuses %j with one sentence', (input, message) => {
    let error: unknown;
    try {
      normaliseDataCenterUrl(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).code).toBe('E_USAGE');
    expect((error as UsageError).message).toMatch(message);
    expect((error as UsageError).message).not.toContain('\n');
  });

  it('never echoes a password from the URL', () => {
    expect(() => normaliseDataCenterUrl('https://admin:hunter22@dc.example.com')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter22') }),
    );
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['localhost', true],
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['[::1]', true],
    ['128.0.0.1', false],
    ['localhost.example.com', false],
    ['eu2-cloud.acronis.com', false],
  ])('%s -> %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});
