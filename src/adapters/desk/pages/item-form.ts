import type { DraftField, DraftProblem, Item, ItemDraft } from '../../../core/items.js';
import type { TopicCatalog } from '../../../core/topics.js';
import type { Translator } from '../../../i18n/translator.js';
import { html, type SafeHtml } from '../html.js';
import { type DraftPreview, type FieldCount, problemsOf } from '../preview.js';
import { page, type Viewer } from './layout.js';

/** The form's fields as typed (all text, kept as typed when the draft is refused). */
export type FormValues = Readonly<Record<DraftField, string>>;

/** The form's values as a draft for {@link checkDraft}. */
export function draftOf(values: FormValues): ItemDraft {
  return {
    topic: values.topic,
    headline: values.headline,
    body: values.body,
    ...(values.sourceName.trim() !== '' && { sourceName: values.sourceName }),
    ...(values.sourceUrl.trim() !== '' && { sourceUrl: values.sourceUrl }),
  };
}

/** An item's fields as form values. */
export function valuesOf(item: Item): FormValues {
  return {
    topic: item.topic,
    headline: item.headline,
    body: item.body,
    sourceName: item.sourceName ?? '',
    sourceUrl: item.sourceUrl ?? '',
  };
}

/** An empty form, on the first topic. */
export function blankValues(topics: TopicCatalog): FormValues {
  return { topic: topics.slugs[0] ?? '', headline: '', body: '', sourceName: '', sourceUrl: '' };
}

/** A field's label, as the form and the session-ended page name it. */
export function fieldLabel(tr: Translator, field: DraftField): string {
  return tr.t(`desk.form.fields.${field}`);
}

function counter(field: string, count: FieldCount | undefined): SafeHtml {
  if (!count) return html``;
  return html`<span class="count${count.length > count.limit ? ' over' : ''}" id="${field}-count" data-count-for="${field}">${count.text}</span>`;
}

/** One labelled field, its counter, and the problems with it right below, tied to it for screen readers. */
function field(
  name: DraftField,
  tr: Translator,
  control: (describedBy: string, invalid: boolean) => SafeHtml,
  problems: readonly DraftProblem[],
  count?: FieldCount,
  hint?: string,
): SafeHtml {
  const error = problemsOf(problems, name);
  const describedBy = [hint ? `${name}-hint` : '', error ? `${name}-error` : '', count ? `${name}-count` : '']
    .filter(Boolean)
    .join(' ');
  return html`<div class="field${error ? ' has-error' : ''}">
    <div class="field-head"><label for="${name}">${fieldLabel(tr, name)}</label>${counter(name, count)}</div>
    ${hint ? html`<p class="hint" id="${name}-hint">${hint}</p>` : ''}
    ${control(describedBy, error !== '')}
    ${error ? html`<p class="field-error" id="${name}-error">${error}</p>` : ''}
  </div>`;
}

const aria = (describedBy: string, invalid: boolean) =>
  html`${describedBy ? html` aria-describedby="${describedBy}"` : ''}${invalid ? html` aria-invalid="true"` : ''}`;

/** The first field with a problem takes the focus when the page opens, so the editor lands on it. */
function focusFirst(problems: readonly DraftProblem[], name: DraftField): SafeHtml {
  const order: readonly DraftField[] = ['topic', 'headline', 'body', 'sourceName', 'sourceUrl'];
  const first = order.find((f) => problems.some((p) => p.field === f));
  return first === name ? html` autofocus` : html``;
}

/** What the write and edit pages show. */
export interface ItemFormParts {
  readonly viewer: Viewer;
  readonly topics: TopicCatalog;
  readonly values: FormValues;
  readonly problems: readonly DraftProblem[];
  readonly preview: DraftPreview;
  /** The item being edited; absent when writing a new one. */
  readonly editing?: Item;
  readonly notice?: { readonly text: string; readonly tone: 'ok' | 'error' };
  /** The form as stored (not a refused one sent back): the page may offer to restore an unsaved draft. */
  readonly fresh?: boolean;
}

/** The write form (Publish) or the edit form (Save, Delete), with the live previews beside it. */
export function itemFormPage(parts: ItemFormParts): SafeHtml {
  const { values, problems, editing, preview, viewer } = parts;
  const { tr } = viewer;
  const title = editing ? tr.t('desk.form.edit', { id: editing.id }) : tr.t('desk.form.write');
  // Problems per field, not per sentence: a field may have more than one.
  const fields = new Set(problems.map((p) => p.field)).size;
  const summary =
    problems.length > 0
      ? html`<div class="form-problems" role="alert"><p><strong>${tr.t(editing ? 'desk.form.notSaved' : 'desk.form.notPublished')}</strong> ${tr.t('desk.form.problems', { count: fields })}</p></div>`
      : '';
  return page({
    title,
    viewer,
    section: editing ? 'briefing' : 'write',
    ...(parts.notice && { notice: parts.notice }),
    scripts: ['desk.js'],
    body: html`<div class="write">
      <section class="card form-card">
        <h1>${title}</h1>
        ${summary}
        <div id="draft-restore" class="notice notice-error" role="status" hidden>
          <p>${tr.t('desk.form.restore')}</p>
          <div class="actions"><button type="button" id="draft-restore-yes">${tr.t('desk.form.restoreYes')}</button><button type="button" id="draft-restore-no">${tr.t('desk.form.restoreNo')}</button></div>
        </div>
        <form id="item-form" method="post" action="${editing ? `/items/${editing.id}` : '/items'}" data-preview="/preview${editing ? `?id=${editing.id}` : ''}" data-fresh="${parts.fresh ? 'true' : 'false'}" novalidate>
          ${field(
            'topic',
            tr,
            (
              d,
              invalid,
            ) => html`<select id="topic" name="topic"${aria(d, invalid)}${focusFirst(problems, 'topic')}>
              ${parts.topics.topics.map(
                (t) =>
                  html`<option value="${t.slug}"${parts.topics.resolve(values.topic)?.slug === t.slug ? html` selected` : ''}>${t.emoji} ${parts.topics.title(t, tr)}</option>`,
              )}
              ${parts.topics.resolve(values.topic) ? '' : html`<option value="${values.topic}" selected>${values.topic || tr.t('desk.form.chooseTopic')}</option>`}
            </select>`,
            problems,
          )}
          ${field(
            'headline',
            tr,
            (d, invalid) =>
              html`<input id="headline" name="headline" type="text" value="${values.headline}" autocomplete="off"${aria(d, invalid)}${focusFirst(problems, 'headline')}>`,
            problems,
            preview.counts.headline,
          )}
          ${field(
            'body',
            tr,
            (d, invalid) =>
              html`<textarea id="body" name="body" rows="10"${aria(d, invalid)}${focusFirst(problems, 'body')}>${values.body}</textarea>`,
            problems,
            preview.counts.body,
            tr.t('desk.form.bodyHint'),
          )}
          <div class="field-row">
            ${field(
              'sourceName',
              tr,
              (d, invalid) =>
                html`<input id="sourceName" name="sourceName" type="text" value="${values.sourceName}" autocomplete="off"${aria(d, invalid)}${focusFirst(problems, 'sourceName')}>`,
              problems,
              preview.counts.sourceName,
            )}
            ${field(
              'sourceUrl',
              tr,
              (d, invalid) =>
                html`<input id="sourceUrl" name="sourceUrl" type="url" inputmode="url" value="${values.sourceUrl}" autocomplete="off" placeholder="https://"${aria(d, invalid)}${focusFirst(problems, 'sourceUrl')}>`,
              problems,
            )}
          </div>
          <div class="actions">
            <button type="submit" class="primary">${tr.t(editing ? 'desk.form.save' : 'desk.form.publish')}</button>
            ${editing ? html`<a class="button danger" href="/items/${editing.id}/delete">${tr.t('desk.form.delete')}</a>` : ''}
          </div>
        </form>
      </section>
      <section class="card preview-card" aria-labelledby="preview-title">
        <h2 id="preview-title">${tr.t('desk.form.preview')}</h2>
        <p class="hint">${tr.t('desk.form.previewHint')}</p>
        <div id="preview" aria-live="polite" data-stale-text="${tr.t('desk.form.stale')}">${preview.html}</div>
      </section>
    </div>`,
  });
}

/** Asks before deleting an item. */
export function deletePage(viewer: Viewer, item: Item, label: string): SafeHtml {
  const { tr } = viewer;
  return page({
    title: tr.t('desk.form.deleteTitle', { id: item.id }),
    viewer,
    section: 'briefing',
    body: html`<section class="card narrow">
      <h1>${tr.t('desk.form.deleteQuestion', { id: item.id })}</h1>
      <p><strong>${item.headline}</strong> (${label})</p>
      <p>${tr.t('desk.form.deleteWarning')}</p>
      <form method="post" action="/items/${item.id}/delete" class="actions">
        <button type="submit" class="danger">${tr.t('desk.form.deleteTitle', { id: item.id })}</button>
        <a class="button" href="/items/${item.id}">${tr.t('desk.form.keep')}</a>
      </form>
    </section>`,
  });
}
