// Time of the inbound classifier over a set of raw messages, beside postal-mime parsing the same
// files alone (the floor): `rounds` passes of each after one warm-up (JIT, chrono's locale set-up).
import PostalMime from 'postal-mime';
import { classifyInbound } from '../../api/src/modules/replies/classify/classify';
import type { InboundClassification } from '../../shared/contracts/replies';

export async function classifyRounds<F extends { raw: Uint8Array }>(files: F[], rounds: number) {
  for (const f of files) await classifyInbound(f.raw);
  const parseTotals: number[] = [];
  const classifyTotals: number[] = [];
  const perFile: number[] = [];
  let results: Array<{ file: F; result: InboundClassification }> = [];
  for (let round = 0; round < rounds; round++) {
    let t = performance.now();
    for (const f of files) await PostalMime.parse(f.raw, { forceRfc822Attachments: true, attachmentEncoding: 'arraybuffer' });
    parseTotals.push(performance.now() - t);

    results = [];
    t = performance.now();
    for (const f of files) {
      const start = performance.now();
      results.push({ file: f, result: await classifyInbound(f.raw) });
      perFile.push(performance.now() - start);
    }
    classifyTotals.push(performance.now() - t);
  }
  /** The last round's answers, file by file; the totals are one figure per round, perFile one per file and round. */
  return { results, parseTotals, classifyTotals, perFile };
}
