import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSendWatch, fallbackSendId, gmailIdFromLink } from './gmail-send-watch';
import { reportManualSendRequest } from '../../shared/contracts/mailboxes';

describe('telling a Gmail send from the rest (DOM host)', () => {
  let reports: Array<{ messageId: string; guessed: boolean }>;
  const watch = () =>
    createSendWatch({
      report: (s) => reports.push(s),
      fallbackId: async () => 'aaaaaaaaaaaaaaaaaaaaaaaa',
      confirmMs: 8_000,
      noticeMs: 4_000,
      undoMs: 35_000,
    });
  beforeEach(() => {
    vi.useFakeTimers();
    reports = [];
  });
  afterEach(() => vi.useRealTimers());

  it('Send, then the notice naming the message, then Undo no longer offered: reported once by Gmail’s id', async () => {
    const w = watch();
    w.pressed();
    w.pressed(); // a double click is the same send
    w.composeGone();
    w.notice('18f00000000000a1', true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(reports).toEqual([]); // Undo still on offer
    w.noticeSettled();
    w.noticeSettled();
    w.composeGone();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(reports).toEqual([{ messageId: '18f00000000000a1', guessed: false }]);
    expect(w.waitingForNotice()).toBe(false);
  });

  it('a notice without Undo is reported at once; one that never settles is reported when Gmail’s longest undo is over', async () => {
    const a = watch();
    a.pressed();
    a.notice('18f00000000000a2', false);
    expect(reports).toEqual([{ messageId: '18f00000000000a2', guessed: false }]);
    const b = watch();
    b.pressed();
    b.notice('18f00000000000a3', true);
    await vi.advanceTimersByTimeAsync(34_999);
    expect(reports).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(reports).toEqual([
      { messageId: '18f00000000000a2', guessed: false },
      { messageId: '18f00000000000a3', guessed: false },
    ]);
  });

  it('Undo takes the send back: nothing is reported, and the reopened draft’s next Send counts', async () => {
    const w = watch();
    w.pressed();
    w.composeGone();
    w.notice('18f00000000000a4', true);
    w.undone();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(reports).toEqual([]);
    w.pressed();
    w.notice('18f00000000000a5', false);
    expect(reports).toEqual([{ messageId: '18f00000000000a5', guessed: false }]);
  });

  it('the page going while Undo is still offered (Gmail sends it anyway): reported at once, and only once', async () => {
    const w = watch();
    w.pageHidden(); // nothing pressed: nothing
    w.pressed();
    w.notice('18f00000000000a9', true);
    w.pageHidden();
    w.noticeSettled();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(reports).toEqual([{ messageId: '18f00000000000a9', guessed: false }]);
  });

  it('the compose gone after Send with no notice (another language, a notice we cannot read): reported by our own id', async () => {
    const w = watch();
    w.pressed();
    w.composeGone();
    await vi.advanceTimersByTimeAsync(3_999);
    expect(reports).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(reports).toEqual([{ messageId: 'aaaaaaaaaaaaaaaaaaaaaaaa', guessed: true }]);
    // The notice showing up late names nothing new: still one report.
    w.notice('18f00000000000a6', false);
    expect(reports).toHaveLength(1);
  });

  it('a notice without an id is reported by our own id', async () => {
    const w = watch();
    w.pressed();
    w.notice(undefined, false);
    await vi.advanceTimersByTimeAsync(0);
    expect(reports).toEqual([{ messageId: 'aaaaaaaaaaaaaaaaaaaaaaaa', guessed: true }]);
  });

  it('no Send pressed (Lumina’s own send closes the compose; a notice for another window): nothing', async () => {
    const w = watch();
    w.composeGone();
    w.notice('18f00000000000a7', false);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(reports).toEqual([]);
    expect(w.waitingForNotice()).toBe(false);
  });

  it('Send then Discard or Close (Gmail refused the send), or the compose still open long after: no send', async () => {
    const discarded = watch();
    discarded.pressed();
    discarded.discarded();
    discarded.composeGone();
    await vi.advanceTimersByTimeAsync(60_000);
    const refused = watch();
    refused.pressed();
    await vi.advanceTimersByTimeAsync(8_000);
    expect(refused.waitingForNotice()).toBe(false);
    refused.composeGone(); // closed later, by hand
    await vi.advanceTimersByTimeAsync(60_000);
    expect(reports).toEqual([]);
  });

  it('handed over to InboxSDK (stopped): never reports, whatever follows', async () => {
    const w = watch();
    w.pressed();
    w.stop();
    w.composeGone();
    w.notice('18f00000000000a8', false);
    w.pressed();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(reports).toEqual([]);
  });
});

describe("Gmail's id in the notice's View message link", () => {
  it('reads msg-f:<decimal> (Gmail’s param) as the 16 hex digits, else a URL ending in the hex id', () => {
    const id = '18f0a1b2c3d4e5f6';
    expect(gmailIdFromLink(`#thread-f:${BigInt(`0x${id}`)}|msg-f:${BigInt(`0x${id}`)}`)).toBe(id);
    expect(gmailIdFromLink(null, 'https://mail.google.com/mail/u/0/#sent/18F0A1B2C3D4E5F6')).toBe(id);
    expect(gmailIdFromLink(undefined, `?ui=2&th=${id}&view=pt`)).toBe(id);
    // The param wins over the URL (which names the thread of a reply, not the message).
    expect(gmailIdFromLink('#thread-f:1|msg-f:255', `#sent/${id}`)).toBe('00000000000000ff');
    expect(gmailIdFromLink('#thread-a:r-123|msg-a:r456', '#sent/FMfcgzQXJWDsKlnc', '#sent/18f0a1b2c3d4e5f6a')).toBeUndefined();
  });
});

describe('our own id for a send Gmail did not name', () => {
  it('is 24 hex digits the API accepts, the same for the same draft (an Undo then Send again), else per compose and moment', async () => {
    const a = await fallbackSendId({ account: 'rep@acme.test', draftId: '#msg-a:r-42', composeId: 'c1', pressedAt: 1 });
    expect(a).toMatch(/^[0-9a-f]{24}$/);
    // What the manual-sends route takes, as it is.
    expect(reportManualSendRequest.parse({ gmailMessageId: a })).toEqual({ gmailMessageId: a });
    expect(await fallbackSendId({ account: 'rep@acme.test', draftId: '#msg-a:r-42', composeId: 'c2', pressedAt: 2 })).toBe(a);
    expect(await fallbackSendId({ account: 'rep@acme.test', draftId: '#msg-a:r-43', composeId: 'c1', pressedAt: 1 })).not.toBe(a);
    const b = await fallbackSendId({ draftId: 'undefined', composeId: 'c1', pressedAt: 1 });
    expect(await fallbackSendId({ composeId: 'c1', pressedAt: 1 })).toBe(b);
    expect(await fallbackSendId({ composeId: 'c1', pressedAt: 2 })).not.toBe(b);
  });
});
