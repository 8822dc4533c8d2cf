import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// dist/src/render → the package root, where templates/ ships.
const templatesDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'templates');
const cache = new Map<string, string>();

/** Fills `{{name}}` placeholders of a file in templates/; a placeholder left without a value is our bug. */
export function renderTemplate(name: string, values: Record<string, string>): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(join(templatesDir, name), 'utf8');
    cache.set(name, text);
  }
  return text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`template ${name}: no value for {{${key}}}`);
    return value;
  });
}
