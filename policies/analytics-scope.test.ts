import { describe, expect, it } from 'vitest';
import { departmentsBelow } from './analytics-scope.js';

const dir = [
  { user_id: 'ceo', manager_id: '', department: 'Board' },
  { user_id: 'lead', manager_id: 'ceo', department: 'Eng' },
  { user_id: 'dev', manager_id: 'lead', department: 'Eng' },
  { user_id: 'intern', manager_id: 'dev', department: 'Research' },
  { user_id: 'sales', manager_id: 'ceo', department: 'Sales' },
  { user_id: 'loop1', manager_id: 'loop2', department: 'X' },
  { user_id: 'loop2', manager_id: 'loop1', department: 'Y' },
];

describe('departments a manager may see', () => {
  it('are those of everyone reporting to them, directly or not, and not their own', () => {
    expect(departmentsBelow(dir, ['lead'])).toEqual(['Eng', 'Research']);
    expect(departmentsBelow(dir, ['ceo'])).toEqual(['Eng', 'Research', 'Sales']);
    expect(departmentsBelow(dir, ['intern'])).toEqual([]);
    expect(departmentsBelow(dir, [])).toEqual([]);
  });

  it('end on a cycle in the directory', () => {
    expect(departmentsBelow(dir, ['loop1'])).toEqual(['Y']);
  });
});
