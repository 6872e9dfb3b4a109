import { z } from 'zod';
import * as admin from '../../../shared/contracts/admin';
import * as ai from '../../../shared/contracts/ai';
import * as auth from '../../../shared/contracts/auth';
import * as campaigns from '../../../shared/contracts/campaigns';
import * as dashboard from '../../../shared/contracts/dashboard';
import * as drafts from '../../../shared/contracts/drafts';
import * as emails from '../../../shared/contracts/emails';
import * as events from '../../../shared/contracts/events';
import * as google from '../../../shared/contracts/google';
import * as mailboxes from '../../../shared/contracts/mailboxes';
import * as prospects from '../../../shared/contracts/prospects';
import * as replies from '../../../shared/contracts/replies';
import * as sandbox from '../../../shared/contracts/sandbox';
import * as suppressions from '../../../shared/contracts/suppressions';
import * as templates from '../../../shared/contracts/templates';
import * as tracking from '../../../shared/contracts/tracking';
import * as webhooks from '../../../shared/contracts/webhooks';

/**
 * Every request schema of the contract (`*Request`, `*Query`, `*Param(s)` exports of
 * shared/contracts), read as field names and JSON types — what the fuzzer builds bodies and
 * query strings from, so a schema added tomorrow is fuzzed without anyone listing it here.
 */
export interface ContractShape {
  name: string;
  kind: 'body' | 'query' | 'param';
  fields: Record<string, { type: string | undefined; format?: string }>;
}

const modules = { admin, ai, auth, campaigns, dashboard, drafts, emails, events, google, mailboxes, prospects, replies, sandbox, suppressions, templates, tracking, webhooks };

export function contractShapes(): ContractShape[] {
  const out: ContractShape[] = [];
  for (const [mod, exports] of Object.entries(modules)) {
    for (const [name, value] of Object.entries(exports)) {
      if (!(value instanceof z.ZodType)) continue;
      const kind = /Request$/.test(name) ? 'body' : /Query$/.test(name) ? 'query' : /Params?$/.test(name) ? 'param' : undefined;
      if (!kind) continue;
      let json: { properties?: Record<string, { type?: string | string[]; format?: string; anyOf?: Array<{ type?: string; format?: string }> }> };
      try {
        json = z.toJSONSchema(value, { io: 'input', unrepresentable: 'any' }) as typeof json;
      } catch {
        continue;
      }
      const fields: ContractShape['fields'] = {};
      for (const [field, prop] of Object.entries(json.properties ?? {})) {
        const first = prop.anyOf?.find((p) => p.type !== 'null') ?? prop;
        fields[field] = { type: Array.isArray(first.type) ? first.type[0] : first.type, format: first.format };
      }
      out.push({ name: `${mod}.${name}`, kind, fields });
    }
  }
  return out;
}
