/**
 * The job editor: completion of dataset names, functions and methods at the cursor (keyboard and
 * mouse), an expression error underlined at its position, a dataset error shown by name.
 */
import { mount } from '@vue/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import JobEditor from '../../src-renderer/components/JobEditor.vue';
import { completions } from '../../src-renderer/completion';
import { realHello } from './real-job';

let vocabulary: Awaited<ReturnType<typeof realHello>>['vocabulary'];
beforeAll(async () => { vocabulary = (await realHello()).vocabulary; });

function editor(expr: string, error: object | null = null) {
  const outputs = [{ name: 'm', expr }];
  return { outputs, w: mount(JobEditor, { props: { error, vocabulary, datasets: '{"temperature": {"arange": 5}, "x": {"arange": 3}}', outputs } as never, attachTo: document.body }) };
}

async function type(w: ReturnType<typeof mount>, text: string) {
  const input = w.find('[data-testid="output-expr-0"]');
  (input.element as HTMLInputElement).value = text;
  (input.element as HTMLInputElement).setSelectionRange(text.length, text.length);
  await input.trigger('input');
  return input;
}

describe('job editor', () => {
  it('offers dataset names and functions for the word at the cursor, and methods after a dot', async () => {
    const { w, outputs } = editor('');
    let input = await type(w, 'sqrt(tem');
    expect(w.findAll('[data-testid="completions"] li').map((l) => l.text())).toEqual(['temperature']);
    await input.trigger('keydown', { key: 'Tab' });
    expect(outputs[0].expr).toBe('sqrt(temperature');
    input = await type(w, 'sqrt(temperature).me');
    expect(w.findAll('[data-testid="completions"] li').map((l) => l.text())).toEqual(['mean']);
    await input.trigger('keydown', { key: 'Enter' });
    expect(outputs[0].expr).toBe('sqrt(temperature).mean(');
    input = await type(w, 'np.ar');
    expect(w.findAll('[data-testid="completions"] li').map((l) => l.text())).toContain('arange');
    await type(w, 'x + 12');
    expect(w.find('[data-testid="completions"]').exists()).toBe(false);
    w.unmount();
  });

  it('moves the selection with the arrow keys and accepts a click', async () => {
    const { w, outputs } = editor('');
    const input = await type(w, 's');
    const items = w.findAll('[data-testid="completions"] li').map((l) => l.text());
    expect(items.length).toBeGreaterThan(2);
    await input.trigger('keydown', { key: 'ArrowDown' });
    expect(w.find('li.selected').text()).toBe(items[1]);
    await w.findAll('[data-testid="completions"] li')[2].trigger('mousedown');
    expect(outputs[0].expr.startsWith(items[2])).toBe(true);
    w.unmount();
  });

  it('underlines an expression error at its position and names a faulty dataset', () => {
    const { w } = editor('x + * 2', { code: 'PARSE_ERROR', message: 'unexpected *', hint: 'h', position: { output: 'm', start: 4, end: 5 } });
    expect(w.find('[data-testid="error-mark"] mark').text()).toBe('*');
    w.unmount();
    const d = editor('x', { code: 'FILE_NOT_FOUND', message: "dataset 'a': no such file", hint: 'check the path', dataset: 'a' });
    expect(d.w.find('[data-testid="dataset-error-mark"]').text()).toContain('check the path');
    expect(d.w.find('[data-testid="datasets"]').classes()).toContain('faulty');
    d.w.unmount();
  });

  it('completes nothing inside a number and offers random generators after random.', () => {
    expect(completions('12', 2, vocabulary, [])).toBeNull();
    expect(completions('random.un', 9, vocabulary, [])!.items).toEqual(['uniform']);
  });
});
