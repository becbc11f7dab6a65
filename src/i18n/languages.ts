import { checkCatalog } from './catalog.js';
import en from './locales/en.js';
import zhCN from './locales/zh-CN.js';

/**
 * Every language Briefcast speaks, English first (the reference catalog), listed by hand like the
 * commands. Checked when this loads: every key in every language, the same placeholders.
 */
export const LANGUAGE_PACKS = checkCatalog([en, zhCN] as const);
