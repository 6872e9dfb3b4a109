import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

const optionalUrl = z.url().optional();
const optionalText = z.string().min(1).optional();
const key32 = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (32 bytes)')
  .optional();
const flag = z
  .enum(['true', 'false', '1', '0'])
  .optional()
  .transform((v) => (v === undefined ? undefined : v === 'true' || v === '1'));

/** The AI tasks a model can be chosen for (the `task` of each provider call in api/src/ai/). */
export const AI_TASKS = ['personalize', 'rewrite', 'subject-lines', 'generate', 'critique', 'classify'] as const;
export type AiTask = (typeof AI_TASKS)[number];

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: optionalUrl,
  DATA_DIR: z.string().min(1).default('./.data'),
  DATABASE_URL: optionalUrl,
  REDIS_URL: optionalUrl,
  /** Prefix of every BullMQ key, so several Lumina installs (or a benchmark) can share one Redis. */
  REDIS_PREFIX: z.string().regex(/^[\w.-]{1,64}$/, 'must be 1–64 letters, digits, dots, dashes or underscores').default('lumina'),
  ENCRYPTION_KEY: key32,
  /** Keys being rotated out, comma separated: tokens sealed under them still open; new ones use ENCRYPTION_KEY. */
  ENCRYPTION_KEY_PREVIOUS: z
    .string()
    .regex(/^[0-9a-fA-F]{64}(,[0-9a-fA-F]{64})*$/, 'must be 64-hex-character keys separated by commas')
    .optional(),
  TRACKING_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  GOOGLE_CLIENT_ID: optionalText,
  GOOGLE_CLIENT_SECRET: optionalText,
  /** Where googleapis and the OAuth client go; set to the Gmail emulator in tests and sandbox mode. */
  GOOGLE_API_ROOT: optionalUrl,
  GOOGLE_OAUTH_REDIRECT_ALLOW: z.string().optional(),
  AI_BASE_URL: optionalUrl,
  AI_API_KEY: optionalText,
  AI_MODEL: optionalText,
  AI_TIMEOUT_MS: z.coerce.number().int().positive().default(20_000),
  /** Per-task models, e.g. `subject-lines=gpt-4o-mini,classify=gpt-4o-mini`; other tasks use AI_MODEL. */
  AI_MODEL_OVERRIDES: z
    .string()
    .regex(/^\s*[\w-]+=[^,=\s]+(\s*,\s*[\w-]+=[^,=\s]+)*\s*$/, 'must be task=model pairs separated by commas')
    // A misspelt task would otherwise be ignored without a word.
    .refine((v) => overridePairs(v).every(([task]) => (AI_TASKS as readonly string[]).includes(task)), `tasks are ${AI_TASKS.join(', ')}`)
    .optional(),
  AI_RATE_LIMIT_PER_MIN: z.coerce.number().int().positive().default(30),
  AI_MAX_INPUT_CHARS: z.coerce.number().int().positive().default(20_000),
  AI_BREAKER_THRESHOLD: z.coerce.number().int().positive().default(5),
  AI_BREAKER_COOLDOWN_MS: z.coerce.number().int().positive().default(30_000),
  AI_CACHE_TTL_S: z.coerce.number().int().positive().default(24 * 3600),
  INBOXSDK_APP_ID: optionalText,
  SANDBOX_LOGIN: flag,
  LUMINA_ROLE: z.enum(['api', 'worker', 'all']).default('all'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(1024 * 1024),
  SESSION_TTL_DAYS: z.coerce.number().int().positive().default(30),
  /** Let webhooks reach private, loopback and link-local addresses (default: only in embedded mode). */
  WEBHOOK_ALLOW_PRIVATE: flag,
  /** Behind a reverse proxy: `true` (one hop) or the number of proxies whose X-Forwarded-For entries we trust. Unset: the socket's address. */
  TRUST_PROXY: z
    .string()
    .regex(/^(true|false|\d{1,2})$/, 'must be true, false or a number of proxy hops')
    .optional()
    .transform((v) => (v === undefined || v === 'false' ? 0 : v === 'true' ? 1 : Number(v))),
  /** Addresses of the people who run this instance: only they see instance-wide queue counts. */
  OPERATOR_EMAILS: z.string().optional(),
  /** Sign-in attempts (sandbox login, Google start/callback) per client IP per minute. */
  AUTH_RATE_LIMIT_PER_MIN: z.coerce.number().int().positive().default(30),
  /** Requests with an unknown or expired bearer token per client IP per minute. */
  BAD_TOKEN_RATE_LIMIT_PER_MIN: z.coerce.number().int().positive().default(60),
  /**
   * Whether someone signing in with a company domain joins that domain's workspace without an
   * invite, for workspaces that have not chosen (their `joinByDomain` setting decides). Off.
   */
  JOIN_BY_DOMAIN: flag,
  /**
   * The postal address campaign mail carries (CAN-SPAM) for workspaces that have not set their
   * own (`PATCH /api/settings/sending`). Unset: each workspace must set one before launching.
   */
  POSTAL_ADDRESS: z.string().trim().min(10, 'must be a full postal address').max(300).optional(),
  /** Whether import and add look up each recipient domain's MX (A fallback) through DNS_SERVERS. Default on. */
  RECIPIENT_DNS_CHECK: flag,
  /**
   * On Postgres, read the rows of a large import (over 5,000) in a worker thread with a heap of
   * its own: the API's event loop stays free of the parsing, at about 40 MB more memory while
   * the import runs. Default off (bench/RESULTS.md, import: the API's peak is lower without it).
   */
  IMPORT_THREAD: flag,
  /** DNS servers for deliverability and tracking-domain checks (`ip` or `ip:port`, comma-separated). Unset: the system's. */
  DNS_SERVERS: z
    .string()
    .optional()
    .transform((v) => (v ?? '').split(',').map((x) => x.trim()).filter(Boolean))
    .refine((list) => list.every((x) => /^[0-9a-f.:\[\]]+$/i.test(x)), 'a comma-separated list of ip or ip:port'),
  /** How often the sequence scheduler looks for due leads. */
  SEQUENCE_TICK_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** Least time between two sequence sends of one mailbox, plus a random jitter of up to SEND_GAP_JITTER_SECONDS: sends are spread, not burst. */
  SEND_GAP_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  SEND_GAP_JITTER_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  /** How often each full-mode mailbox's inbox is read for replies, bounces and the rep's own Gmail sends. */
  INBOX_SYNC_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
});

export type RawEnv = z.infer<typeof envSchema>;

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  dataDir: string;
  databaseUrl?: string;
  redisUrl?: string;
  redisPrefix: string;
  /** true when running on the embedded defaults (PGlite): secrets are generated, sandbox login is on unless SANDBOX_LOGIN=false. */
  embedded: boolean;
  encryptionKey: Buffer;
  /** Older keys whose tokens still decrypt (ENCRYPTION_KEY_PREVIOUS); never used to encrypt. */
  previousEncryptionKeys?: Buffer[];
  trackingSecret: string;
  google: { clientId?: string; clientSecret?: string; apiRoot?: string; redirectAllow: string[] };
  ai: {
    baseUrl?: string;
    apiKey?: string;
    model?: string;
    timeoutMs: number;
    modelOverrides: Record<string, string>;
    rateLimitPerMin: number;
    maxInputChars: number;
    breakerThreshold: number;
    breakerCooldownMs: number;
    cacheTtlS: number;
  };
  inboxsdkAppId?: string;
  sandboxLogin: boolean;
  /**
   * A click shows "you are leaving for <host>" instead of a bare 302: on whenever anyone may
   * sign in (and so mint signed links) on a server others can reach — sandbox login on, and
   * not an embedded instance bound to loopback.
   */
  clickInterstitial: boolean;
  role: 'api' | 'worker' | 'all';
  logLevel: RawEnv['LOG_LEVEL'];
  bodyLimitBytes: number;
  sessionTtlMs: number;
  /** Webhooks may target private/loopback/link-local addresses: embedded mode, or WEBHOOK_ALLOW_PRIVATE=true. */
  webhookAllowPrivate: boolean;
  /** How many X-Forwarded-For hops to trust (0: ignore the header). */
  trustProxyHops: number;
  operatorEmails: string[];
  rateLimits: { authPerMin: number; badTokenPerMin: number };
  /** Domain joining for workspaces without their own `joinByDomain` setting (JOIN_BY_DOMAIN, default off). */
  joinByDomainDefault: boolean;
  /** Resolver servers for DNS checks; empty: the system's. */
  dnsServers: string[];
  /** The postal address for workspaces without their own (POSTAL_ADDRESS). */
  postalAddressDefault?: string;
  /** Import and add check each recipient domain in DNS (RECIPIENT_DNS_CHECK, default true). */
  recipientDnsCheck: boolean;
  /** Large Postgres imports read in a worker thread (IMPORT_THREAD, default false). */
  importThread: boolean;
  /** The periods of the background work (SEQUENCE_TICK_SECONDS, SEND_GAP_SECONDS, SEND_GAP_JITTER_SECONDS, INBOX_SYNC_SECONDS), in ms. */
  periods: { sequenceTickMs: number; sendGapMs: number; sendGapJitterMs: number; inboxSyncMs: number };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses the environment once. A bad or missing value throws a ConfigError naming the
 * variable; in embedded mode the secrets are generated and kept in DATA_DIR.
 */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(source).map(([k, v]) => [k, v === '' ? undefined : v]));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  const embedded = !env.DATABASE_URL;
  const production = !embedded;
  if (production) {
    const missing = (['ENCRYPTION_KEY', 'TRACKING_SECRET'] as const).filter((k) => !env[k]);
    if (missing.length) throw new ConfigError(`Missing configuration: ${missing.join(', ')} (required when DATABASE_URL is set)`);
  }
  if (embedded && env.LUMINA_ROLE !== 'all') {
    throw new ConfigError(
      `LUMINA_ROLE=${env.LUMINA_ROLE} needs DATABASE_URL: the embedded PGlite database lives inside one process, so split roles must share Postgres.`,
    );
  }
  const secrets = embedded ? embeddedSecrets(env.DATA_DIR) : undefined;
  const aiParts = [env.AI_BASE_URL, env.AI_MODEL];
  if (aiParts.some(Boolean) && !aiParts.every(Boolean)) {
    throw new ConfigError('AI_BASE_URL and AI_MODEL must be set together (AI_API_KEY too unless the provider needs none)');
  }
  return {
    port: env.PORT,
    host: env.HOST,
    publicUrl: (env.PUBLIC_URL ?? `http://${env.HOST}:${env.PORT}`).replace(/\/$/, ''),
    dataDir: resolve(env.DATA_DIR),
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    redisPrefix: env.REDIS_PREFIX,
    embedded,
    encryptionKey: Buffer.from(env.ENCRYPTION_KEY ?? secrets!.encryptionKey, 'hex'),
    previousEncryptionKeys: (env.ENCRYPTION_KEY_PREVIOUS?.split(',') ?? []).map((k) => Buffer.from(k, 'hex')),
    trackingSecret: env.TRACKING_SECRET ?? secrets!.trackingSecret,
    google: {
      clientId: env.GOOGLE_CLIENT_ID,
      clientSecret: env.GOOGLE_CLIENT_SECRET,
      apiRoot: env.GOOGLE_API_ROOT,
      redirectAllow: (env.GOOGLE_OAUTH_REDIRECT_ALLOW ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    },
    ai: {
      baseUrl: env.AI_BASE_URL,
      apiKey: env.AI_API_KEY,
      model: env.AI_MODEL,
      timeoutMs: env.AI_TIMEOUT_MS,
      modelOverrides: Object.fromEntries(overridePairs(env.AI_MODEL_OVERRIDES ?? '')),
      rateLimitPerMin: env.AI_RATE_LIMIT_PER_MIN,
      maxInputChars: env.AI_MAX_INPUT_CHARS,
      breakerThreshold: env.AI_BREAKER_THRESHOLD,
      breakerCooldownMs: env.AI_BREAKER_COOLDOWN_MS,
      cacheTtlS: env.AI_CACHE_TTL_S,
    },
    inboxsdkAppId: env.INBOXSDK_APP_ID,
    // Sandbox login lets anyone sign in as any address: on by default only where the server is
    // someone's own embedded instance, never on a Postgres deployment unless SANDBOX_LOGIN=true.
    sandboxLogin: env.SANDBOX_LOGIN ?? embedded,
    clickInterstitial: (env.SANDBOX_LOGIN ?? embedded) && !(embedded && isLoopback(env.HOST)),
    role: env.LUMINA_ROLE,
    logLevel: env.LOG_LEVEL,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    sessionTtlMs: env.SESSION_TTL_DAYS * 24 * 3600 * 1000,
    webhookAllowPrivate: env.WEBHOOK_ALLOW_PRIVATE ?? embedded,
    trustProxyHops: env.TRUST_PROXY,
    operatorEmails: (env.OPERATOR_EMAILS ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean),
    rateLimits: { authPerMin: env.AUTH_RATE_LIMIT_PER_MIN, badTokenPerMin: env.BAD_TOKEN_RATE_LIMIT_PER_MIN },
    joinByDomainDefault: env.JOIN_BY_DOMAIN ?? false,
    dnsServers: env.DNS_SERVERS,
    postalAddressDefault: env.POSTAL_ADDRESS,
    recipientDnsCheck: env.RECIPIENT_DNS_CHECK ?? true,
    importThread: env.IMPORT_THREAD ?? false,
    periods: {
      sequenceTickMs: env.SEQUENCE_TICK_SECONDS * 1000,
      sendGapMs: env.SEND_GAP_SECONDS * 1000,
      sendGapJitterMs: env.SEND_GAP_JITTER_SECONDS * 1000,
      inboxSyncMs: env.INBOX_SYNC_SECONDS * 1000,
    },
  };
}

function isLoopback(host: string) {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

function overridePairs(value: string): Array<[string, string]> {
  return value.split(',').filter((p) => p.includes('=')).map((p) => p.split('=').map((x) => x.trim()) as [string, string]);
}

/** Secrets for the embedded mode, generated on first start so `npm start` needs no configuration. */
function embeddedSecrets(dataDir: string) {
  const file = join(resolve(dataDir), 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as { encryptionKey: string; trackingSecret: string };
  const secrets = { encryptionKey: randomBytes(32).toString('hex'), trackingSecret: randomBytes(32).toString('base64url') };
  mkdirSync(resolve(dataDir), { recursive: true });
  writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  return secrets;
}
