/** A bag's list as a table for the grid: pairs as item and count, records by their keys, other values in one column. */
import { describe, expect, it } from 'vitest';
import { listAsTable } from '../../src-renderer/list-view';

describe('list as a table', () => {
  it('shows frequencies as item and count, records by their keys, anything else as values', () => {
    expect(listAsTable([['the', 3], ['a', 2]])).toEqual({ columns: ['item', 'count'], dtypes: ['string', 'int64'], rows: [['the', 3], ['a', 2]] });
    expect(listAsTable([[1, 'x'], [2, 'y']])).toEqual({ columns: ['key', 'value'], dtypes: ['int64', 'string'], rows: [[1, 'x'], [2, 'y']] });
    expect(listAsTable([{ user: 'ann', n: 1.5 }, { user: 'bob', tags: ['a'] }])).toEqual({
      columns: ['user', 'n', 'tags'], dtypes: ['string', 'float64', 'string'], rows: [['ann', 1.5, null], ['bob', null, '["a"]']],
    });
    expect(listAsTable([1, 2.5, null])).toEqual({ columns: ['value'], dtypes: ['float64'], rows: [[1], [2.5], [null]] });
    expect(listAsTable([true, [1, 2, 3]])).toEqual({ columns: ['value'], dtypes: ['string'], rows: [[true], ['[1,2,3]']] });
  });
});
