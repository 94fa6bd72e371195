import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { ConfigError } from './errors.js';

describe('loadConfig', () => {
  it('gives the embedded defaults of DESIGN.md', () => {
    const c = loadConfig({});
    expect(c.dataDir).toBe('./data');
    expect(c.clickhouse).toEqual({ mode: 'embedded', database: 'custos' });
    expect(c.kafka).toBeUndefined();
    expect(c.http.port).toBe(8080);
  });

  it('turns KAFKA_BROKERS and the topic variables into a consumer config', () => {
    const c = loadConfig({ KAFKA_BROKERS: 'k1:9092, k2:9093', KAFKA_TOPIC_DLQ: 'x.dlq' });
    expect(c.kafka).toEqual({
      brokers: ['k1:9092', 'k2:9093'], clientId: 'custos', groupId: 'custos-ingest',
      topics: { messages: 'chat.messages', admin: 'chat.admin', dlq: 'x.dlq' },
    });
  });

  it('keeps the privacy floor at 5 people unless raised (CUSTOS_MIN_GROUP_SIZE)', () => {
    expect(loadConfig({}).analytics.minGroupSize).toBe(5);
    expect(loadConfig({ CUSTOS_MIN_GROUP_SIZE: '12' }).analytics.minGroupSize).toBe(12);
  });

  it('lets analytics answers leave out new events for 5 s unless set (CUSTOS_ANALYTICS_MAX_STALENESS_SECONDS, 0 = exact)', () => {
    expect(loadConfig({}).analytics.maxStalenessS).toBe(5);
    expect(loadConfig({ CUSTOS_ANALYTICS_MAX_STALENESS_SECONDS: '0' }).analytics.maxStalenessS).toBe(0);
    expect(loadConfig({ CUSTOS_ANALYTICS_MAX_STALENESS_SECONDS: '60' }).analytics.maxStalenessS).toBe(60);
  });

  it('uses a ClickHouse server when CLICKHOUSE_URL is set', () => {
    const c = loadConfig({ CLICKHOUSE_URL: 'http://ch:8123', CLICKHOUSE_PASSWORD: 's3cret', CLICKHOUSE_CLUSTER: 'main' });
    expect(c.clickhouse).toMatchObject({ mode: 'server', url: 'http://ch:8123', cluster: 'main' });
  });

  it.each([
    [{ PORT: '80a' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ KAFKA_BROKERS: 'no-port' }, 'KAFKA_BROKERS'],
    [{ CLICKHOUSE_URL: 'ftp://x' }, 'CLICKHOUSE_URL'],
    [{ CLICKHOUSE_DATABASE: 'a-b; DROP' }, 'CLICKHOUSE_DATABASE'],
    [{ KAFKA_TOPIC_MESSAGES: 'bad topic' }, 'KAFKA_TOPIC_MESSAGES'],
    [{ KAFKA_TOPIC_DLQ: 'chat.messages' }, 'KAFKA_TOPIC_DLQ'],
    [{ CLICKHOUSE_CLUSTER: 'main' }, 'CLICKHOUSE_CLUSTER'],
    [{ OIDC_ISSUER: 'https://idp.example' }, 'OIDC_CLIENT_ID'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ CUSTOS_MAX_EVENT_BYTES: '10' }, 'CUSTOS_MAX_EVENT_BYTES'],
    [{ CUSTOS_MIN_GROUP_SIZE: '4' }, 'CUSTOS_MIN_GROUP_SIZE'],
    [{ CUSTOS_MIN_GROUP_SIZE: '0' }, 'CUSTOS_MIN_GROUP_SIZE'],
    [{ CUSTOS_MIN_GROUP_SIZE: '-5' }, 'CUSTOS_MIN_GROUP_SIZE'],
    [{ CUSTOS_MIN_GROUP_SIZE: '5.5' }, 'CUSTOS_MIN_GROUP_SIZE'],
    [{ CUSTOS_ANALYTICS_MAX_STALENESS_SECONDS: '-1' }, 'CUSTOS_ANALYTICS_MAX_STALENESS_SECONDS'],
    [{ CUSTOS_ANALYTICS_MAX_STALENESS_SECONDS: '2.5' }, 'CUSTOS_ANALYTICS_MAX_STALENESS_SECONDS'],
    [{ CUSTOS_ANALYTICS_MAX_STALENESS_SECONDS: '3601' }, 'CUSTOS_ANALYTICS_MAX_STALENESS_SECONDS'],
    [{ CUSTOS_ANALYTICS_MAX_STALENESS_SECONDS: 'soon' }, 'CUSTOS_ANALYTICS_MAX_STALENESS_SECONDS'],
  ])('stops on %o naming %s', (env, variable) => {
    let err: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).variable).toBe(variable);
    expect((err as ConfigError).message.startsWith(`${variable}: `)).toBe(true);
    expect((err as ConfigError).message).not.toContain('\n');
  });
});
