/**
 * The one place that reads the environment. Parsed once at start; a wrong value
 * stops the process with one line naming the variable (see cli/main.ts).
 */
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { parseStoreKeys, readStoreKeysFile, storeEncryption, type StoreEncryption } from './store/encryption.js';

const hostPort = /^[A-Za-z0-9.\-_]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/;
const topicName = z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'must be a Kafka topic name ([A-Za-z0-9._-], at most 249 characters)');
const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'must be a plain identifier ([A-Za-z_][A-Za-z0-9_]*)');

const intIn = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be between ${min} and ${max}`);

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const schema = z.object({
  CUSTOS_DATA_DIR: z.string().min(1).default('./data'),
  CLICKHOUSE_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://localhost:8123' }).optional(),
  CLICKHOUSE_USER: z.string().default('default'),
  CLICKHOUSE_PASSWORD: z.string().default(''),
  CLICKHOUSE_DATABASE: identifier.default('custos'),
  CLICKHOUSE_CLUSTER: identifier.optional(),
  KAFKA_BROKERS: z
    .string()
    .transform((s) => s.split(',').map((b) => b.trim()).filter(Boolean))
    .refine((list) => list.length > 0 && list.every((b) => hostPort.test(b)), 'must be a comma list of host:port')
    .optional(),
  KAFKA_TOPIC_MESSAGES: topicName.default('chat.messages'),
  KAFKA_TOPIC_ADMIN: topicName.default('chat.admin'),
  KAFKA_TOPIC_DLQ: topicName.default('chat.dlq'),
  KAFKA_GROUP_ID: z.string().min(1).default('custos-ingest'),
  KAFKA_CLIENT_ID: z.string().min(1).default('custos'),
  PORT: intIn(0, 65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  OIDC_ISSUER: z.url({ protocol: /^https?$/ }).optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  CUSTOS_MAX_EVENT_BYTES: intIn(1024, 16 * 1024 * 1024).default(512 * 1024),
  CUSTOS_INGEST_BATCH_ROWS: intIn(1, 1_000_000).default(200_000),
  CUSTOS_INGEST_RETRY_MAX_MS: intIn(100, 600_000).default(30_000),
  CUSTOS_INGEST_STALL_S: intIn(5, 86_400).default(120),
  CUSTOS_QUERY_TIMEOUT_S: intIn(1, 3600).default(30),
  OIDC_AUDIENCE: z.string().min(1).optional(),
  OIDC_SCOPES: z.string().regex(/^openid( [\x21\x23-\x5B\x5D-\x7E]+)*$/, 'must be a space-separated scope list starting with openid').default('openid profile email'),
  CUSTOS_PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be the http(s) URL people use to reach Custos, such as https://custos.example.com' }).optional(),
  CUSTOS_ROLE_CLAIM: z.string().regex(/^[A-Za-z0-9_:./-]{1,100}(,[A-Za-z0-9_:./-]{1,100}){0,7}$/, 'must be a claim name, or a comma list of up to 8 (groups,roles)').default('groups'),
  CUSTOS_ROLE_MAPPING: z.string().optional(),
  CUSTOS_SESSION_KEY: z.string().regex(/^[A-Za-z0-9_-]{43,}$/, 'must be at least 32 random bytes, base64url-encoded (openssl rand -base64 32 | tr +/ -_ | tr -d =)').optional(),
  CUSTOS_SESSION_TTL_S: intIn(60, 7 * 24 * 3600).default(8 * 3600),
  CUSTOS_STEP_UP_MAX_AGE_S: intIn(30, 24 * 3600).default(15 * 60),
  CUSTOS_MFA_AMR: z.string().regex(/^[A-Za-z0-9_-]+(,[A-Za-z0-9_-]+)*$/, 'must be a comma list of amr values').default('mfa,otp,hwk,swk,sms,fpt,face,sc'),
  CUSTOS_MFA_ACR: z.string().regex(/^[^,\s]+(,[^,\s]+)*$/, 'must be a comma list of acr values').optional(),
  CUSTOS_MFA_ACR_MIN_LEVEL: intIn(1, 1000).optional(),
  CUSTOS_RATE_LIMIT_PER_MIN: intIn(1, 1_000_000).default(600),
  CUSTOS_MAX_BODY_BYTES: intIn(1024, 16 * 1024 * 1024).default(100 * 1024),
  CUSTOS_AUDIT_CHECKPOINT_INTERVAL_S: intIn(5, 86_400).default(300),
  CUSTOS_AUDIT_CHECKPOINT_DIR: z.string().min(1).optional(),
  CUSTOS_AUDIT_CHECKPOINT_TOPIC: topicName.optional(),
  CUSTOS_STORE_KEYS: z.string().min(1).optional(),
  CUSTOS_STORE_KEYS_FILE: z.string().min(1).optional(),
  CUSTOS_STORE_KEY_ID: intIn(0, 999_999).optional(),
  CUSTOS_MIN_GROUP_SIZE: z.string().regex(/^\d{1,7}$/, 'must be a whole number').transform(Number)
    .refine((n) => n >= 5, 'must be at least 5: the privacy floor of analytics never goes below 5 people')
    .refine((n) => n <= 1000, 'must be at most 1000').default(5),
  CUSTOS_ANALYTICS_MAX_STALENESS_SECONDS: intIn(0, 3600).default(5),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CUSTOS_RETENTION_HOUR: intIn(0, 23).default(2),
  CUSTOS_RETENTION_CONFIRM_FRACTION: z
    .string()
    .regex(/^(0(\.\d+)?|1(\.0+)?)$/, 'must be a fraction between 0 and 1, such as 0.1')
    .transform(Number)
    .default(0.1),
});

export type Env = z.input<typeof schema>;

export interface Config {
  dataDir: string;
  clickhouse:
    | { mode: 'embedded'; database: string; /** Keys of the encrypted disk (never logged). */ encryption?: StoreEncryption }
    | { mode: 'server'; url: string; user: string; password: string; database: string; cluster?: string };
  kafka?: {
    brokers: string[];
    clientId: string;
    groupId: string;
    topics: { messages: string; admin: string; dlq: string };
  };
  http: { host: string; port: number };
  oidc?: { issuer: string; clientId: string; clientSecret?: string };
  ingest: { maxEventBytes: number; batchRows: number; retryMaxMs: number; stallMs: number };
  queryTimeoutS: number;
  logLevel: string;
  auth: AuthConfig;
  /** Signed checkpoints of the audit chain heads (common/audit/checkpoint-publisher.ts). */
  auditCheckpoints: { intervalS: number; dir?: string; topic?: string };
  /** k of the privacy floor: analytics show no figure about fewer than k people (never below 5). */
  /** maxStalenessS: how long an analytics answer may leave out newly ingested events (0: exact; analytics/answer-cache.ts). */
  analytics: { minGroupSize: number; maxStalenessS: number };
  retention: RetentionConfig;
}

export interface RetentionConfig {
  /** UTC hour at which `serve` queues each tenant's daily retention run (CUSTOS_RETENTION_HOUR). */
  hour: number;
  /** A new policy whose first run removes more than this share of the records needs confirm (CUSTOS_RETENTION_CONFIRM_FRACTION). */
  confirmFraction: number;
}

/** One IdP group granting one Custos role in one tenant. */
export interface RoleGrant {
  tenant: string;
  role: string;
}

export interface AuthConfig {
  /** Audience an IdP access token must carry (OIDC_AUDIENCE, else OIDC_CLIENT_ID). */
  audience?: string;
  scopes: string;
  /** Base URL for the OIDC redirect (CUSTOS_PUBLIC_URL, else http://HOST:PORT). */
  publicUrl?: string;
  /** Claims read for groups (CUSTOS_ROLE_CLAIM, a comma list). */
  roleClaims: string[];
  /** IdP group -> grants (CUSTOS_ROLE_MAPPING); groups `custos:<tenant>:<role>` map without it. */
  roleMapping: Record<string, RoleGrant[]>;
  /** base64url session key; when unset, one is generated and kept in the data directory. */
  sessionKey?: string;
  sessionTtlS: number;
  stepUpMaxAgeS: number;
  mfaAmr: string[];
  mfaAcr: string[];
  /** A numeric acr at or above this level counts as MFA (Keycloak's levels of authentication). */
  mfaAcrMinLevel?: number;
  rateLimitPerMin: number;
  maxBodyBytes: number;
}

/** Cross-field rules, each named for what it protects. */
function oidcNeedsClientId(e: z.output<typeof schema>): void {
  if (e.OIDC_ISSUER && !e.OIDC_CLIENT_ID) throw new ConfigError('OIDC_CLIENT_ID', 'is required when OIDC_ISSUER is set');
  if (!e.OIDC_ISSUER && (e.OIDC_CLIENT_ID || e.OIDC_CLIENT_SECRET)) {
    throw new ConfigError('OIDC_ISSUER', 'is required when OIDC_CLIENT_ID or OIDC_CLIENT_SECRET is set');
  }
}

function clusterNeedsServer(e: z.output<typeof schema>): void {
  if (e.CLICKHOUSE_CLUSTER && !e.CLICKHOUSE_URL) {
    throw new ConfigError('CLICKHOUSE_CLUSTER', 'needs CLICKHOUSE_URL: the embedded store is a single node');
  }
}

function checkpointTopicNeedsKafka(e: z.output<typeof schema>): void {
  if (e.CUSTOS_AUDIT_CHECKPOINT_TOPIC && !e.KAFKA_BROKERS) throw new ConfigError('CUSTOS_AUDIT_CHECKPOINT_TOPIC', 'needs KAFKA_BROKERS');
}

/** The store's encryption keys (embedded only: a server encrypts with its own configured disks). */
function encryptionOf(e: z.output<typeof schema>): StoreEncryption | undefined {
  if (e.CUSTOS_STORE_KEYS && e.CUSTOS_STORE_KEYS_FILE) throw new ConfigError('CUSTOS_STORE_KEYS_FILE', 'set CUSTOS_STORE_KEYS or CUSTOS_STORE_KEYS_FILE, not both');
  const variable = e.CUSTOS_STORE_KEYS ? 'CUSTOS_STORE_KEYS' : 'CUSTOS_STORE_KEYS_FILE';
  const keys = e.CUSTOS_STORE_KEYS ? parseStoreKeys(e.CUSTOS_STORE_KEYS, variable) : e.CUSTOS_STORE_KEYS_FILE ? readStoreKeysFile(e.CUSTOS_STORE_KEYS_FILE) : undefined;
  if (!keys) {
    if (e.CUSTOS_STORE_KEY_ID !== undefined) throw new ConfigError('CUSTOS_STORE_KEY_ID', 'needs CUSTOS_STORE_KEYS or CUSTOS_STORE_KEYS_FILE');
    return undefined;
  }
  if (e.CLICKHOUSE_URL) throw new ConfigError(variable, 'applies to the embedded store only: a ClickHouse server encrypts with an encrypted disk in its own configuration (docs/encryption.md)');
  return storeEncryption(keys, e.CUSTOS_STORE_KEY_ID, variable);
}

function topicsDistinct(e: z.output<typeof schema>): void {
  if (e.KAFKA_TOPIC_DLQ === e.KAFKA_TOPIC_MESSAGES || e.KAFKA_TOPIC_DLQ === e.KAFKA_TOPIC_ADMIN) {
    throw new ConfigError('KAFKA_TOPIC_DLQ', 'must differ from the topics it protects');
  }
}

const ROLE_NAMES = ['admin', 'compliance_officer', 'auditor', 'dpo', 'manager', 'service'];
const TENANT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** CUSTOS_ROLE_MAPPING: {"group": {"tenant": "acme", "role": "auditor"}} or a list of such grants per group. */
export function parseRoleMapping(text: string | undefined): Record<string, RoleGrant[]> {
  if (text === undefined) return {};
  const fail = (problem: string): never => {
    throw new ConfigError('CUSTOS_ROLE_MAPPING', problem);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return fail('is not valid JSON (expected {"group": {"tenant": "acme", "role": "auditor"}})');
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return fail('must be a JSON object of group -> {tenant, role}');
  const out: Record<string, RoleGrant[]> = Object.create(null) as Record<string, RoleGrant[]>;
  for (const [group, value] of Object.entries(raw as Record<string, unknown>)) {
    const grants = Array.isArray(value) ? value : [value];
    out[group] = grants.map((g: unknown) => {
      const grant = g as { tenant?: unknown; role?: unknown } | null;
      if (!grant || typeof grant !== 'object') return fail(`group "${group}": each grant must be an object {tenant, role}`);
      if (typeof grant.tenant !== 'string' || !TENANT.test(grant.tenant)) return fail(`group "${group}": tenant must match [A-Za-z0-9][A-Za-z0-9._-]{0,63}`);
      if (typeof grant.role !== 'string' || !ROLE_NAMES.includes(grant.role)) return fail(`group "${group}": role must be one of ${ROLE_NAMES.join(', ')}`);
      return { tenant: grant.tenant, role: grant.role };
    });
  }
  return out;
}

const commaList = (s: string | undefined) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : []);

/** Parses the environment; throws ConfigError naming the first wrong variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    throw new ConfigError(variable, issue.message);
  }
  const e = parsed.data;
  const encryption = encryptionOf(e);
  oidcNeedsClientId(e);
  clusterNeedsServer(e);
  topicsDistinct(e);
  checkpointTopicNeedsKafka(e);
  return {
    dataDir: e.CUSTOS_DATA_DIR,
    clickhouse: e.CLICKHOUSE_URL
      ? {
          mode: 'server',
          url: e.CLICKHOUSE_URL,
          user: e.CLICKHOUSE_USER,
          password: e.CLICKHOUSE_PASSWORD,
          database: e.CLICKHOUSE_DATABASE,
          ...(e.CLICKHOUSE_CLUSTER ? { cluster: e.CLICKHOUSE_CLUSTER } : {}),
        }
      : { mode: 'embedded', database: e.CLICKHOUSE_DATABASE, ...(encryption ? { encryption } : {}) },
    ...(e.KAFKA_BROKERS
      ? {
          kafka: {
            brokers: e.KAFKA_BROKERS,
            clientId: e.KAFKA_CLIENT_ID,
            groupId: e.KAFKA_GROUP_ID,
            topics: { messages: e.KAFKA_TOPIC_MESSAGES, admin: e.KAFKA_TOPIC_ADMIN, dlq: e.KAFKA_TOPIC_DLQ },
          },
        }
      : {}),
    http: { host: e.HOST, port: e.PORT },
    ...(e.OIDC_ISSUER && e.OIDC_CLIENT_ID
      ? { oidc: { issuer: e.OIDC_ISSUER, clientId: e.OIDC_CLIENT_ID, ...(e.OIDC_CLIENT_SECRET ? { clientSecret: e.OIDC_CLIENT_SECRET } : {}) } }
      : {}),
    ingest: { maxEventBytes: e.CUSTOS_MAX_EVENT_BYTES, batchRows: e.CUSTOS_INGEST_BATCH_ROWS, retryMaxMs: e.CUSTOS_INGEST_RETRY_MAX_MS, stallMs: e.CUSTOS_INGEST_STALL_S * 1000 },
    queryTimeoutS: e.CUSTOS_QUERY_TIMEOUT_S,
    logLevel: e.LOG_LEVEL,
    auditCheckpoints: {
      intervalS: e.CUSTOS_AUDIT_CHECKPOINT_INTERVAL_S,
      ...(e.CUSTOS_AUDIT_CHECKPOINT_DIR ? { dir: e.CUSTOS_AUDIT_CHECKPOINT_DIR } : {}),
      ...(e.CUSTOS_AUDIT_CHECKPOINT_TOPIC ? { topic: e.CUSTOS_AUDIT_CHECKPOINT_TOPIC } : {}),
    },
    analytics: { minGroupSize: e.CUSTOS_MIN_GROUP_SIZE, maxStalenessS: e.CUSTOS_ANALYTICS_MAX_STALENESS_SECONDS },
    auth: {
      ...(e.OIDC_AUDIENCE ?? e.OIDC_CLIENT_ID ? { audience: e.OIDC_AUDIENCE ?? e.OIDC_CLIENT_ID } : {}),
      scopes: e.OIDC_SCOPES,
      ...(e.CUSTOS_PUBLIC_URL ? { publicUrl: e.CUSTOS_PUBLIC_URL.replace(/\/+$/, '') } : {}),
      roleClaims: commaList(e.CUSTOS_ROLE_CLAIM),
      roleMapping: parseRoleMapping(e.CUSTOS_ROLE_MAPPING),
      ...(e.CUSTOS_SESSION_KEY ? { sessionKey: e.CUSTOS_SESSION_KEY } : {}),
      sessionTtlS: e.CUSTOS_SESSION_TTL_S,
      stepUpMaxAgeS: e.CUSTOS_STEP_UP_MAX_AGE_S,
      mfaAmr: commaList(e.CUSTOS_MFA_AMR),
      mfaAcr: commaList(e.CUSTOS_MFA_ACR),
      ...(e.CUSTOS_MFA_ACR_MIN_LEVEL !== undefined ? { mfaAcrMinLevel: e.CUSTOS_MFA_ACR_MIN_LEVEL } : {}),
      rateLimitPerMin: e.CUSTOS_RATE_LIMIT_PER_MIN,
      maxBodyBytes: e.CUSTOS_MAX_BODY_BYTES,
    },
    retention: { hour: e.CUSTOS_RETENTION_HOUR, confirmFraction: e.CUSTOS_RETENTION_CONFIRM_FRACTION },
  };
}
