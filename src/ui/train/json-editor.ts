/**
 * @file The spec editor: CodeMirror 6 with JSON highlighting, line numbers, bracket matching, undo, search and lint
 * markers (the diagnostics are set from outside: the form state validates the text). Loaded with a dynamic
 * `import()` when the "Advanced" disclosure first opens, so it stays out of the initial bundle.
 */
import { EditorView, basicSetup } from 'codemirror';
import { json } from '@codemirror/lang-json';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { syntaxHighlighting } from '@codemirror/language';
import { classHighlighter } from '@lezer/highlight';

/** A problem to mark in the text. */
export interface EditorProblem {
  from: number;
  to: number;
  message: string;
}

/** What the page does with a mounted editor. */
export interface JsonEditorHandle {
  /** Replace the text when it differs (a form edit); typing the same text back is a no-op. */
  setText(text: string): void;
  setProblems(problems: readonly EditorProblem[]): void;
  /** Focus the editor with the cursor at `offset`, scrolled into view. */
  focusAt(offset: number): void;
  destroy(): void;
}

/** Options of `createJsonEditor`. */
export interface JsonEditorOptions {
  text: string;
  /** Accessible name of the text area. */
  label: string;
  /** Id of the element listing the problems, for `aria-describedby`. */
  describedBy?: string;
  onChange(text: string): void;
}

const theme = EditorView.theme({
  '&': { backgroundColor: 'var(--surface)', color: 'var(--text)', fontSize: '0.85rem', border: '1px solid var(--border)', borderRadius: '6px' },
  '&.cm-focused': { outline: '3px solid var(--focus)', outlineOffset: '2px' },
  '.cm-scroller': { fontFamily: 'var(--mono)', maxHeight: '32rem', overflow: 'auto' },
  '.cm-gutters': { backgroundColor: 'var(--surface-2)', color: 'var(--muted)', borderRight: '1px solid var(--border)' },
  '.cm-activeLine, .cm-activeLineGutter': { backgroundColor: 'color-mix(in srgb, var(--accent) 8%, transparent)' },
  '.cm-content': { caretColor: 'var(--text)' },
  // Token colours readable on the light and the dark theme (the page sets `color-scheme`).
  '.tok-propertyName': { color: 'light-dark(#1f4f8a, #8cc4ff)' },
  '.tok-string': { color: 'light-dark(#9a2a10, #f2a48c)' },
  '.tok-number': { color: 'light-dark(#116644, #7fd4a8)' },
  '.tok-bool, .tok-literal': { color: 'light-dark(#6f2a99, #d3a6f5)' },
  '.tok-punctuation': { color: 'var(--muted)' },
});

/** Mounts an editor in `parent`. */
export function createJsonEditor(parent: HTMLElement, options: JsonEditorOptions): JsonEditorHandle {
  let applying = false;
  const view = new EditorView({
    parent,
    doc: options.text,
    extensions: [
      basicSetup,
      json(),
      // Classes (`tok-string`...) coloured by the theme, in place of basicSetup's light-only fallback style.
      syntaxHighlighting(classHighlighter),
      lintGutter(),
      theme,
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({
        'aria-label': options.label,
        ...(options.describedBy ? { 'aria-describedby': options.describedBy } : {}),
      }),
      EditorView.updateListener.of((update) => {
        if (update.docChanged && !applying) options.onChange(update.state.doc.toString());
      }),
    ],
  });

  return {
    setText(text) {
      const current = view.state.doc.toString();
      if (current === text) return;
      applying = true;
      try {
        view.dispatch({ changes: { from: 0, to: current.length, insert: text } });
      } finally {
        applying = false;
      }
    },
    setProblems(problems) {
      const length = view.state.doc.length;
      const diagnostics: Diagnostic[] = problems.map((p) => {
        const from = Math.min(p.from, length);
        return { from, to: Math.max(from, Math.min(p.to, length)), severity: 'error', message: p.message };
      });
      view.dispatch(setDiagnostics(view.state, diagnostics));
    },
    focusAt(offset) {
      const anchor = Math.min(offset, view.state.doc.length);
      view.dispatch({ selection: { anchor }, scrollIntoView: true });
      view.focus();
    },
    destroy() {
      view.destroy();
    },
  };
}
