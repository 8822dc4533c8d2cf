import { shellQuote } from '../remote/quote.js';
import { renderTemplate } from './template.js';

const BEGIN = '# BEGIN zkdeploy';
const END = '# END zkdeploy';

/** The marked ~/.bash_profile block of the guide's step 3; every login shell reads it, so the path is quoted. */
export function renderProfileBlock(zookeeperHome: string): string {
  return renderTemplate('bash_profile', { zookeeperHome: shellQuote(zookeeperHome) });
}

/**
 * ~/.bash_profile with the block in place: replaced where a block already is (never appended twice),
 * appended otherwise; every other line of the user's stays as it was.
 */
export function applyProfileBlock(current: string | undefined, block: string): string {
  const text = current ?? '';
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(BEGIN));
  const end = start === -1 ? -1 : lines.findIndex((l, i) => i > start && l.startsWith(END));
  if (start !== -1 && end !== -1) {
    const blockLines = block.replace(/\n$/, '').split('\n');
    return [...lines.slice(0, start), ...blockLines, ...lines.slice(end + 1)].join('\n');
  }
  if (text === '') return block;
  return `${text}${text.endsWith('\n') ? '' : '\n'}${block}`;
}

/** ~/.bash_profile without zkdeploy's block (uninstall); every other line stays as it was. */
export function removeProfileBlock(current: string): string {
  const lines = current.split('\n');
  const start = lines.findIndex((l) => l.startsWith(BEGIN));
  const end = start === -1 ? -1 : lines.findIndex((l, i) => i > start && l.startsWith(END));
  if (start === -1 || end === -1) return current;
  return [...lines.slice(0, start), ...lines.slice(end + 1)].join('\n');
}
