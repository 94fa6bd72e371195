/**
 * The one place that reads the environment. Parsed once at start; a wrong value
 * stops the process with one line naming the variable (see cli/main.ts).
 */
import { z } from 'zod';
import { ConfigError } from './errors.js';

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
  CUSTOS_INGEST_BATCH_ROWS: intIn(1, 1_000_000).default(50_000),
  CUSTOS_INGEST_RETRY_MAX_MS: intIn(100, 600_000).default(30_000),
  CUSTOS_QUERY_TIMEOUT_S: intIn(1, 3600).default(30),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.input<typeof schema>;

export interface Config {
  dataDir: string;
  clickhouse:
    | { mode: 'embedded'; database: string }
    | { mode: 'server'; url: string; user: string; password: string; database: string; cluster?: string };
  kafka?: {
    brokers: string[];
    clientId: string;
    groupId: string;
    topics: { messages: string; admin: string; dlq: string };
  };
  http: { host: string; port: number };
  oidc?: { issuer: string; clientId: string; clientSecret?: string };
  ingest: { maxEventBytes: number; batchRows: number; retryMaxMs: number };
  queryTimeoutS: number;
  logLevel: string;
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

function topicsDistinct(e: z.output<typeof schema>): void {
  if (e.KAFKA_TOPIC_DLQ === e.KAFKA_TOPIC_MESSAGES || e.KAFKA_TOPIC_DLQ === e.KAFKA_TOPIC_ADMIN) {
    throw new ConfigError('KAFKA_TOPIC_DLQ', 'must differ from the topics it protects');
  }
}

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
  oidcNeedsClientId(e);
  clusterNeedsServer(e);
  topicsDistinct(e);
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
      : { mode: 'embedded', database: e.CLICKHOUSE_DATABASE },
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
    ingest: { maxEventBytes: e.CUSTOS_MAX_EVENT_BYTES, batchRows: e.CUSTOS_INGEST_BATCH_ROWS, retryMaxMs: e.CUSTOS_INGEST_RETRY_MAX_MS },
    queryTimeoutS: e.CUSTOS_QUERY_TIMEOUT_S,
    logLevel: e.LOG_LEVEL,
  };
}
