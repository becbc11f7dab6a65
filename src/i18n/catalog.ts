import type { LanguagePack, MessageTree } from './language.js';

/** i18next's plural suffixes (`items_one`, `items_other`), by CLDR plural category. */
const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;
/** A placeholder: `{{name}}`, `{{count, number}}`. */
const PLACEHOLDER = /\{\{\s*([\w.]+)\s*(?:,[^}]*)?\}\}/g;

/** Every message of a tree by its dotted key. */
export function flatten(tree: MessageTree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = `${prefix}${key}`;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of flatten(value, `${path}.`)) out.set(k, v);
  }
  return out;
}

/** The placeholder names a message uses. */
export function placeholdersOf(message: string): Set<string> {
  return new Set([...message.matchAll(PLACEHOLDER)].map((m) => m[1]!));
}

/** A language's messages grouped by key without its plural suffix: the forms and their placeholders. */
function byBaseKey(pack: LanguagePack): Map<string, { forms: Set<string>; placeholders: Set<string> }> {
  const out = new Map<string, { forms: Set<string>; placeholders: Set<string> }>();
  for (const [key, message] of flatten(pack.messages)) {
    const suffix = PLURAL_SUFFIX.exec(key);
    const base = suffix ? key.slice(0, suffix.index) : key;
    const entry = out.get(base) ?? { forms: new Set(), placeholders: new Set() };
    entry.forms.add(suffix?.[1] ?? '');
    for (const name of placeholdersOf(message)) entry.placeholders.add(name);
    out.set(base, entry);
  }
  return out;
}

/**
 * Every way the languages disagree with the first (the reference), one sentence each: a key missing
 * or extra, a plural message without the forms its language needs (English `one` and `other`,
 * Chinese `other`), a placeholder used in one language and not the other, an empty message.
 */
export function catalogProblems(packs: readonly LanguagePack[]): string[] {
  const [reference] = packs;
  if (!reference) return ['no language is defined'];
  const problems: string[] = [];
  const codes = new Set<string>();
  const ref = byBaseKey(reference);
  for (const pack of packs) {
    if (codes.has(pack.code)) problems.push(`language ${pack.code} is defined twice`);
    codes.add(pack.code);
    const mine = pack === reference ? ref : byBaseKey(pack);
    const categories = new Intl.PluralRules(pack.code).resolvedOptions().pluralCategories;
    for (const [key, message] of flatten(pack.messages))
      if (message.trim() === '') problems.push(`${pack.code}: "${key}" is empty`);
    for (const [base, entry] of mine) {
      if (entry.forms.has('') && entry.forms.size > 1)
        problems.push(`${pack.code}: "${base}" is both a plain and a plural message`);
      if (!entry.forms.has('')) {
        for (const category of categories)
          if (!entry.forms.has(category)) problems.push(`${pack.code}: "${base}_${category}" is missing`);
        for (const form of entry.forms)
          if (!(categories as readonly string[]).includes(form))
            problems.push(`${pack.code}: "${base}_${form}" is not a plural form of ${pack.code}`);
      }
    }
    if (pack === reference) continue;
    for (const [base, entry] of ref) {
      const theirs = mine.get(base);
      if (!theirs) {
        problems.push(`${pack.code}: "${base}" is missing`);
        continue;
      }
      if (entry.forms.has('') !== theirs.forms.has(''))
        problems.push(`${pack.code}: "${base}" must be plural in every language or in none`);
      for (const name of entry.placeholders)
        if (!theirs.placeholders.has(name))
          problems.push(`${pack.code}: "${base}" does not use {{${name}}}, which ${reference.code} uses`);
      for (const name of theirs.placeholders)
        if (!entry.placeholders.has(name))
          problems.push(`${pack.code}: "${base}" uses {{${name}}}, which ${reference.code} does not`);
    }
    for (const base of mine.keys())
      if (!ref.has(base)) problems.push(`${pack.code}: "${base}" is not a key of ${reference.code}`);
  }
  return problems;
}

/**
 * Returns `packs` if every language has every key and the same placeholders.
 * @throws Error listing every problem, so a gap in a catalog stops the start (and fails a test)
 */
export function checkCatalog<T extends readonly LanguagePack[]>(packs: T): T {
  const problems = catalogProblems(packs);
  if (problems.length > 0) throw new Error(`Message catalog problems:\n- ${problems.join('\n- ')}`);
  return packs;
}
