/**
 * Template variables: `{{firstName}}`, `{{ company }}`, `{{title|there}}` (with a fallback),
 * `{{custom.industry}}` for custom fields. Used by the API when it renders a send and by
 * the extension when it inserts a template, so both fill and flag variables the same way.
 */
export type TemplateVars = Record<string, string | number | null | undefined | Record<string, string>>;

export interface RenderResult {
  text: string;
  /** Variables with no value and no fallback, in order of first appearance. */
  missing: string[];
}

const VARIABLE = /\{\{\s*([a-zA-Z_][\w.]*)\s*(?:\|\s*([^}]*?)\s*)?\}\}/g;

export function renderTemplate(text: string, vars: TemplateVars, options: { keepMissing?: boolean } = {}): RenderResult {
  const missing: string[] = [];
  const out = text.replace(VARIABLE, (whole, name: string, fallback?: string) => {
    const value = lookup(vars, name);
    if (value !== undefined && value !== '') return String(value);
    if (fallback !== undefined && fallback !== '') return fallback;
    if (!missing.includes(name)) missing.push(name);
    return options.keepMissing === false ? '' : whole;
  });
  return { text: out, missing };
}

/** Every variable a text uses (whether or not it has a fallback). */
export function listVariables(text: string): Array<{ name: string; fallback?: string; start: number; end: number }> {
  return [...text.matchAll(VARIABLE)].map((m) => ({
    name: m[1]!,
    ...(m[2] ? { fallback: m[2] } : {}),
    start: m.index!,
    end: m.index! + m[0].length,
  }));
}

/** The variables a prospect record offers: its fields plus `custom.<key>` for custom fields. */
export function prospectVars(p: {
  email: string;
  firstName?: string | null;
  lastName?: string | null;
  company?: string | null;
  title?: string | null;
  customFields?: Record<string, string> | null;
}): TemplateVars {
  return {
    email: p.email,
    firstName: p.firstName ?? undefined,
    lastName: p.lastName ?? undefined,
    fullName: [p.firstName, p.lastName].filter(Boolean).join(' ') || undefined,
    company: p.company ?? undefined,
    title: p.title ?? undefined,
    custom: p.customFields ?? {},
  };
}

function lookup(vars: TemplateVars, path: string): string | number | undefined {
  let cur: unknown = vars;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return typeof cur === 'string' || typeof cur === 'number' ? cur : undefined;
}
