// WGSL kernels are composed of files (shaders/*.wgsl), each listed after the files it uses. The
// compiler sees one string; this remembers where each file starts in it, so compiler messages point at
// `shaders/<file>.wgsl:<line>:<col>` instead of a line of the joined string.

/**
 * One WGSL file of a kernel: its path in the repository, for messages, and its text (a `?raw` import).
 *
 * @example
 * import coordinatesWgsl from '../../shaders/coordinates.wgsl?raw';
 * const part = wgslPart('shaders/coordinates.wgsl', coordinatesWgsl);
 */
export interface WgslPart {
  readonly path: string;
  readonly code: string;
}

/** The WGSL file at `path` (relative to the repository root) with its text `code`. */
export function wgslPart(path: string, code: string): WgslPart {
  return { path, code };
}

/** Parts joined into one module, and the line (1-based) at which each starts. */
export interface ComposedWgsl {
  readonly code: string;
  readonly parts: readonly { readonly path: string; readonly firstLine: number; readonly lines: number }[];
}

const lineCount = (code: string) => code.split('\n').length;

/** Joins `parts` in order, one newline between them, remembering where each begins. */
export function composeWgsl(parts: readonly WgslPart[]): ComposedWgsl {
  let firstLine = 1;
  const placed = parts.map(({ path, code }) => {
    const lines = lineCount(code);
    const part = { path, firstLine, lines };
    firstLine += lines;
    return part;
  });
  return { code: parts.map((p) => p.code).join('\n'), parts: placed };
}

/** The file and line of line `line` (1-based) of the composed module; `undefined` past its end. */
export function sourceLine(composed: ComposedWgsl, line: number): { path: string; line: number } | undefined {
  const part = composed.parts.find((p) => line >= p.firstLine && line < p.firstLine + p.lines);
  return part && { path: part.path, line: line - part.firstLine + 1 };
}

/** `path:line:col` of a composed position, or the position as it was where no part holds it. */
export function sourcePosition(composed: ComposedWgsl, line: number, column: number): string {
  const source = sourceLine(composed, line);
  return source ? `${source.path}:${source.line}:${column}` : `:${line}:${column}`;
}

/**
 * Rewrites the `:line:col` positions of a compiler message (Dawn writes `:301:21 error: ...`) to the
 * file and line they come from.
 */
export function mapCompilerMessage(composed: ComposedWgsl, message: string): string {
  return message.replace(/(?<![\w.:/]):(\d+):(\d+)(?=[\s:])/g, (_, line: string, column: string) =>
    sourcePosition(composed, Number(line), Number(column)),
  );
}

/** The errors of `getCompilationInfo()`, one per line as `path:line:col: error: message`; '' if none. */
export function compilationErrors(composed: ComposedWgsl, messages: readonly GPUCompilationMessage[]): string {
  return messages
    .filter((m) => m.type === 'error')
    .map((m) => `${sourcePosition(composed, m.lineNum, m.linePos)}: error: ${m.message}`)
    .join('\n');
}
