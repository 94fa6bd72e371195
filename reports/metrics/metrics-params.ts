/** Parameters of the `metrics` report job: a range of local dates, a period, a grouping, a format. */
import { z } from 'zod';

const localDate = z.string().regex(/^(19[7-9]\d|20\d\d|21[0-4]\d)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be a date YYYY-MM-DD between 1970 and 2149')
  .refine((d) => { const ms = Date.parse(`${d}T00:00:00Z`); return !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(d); }, 'must be a date that exists');

export const metricsParams = z.strictObject({
  from: localDate,
  to: localDate,
  format: z.enum(['csv', 'json']).default('json'),
  period: z.enum(['day', 'week', 'month']).default('week'),
  group_by: z.enum(['none', 'department']).default('department'),
}).refine((p) => p.from <= p.to, { message: 'must not be before from', path: ['to'] });

export type MetricsParams = z.output<typeof metricsParams>;

export const metricsBackfillParams = z.strictObject({});
