import { ComponentType, TextInputStyle } from 'discord.js';
import { describe, expect, it } from 'vitest';
import edit from '../../../commands/edit.js';
import post from '../../../commands/post.js';
import {
  buildModal,
  formCustomId,
  needsForm,
  parseFormCustomId,
  submittedValues,
} from '../../../src/adapters/discord/form.js';
import { ENGLISH } from '../../../src/i18n/translator.js';

describe('the /post and /edit form', () => {
  it('opens when the topic, headline or body is missing', () => {
    expect(needsForm(post, { topic: 'nft', headline: 'H', body: 'B' })).toBe(false);
    expect(needsForm(post, { topic: 'nft', headline: 'H' })).toBe(true);
    expect(needsForm(post, { topic: 'nft', headline: 'H', body: '  ' })).toBe(true);
    expect(needsForm(edit, { id: '3' })).toBe(true);
  });

  it('carries the arguments that are not fields in its custom id, and reads them back', () => {
    expect(formCustomId(post, { topic: 'nft', headline: 'H' })).toBe('form:post');
    const id = formCustomId(edit, { id: '12', topic: 'nft' });
    expect(id).toBe('form:edit?id=12');
    expect(parseFormCustomId(id!)).toEqual({ command: 'edit', given: { id: '12' } });
    expect(parseFormCustomId('something-else')).toBeUndefined();
  });

  it('gives up on a custom id longer than Discord’s 100 characters', () => {
    expect(formCustomId(edit, { id: '1'.repeat(100) })).toBeUndefined();
  });

  it('builds labelled text inputs within Discord’s limits, prefilled', () => {
    const modal = buildModal(post, 'form:post', { topic: 'nft', body: 'Text' }, ENGLISH);
    expect(modal.title).toBe('News item');
    expect(modal.components).toHaveLength(5);
    expect(modal.components[0]).toEqual({
      type: ComponentType.Label,
      label: 'Topic',
      component: {
        type: ComponentType.TextInput,
        custom_id: 'topic',
        style: TextInputStyle.Short,
        max_length: 32,
        required: true,
        value: 'nft',
      },
    });
    expect(modal.components[2]).toMatchObject({
      label: 'Body',
      component: { custom_id: 'body', style: TextInputStyle.Paragraph, max_length: 1500, value: 'Text' },
    });
    for (const c of modal.components) {
      if (c.type !== ComponentType.Label) throw new Error('expected labels');
      expect(c.label.length).toBeLessThanOrEqual(45);
    }
  });

  it('reads submitted values, empty ones as not given', () => {
    const submitted: Record<string, string> = {
      topic: 'nft ',
      headline: 'H',
      body: 'B',
      source: '',
      url: ' ',
    };
    expect(submittedValues(post, (id) => submitted[id])).toEqual({ topic: 'nft', headline: 'H', body: 'B' });
  });
});
