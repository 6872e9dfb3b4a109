import { describe, expect, it } from 'vitest';
import { apiHostPermission, chromeVersion, defaultApiUrl, inboxSdkAppId, UNREGISTERED_APP_ID } from './build-config';

describe('build config of the extension', () => {
  it('turns the package semver into the 1–4 integers Chrome accepts', () => {
    expect(chromeVersion('0.1.0')).toBe('0.1.0');
    expect(chromeVersion('1.4.2-beta.3')).toBe('1.4.2.3');
    expect(chromeVersion('1.4.2-rc.07')).toBe('1.4.2.7');
    expect(chromeVersion('2.0.0+sha.5114f85')).toBe('2.0.0');
    expect(chromeVersion('2.0.0-alpha')).toBe('2.0.0');
    expect(() => chromeVersion('1.2')).toThrow(/not semver/);
    expect(() => chromeVersion('1.70000.0')).toThrow(/65535/);
  });

  it('asks for the configured API origin only, on any port of its host', () => {
    expect(defaultApiUrl({})).toBe('http://127.0.0.1:8787');
    expect(defaultApiUrl({ LUMINA_API_URL: 'https://lumina.example.com/some/path' })).toBe('https://lumina.example.com');
    expect(apiHostPermission('http://127.0.0.1:8787')).toBe('http://127.0.0.1/*');
    expect(apiHostPermission('https://lumina.example.com')).toBe('https://lumina.example.com/*');
  });

  it('takes the InboxSDK app id from INBOXSDK_APP_ID, else a placeholder the SDK still loads with', () => {
    expect(inboxSdkAppId({ INBOXSDK_APP_ID: 'sdk_acme_123' })).toBe('sdk_acme_123');
    expect(inboxSdkAppId({ INBOXSDK_APP_ID: '' })).toBe(UNREGISTERED_APP_ID);
  });
});
