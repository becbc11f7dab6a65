/**
 * HTML built by the desk's pages. Every value interpolated into {@link html} is escaped unless it is
 * itself {@link SafeHtml} (made by `html` or, for markup the desk built itself, {@link trusted}), so
 * a headline of `<script>alert(1)</script>` shows as text wherever it appears.
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for an HTML text node or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** What a template accepts: text (escaped), numbers, safe HTML, lists of these; nothing shows for absent values. */
export type HtmlValue = string | number | SafeHtml | undefined | null | false | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === undefined || value === null || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** A template of HTML whose interpolations are escaped: `html\`<h1>${headline}</h1>\``. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}

/** Marks markup the desk produced itself (already escaped) as safe. Never for text from outside. */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup);
}
