import { describe, expect, it } from 'vitest';
import { TABLE_COLUMNS, toCompactLine, toRow } from './rows.js';
import { validateEvent, type ValidEvent } from './validate.js';
import { oneOfEveryType } from '../../test/helpers/events.js';

describe('rows', () => {
  it('builds every row with exactly the columns of its table, in insert order', () => {
    for (const e of oneOfEveryType('t')) {
      const { table, row } = toRow(validateEvent(e) as ValidEvent, 'o');
      expect(Object.keys(row), e.type).toEqual(TABLE_COLUMNS[table]);
    }
  });

  it('serializes a row as one JSONCompactEachRow line', () => {
    const [created] = oneOfEveryType('t', 'x');
    const { table, row } = toRow(validateEvent(created!) as ValidEvent, 'kafka:m/0/7');
    const values = JSON.parse(toCompactLine(table, row)) as unknown[];
    expect(values).toHaveLength(TABLE_COLUMNS.message_versions.length);
    expect(values.slice(0, 6)).toEqual(['t', 'x-message.created', 'slack://T024BE7LD', '2026-11-24 10:00:00.000', '', 'kafka:m/0/7']);
  });
});
