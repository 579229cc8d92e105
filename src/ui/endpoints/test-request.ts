/**
 * @file The endpoint page's test form as data: a value per signature column, turned into an MLflow
 * `dataframe_split` body with each value in its column's JSON type (blank fields are missing values), and the
 * `fetch` snippet a caller can paste into another tab or a notebook.
 */
import type { ColumnType } from '../../protocol/dataset';

/** One field of the test form. */
export interface TestField {
  name: string;
  type: ColumnType;
}

/** A form value as JSON: a number for numeric types, true/false, ISO text for dates, base64 text for images; null when blank. */
export function fieldValue(field: TestField, text: string): string | number | boolean | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  switch (field.type) {
    case 'integer':
    case 'number': {
      const n = Number(trimmed);
      return Number.isFinite(n) ? n : trimmed; // left as text: the endpoint's 400 names the column
    }
    case 'boolean':
      return trimmed === 'true' ? true : trimmed === 'false' ? false : trimmed;
    case 'datetime': {
      const time = Date.parse(trimmed);
      return Number.isNaN(time) ? trimmed : new Date(time).toISOString();
    }
    default:
      return text;
  }
}

/** The request body for one row of form values (by column name). */
export function testRequestBody(fields: readonly TestField[], values: ReadonlyMap<string, string>): string {
  return JSON.stringify({ dataframe_split: { columns: fields.map((f) => f.name), data: [fields.map((f) => fieldValue(f, values.get(f.name) ?? ''))] } });
}

/** JavaScript that calls the endpoint with `body` from any tab of this origin (or a notebook served from it). */
export function fetchSnippet(url: string, body: string): string {
  let pretty = body;
  try {
    pretty = JSON.stringify(JSON.parse(body));
  } catch {
    // Shown as given.
  }
  return [
    `const response = await fetch(${JSON.stringify(url)}, {`,
    `  method: 'POST',`,
    `  headers: { 'Content-Type': 'application/json' },`,
    `  body: JSON.stringify(${pretty}),`,
    `});`,
    `console.log(response.status, await response.json()); // { predictions: [...] }`,
  ].join('\n');
}

/** A file's bytes as base64 text (an image for an image column). */
export async function fileAsBase64(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
