/**
 * A blueprint or transformation list that does not validate or compile: where (file, line,
 * column, both 1-based, and the YAML path) and why. The message reads
 * `file:line:column: path: reason`, like a compiler's.
 *
 * @example
 * try {
 *   compileBlueprint(text, { file: 'amplitude/default.yaml' });
 * } catch (error) {
 *   if (error instanceof BlueprintError) console.error(error.message); // amplitude/default.yaml:12:52: global[3].transforms: unknown transform "shout"; …
 * }
 */
export class BlueprintError extends Error {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The reason alone, without the position. */
  readonly reason: string;
  /** The YAML path of the offending node, e.g. `events.page.filter` or `global[3].transforms`. */
  readonly path: string;
  constructor(file: string, line: number, column: number, path: string, reason: string) {
    super(`${file}:${line}:${column}: ${path ? `${path}: ` : ''}${reason}`);
    this.name = 'BlueprintError';
    this.file = file;
    this.line = line;
    this.column = column;
    this.reason = reason;
    this.path = path;
  }
}
