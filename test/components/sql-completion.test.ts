/**
 * SQL outputs in the job editor: the SQL box of an output switches its completion to SQL's (table
 * and column names, aliases from FROM/JOIN, keywords, functions), and the spec the window builds
 * writes the output as {"sql": ...}.
 */
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import JobEditor from '../../src-renderer/components/JobEditor.vue';
import { sqlCompletions, tablesRead } from '../../src-renderer/sql-completion';

const TABLES = { flights: ['date', 'delay', 'distance', 'origin', 'destination'], airports: ['iata', 'state', 'elevation'] };

describe('SQL completion', () => {
  it('offers the columns of the tables the query reads first, then tables, keywords and functions', () => {
    const text = 'select or';
    expect(sqlCompletions(text, text.length, TABLES)?.items).toEqual(['origin', 'OR', 'ORDER BY']);
    const from = 'select de from flights';
    expect(sqlCompletions(from, 'select de'.length, TABLES)?.items).toEqual(['delay', 'destination', 'DESC', 'dense_rank']);
    const table = 'select * from fl';
    expect(sqlCompletions(table, table.length, TABLES)?.items).toEqual(['flights']);
  });

  it('completes the columns of an alias after its dot', () => {
    const text = 'select a.st from flights f join airports a on f.origin = a.iata';
    expect(tablesRead(text, TABLES)).toEqual(new Map([['flights', 'flights'], ['f', 'flights'], ['airports', 'airports'], ['a', 'airports']]));
    expect(sqlCompletions(text, 'select a.st'.length, TABLES)?.items).toEqual(['state']);
    const f = 'select f.d from flights f';
    expect(sqlCompletions(f, 'select f.d'.length, TABLES)?.items).toEqual(['date', 'delay', 'distance', 'destination']);
  });

  it('in the editor: the SQL box switches the completion, Tab takes it, a function gets its parenthesis', async () => {
    const outputs = [{ name: 'q', expr: '', sql: true }];
    const w = mount(JobEditor, { props: { error: null, vocabulary: null, datasets: '{"flights": {"csv": "f.csv"}}', outputs, tables: TABLES } as never, attachTo: document.body });
    expect((w.find('[data-testid="output-sql-0"]').element as HTMLInputElement).checked).toBe(true);
    const input = w.find('[data-testid="output-expr-0"]');
    const type = async (text: string) => {
      (input.element as HTMLInputElement).value = text;
      (input.element as HTMLInputElement).setSelectionRange(text.length, text.length);
      await input.trigger('input');
    };
    await type('select ori');
    expect(w.findAll('[data-testid="completions"] li').map((l) => l.text())).toEqual(['origin']);
    await input.trigger('keydown', { key: 'Tab' });
    expect(outputs[0].expr).toBe('select origin');
    await type('select origin, cou');
    await input.trigger('keydown', { key: 'Tab' });
    expect(outputs[0].expr).toBe('select origin, count(');
    w.unmount();
  });
});
