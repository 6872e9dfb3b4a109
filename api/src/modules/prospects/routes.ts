import { Hono } from 'hono';
import { stringify } from 'csv-stringify/sync';
import type { AppEnv } from '../../context';
import { validate } from '../../middleware/validate';
import { paginated } from '../../lib/pagination';
import {
  createProspectRequest, importJobIdParam, listProspectsQuery, lookupProspectQuery, prospectIdParam, updateProspectRequest, type ImportResult,
} from '../../../../shared/contracts/prospects';
import { createProspect, deleteProspect, findProspectByEmail, getProspect, listProspects, updateProspect } from './service';
import { startImport } from './csv-import';
import { checkChangedRecipient, checkNewRecipient, recipientCheckerFor } from '../deliverability/recipients';
import { spoolUpload } from './upload';
import { createImportJob, getImportJob, importIssues, jobRun, runImportJob } from './import-jobs';
import { ownerOnly } from '../../lib/ownership';
import { audited } from '../admin/audit';

/** Up to this many rows an import answers at once (200 with the report); over it, a job (202). */
export const INLINE_IMPORT_ROWS = 5000;

export const prospectRoutes = new Hono<AppEnv>()
  .get('/prospects', validate('query', listProspectsQuery), async (c) => {
    const query = c.req.valid('query');
    const { rows, total } = await listProspects(c.get('deps').db, c.get('session').workspaceId, query);
    return c.json(paginated(rows, total, query.page, query.limit));
  })
  .get('/prospects/lookup', validate('query', lookupProspectQuery), async (c) => {
    const prospect = await findProspectByEmail(c.get('deps').db, c.get('session').workspaceId, c.req.valid('query').email);
    return c.json({ prospect });
  })
  /**
   * The upload streams to a temporary file (the JSON body limit does not apply here; see
   * upload.ts for this route's own), the header and mapping are checked (400 before any row is
   * written), then the rows are read back: a small file at once, a large one as a job.
   */
  .post('/prospects/import', audited('prospect.imported', (a) => (a.jobId ? { jobId: a.jobId } : { imported: a.imported, updated: a.updated, skipped: a.skipped })), async (c) => {
    const s = c.get('session');
    const { db, logger, config, databaseUrl } = c.get('deps');
    const upload = await spoolUpload(c.req.raw, c.req.query());
    const lines = upload.readLines();
    let handedOver = false;
    try {
      const ctx = { workspaceId: s.workspaceId, importerId: s.userId };
      const started = await startImport(db, { ...ctx, recipients: recipientCheckerFor(config) }, lines, upload.options);
      if (upload.lines - 1 > INLINE_IMPORT_ROWS) {
        const jobId = await createImportJob(db, s.workspaceId, s.userId, upload.options.dedupe);
        handedOver = true;
        const run = jobRun(config.importThread ? databaseUrl : undefined, { file: upload.path, jobId, ctx, options: upload.options, recipients: { dnsServers: config.dnsServers, recipientDnsCheck: config.recipientDnsCheck } }, started, lines);
        void runImportJob(db, logger, jobId, run, async () => {
          await lines.return(undefined);
          await upload.remove();
        });
        return c.json({ jobId, status: 'running' as const, statusUrl: `/api/prospects/import/${jobId}` }, 202);
      }
      const result: ImportResult = { imported: 0, updated: 0, skipped: 0, errors: [], suppressed: [] };
      const flaggedRows: NonNullable<ImportResult['flagged']> = [];
      const progress = await started.run({
        onIssues: ({ errors, suppressed, flagged }) => {
          result.errors.push(...errors);
          result.suppressed.push(...suppressed);
          flaggedRows.push(...(flagged ?? []));
        },
      });
      result.errors.sort((a, b) => a.row - b.row);
      if (flaggedRows.length) result.flagged = flaggedRows.sort((a, b) => a.row - b.row);
      return c.json({ ...result, imported: progress.imported, updated: progress.updated, skipped: progress.skipped });
    } finally {
      if (!handedOver) {
        await lines.return(undefined);
        await upload.remove();
      }
    }
  })
  .get('/prospects/import/:jobId', validate('param', importJobIdParam), async (c) => {
    return c.json(await getImportJob(c.get('deps').db, c.get('session').workspaceId, c.req.valid('param').jobId));
  })
  .get('/prospects/import/:jobId/errors.csv', validate('param', importJobIdParam), async (c) => {
    const { jobId } = c.req.valid('param');
    const issues = importIssues(c.get('deps').db, c.get('session').workspaceId, jobId);
    const first = await issues.next(); // a 404 for an unknown job, before the download starts
    const encoder = new TextEncoder();
    const safe = (v: string) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v); // a spreadsheet must not run a cell as a formula
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(encoder.encode(stringify([['row', 'kind', 'message']])));
        if (!first.done) controller.enqueue(encoder.encode(stringify([[first.value.row, first.value.kind, safe(first.value.message)]])));
        for await (const i of issues) controller.enqueue(encoder.encode(stringify([[i.row, i.kind, safe(i.message)]])));
        controller.close();
      },
    });
    return new Response(stream, {
      headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="import-${jobId}-errors.csv"`, 'cache-control': 'no-store' },
    });
  })
  .post('/prospects', validate('json', createProspectRequest), async (c) => {
    const s = c.get('session');
    const input = c.req.valid('json');
    const recipientCheck = await checkNewRecipient(recipientCheckerFor(c.get('deps').config), input.email.trim().toLowerCase());
    const prospect = await createProspect(c.get('deps').db, s.workspaceId, s.userId, input, recipientCheck.flags);
    return c.json(recipientCheck.flags.length ? { ...prospect, recipientCheck } : prospect, 201);
  })
  .get('/prospects/:id', validate('param', prospectIdParam), async (c) => {
    return c.json(await getProspect(c.get('deps').db, c.get('session').workspaceId, c.req.valid('param').id));
  })
  .patch('/prospects/:id', validate('param', prospectIdParam), ownerOnly('prospect'), validate('json', updateProspectRequest), async (c) => {
    const { db, config } = c.get('deps');
    const { workspaceId } = c.get('session');
    const id = c.req.valid('param').id;
    const input = c.req.valid('json');
    // A changed address is a new recipient: the add path's check (422 when its domain takes no mail, flags beside).
    const recipientCheck = await checkChangedRecipient(recipientCheckerFor(config), await getProspect(db, workspaceId, id), input.email);
    const prospect = await updateProspect(db, workspaceId, id, input, recipientCheck?.flags);
    return c.json(recipientCheck?.flags.length ? { ...prospect, recipientCheck } : prospect);
  })
  .delete('/prospects/:id', validate('param', prospectIdParam), ownerOnly('prospect', { change: 'delete' }), audited('prospect.deleted'), async (c) => {
    await deleteProspect(c.get('deps').db, c.get('session').workspaceId, c.req.valid('param').id);
    return c.body(null, 204);
  });
