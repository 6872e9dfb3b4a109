import { describe, expect, it } from 'vitest';
import { classifyClick, classifyOpen, isAppleMpp } from './classify-activity';

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
const GMAIL_PROXY = 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)';
const sentAt = new Date('2026-03-02T10:00:00Z');
const after = (ms: number) => new Date(sentAt.getTime() + ms);
const hit = (ms: number, userAgent: string | null = CHROME, extra: Partial<{ ip: string; method: string }> = {}) => ({
  at: after(ms),
  userAgent,
  ip: extra.ip ?? '203.0.113.9',
  method: extra.method ?? 'GET',
});

describe('open classification', () => {
  it('counts a person opening later in a browser mail client as human', () => {
    expect(classifyOpen(hit(3_600_000), { sentAt, selfViews: [] })).toEqual({ machine: false, reason: 'human' });
  });

  it('flags Gmail’s image proxy fetching at delivery, but not a later proxied open', () => {
    expect(classifyOpen(hit(2_000, GMAIL_PROXY), { sentAt, selfViews: [] })).toEqual({ machine: true, reason: 'gmail_proxy_prefetch' });
    expect(classifyOpen(hit(600_000, GMAIL_PROXY), { sentAt, selfViews: [] })).toEqual({ machine: false, reason: 'human' });
  });

  it('flags Apple Mail Privacy Protection prefetches', () => {
    expect(classifyOpen(hit(5_000, 'Mozilla/5.0'), { sentAt, selfViews: [] }).reason).toBe('apple_mpp');
    expect(classifyOpen(hit(900_000, 'Mozilla/5.0 (Macintosh)', { ip: '17.58.1.2' }), { sentAt, selfViews: [] }).reason).toBe('apple_mpp');
    expect(isAppleMpp('Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko)', '198.51.100.1')).toBe(false);
  });

  it('flags the sender’s own view around the moment the extension reported it', () => {
    const seen = after(7_200_000);
    expect(classifyOpen(hit(7_200_000 + 1_500, GMAIL_PROXY), { sentAt, selfViews: [seen] }).reason).toBe('self_view');
    expect(classifyOpen(hit(7_200_000 - 2_000), { sentAt, selfViews: [seen] }).reason).toBe('self_view');
    expect(classifyOpen(hit(7_200_000 + 3_600_000), { sentAt, selfViews: [seen] }).reason).toBe('human');
  });

  it('does not count a fetch of an email that was never sent', () => {
    expect(classifyOpen(hit(0), { sentAt: null, selfViews: [] }).reason).toBe('not_sent');
  });
});

describe('click classification', () => {
  const ctx = (linkIndex: number, otherClicks: Array<{ at: Date; linkIndex: number }> = []) => ({ sentAt, linkIndex, otherClicks });

  it('counts a later click in a browser as human', () => {
    expect(classifyClick(hit(1_800_000), ctx(0))).toEqual({ machine: false, reason: 'human' });
  });

  it('flags HEAD requests and known scanner agents', () => {
    expect(classifyClick(hit(1_800_000, CHROME, { method: 'HEAD' }), ctx(0)).reason).toBe('head_request');
    for (const ua of ['Mozilla/5.0 (compatible; Barracuda Sentinel)', 'python-requests/2.31', 'Mimecast URL Protect', 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0)', null]) {
      expect(classifyClick(hit(1_800_000, ua), ctx(0)).reason).toBe('scanner_agent');
    }
  });

  it('flags a click within seconds of delivery', () => {
    expect(classifyClick(hit(3_000), ctx(0)).reason).toBe('click_at_delivery');
  });

  it('flags every link of a message clicked within one second, not two clicks of one link or clicks far apart', () => {
    expect(classifyClick(hit(900_000), ctx(0, [{ at: after(900_400), linkIndex: 1 }, { at: after(900_700), linkIndex: 2 }])).reason).toBe('all_links_burst');
    expect(classifyClick(hit(900_000), ctx(0, [{ at: after(900_300), linkIndex: 0 }])).reason).toBe('human');
    expect(classifyClick(hit(900_000), ctx(0, [{ at: after(960_000), linkIndex: 1 }])).reason).toBe('human');
  });
});
