// Checking a config file field by field, so one bad field hides nothing: zod checks a table as a
// whole and skips its cross-field rules once any field fails (a mistyped `cpus` would hide a bad
// `memory` rule). Here every field of a table is checked on its own against the table's schema,
// unknown keys are named with the nearest known one, the cross-field rules run over the fields
// that passed, and what passed is returned for the checks that need the host (files, CPUs).
import { parse as parseToml, TomlError } from "smol-toml";
import { z } from "zod";
import { describeIssue, fieldName, kindWord, show, unknownKey, valueAt } from "./issue-words.js";

export type Table = Record<string, unknown>;
export type Path = (string | number)[];
export const isTable = (v: unknown): v is Table => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);

/** How a table is written in the file: "[zone]", "[[device]]", "" for the top level. */
function tableLabel(path: Path): string {
  if (path.length === 0) return "";
  const last = path[path.length - 1];
  return typeof last === "number" ? `[[${path.slice(0, -1).join(".")}]]` : `[${path.join(".")}]`;
}

export class FieldChecker {
  readonly issues: z.ZodIssue[] = [];

  constructor(readonly root: unknown) {}

  add(path: Path, message: string): void {
    this.issues.push({ code: z.ZodIssueCode.custom, path, message });
  }

  private absorb(prefix: Path, issues: readonly z.ZodIssue[]): void {
    for (const i of issues) this.issues.push({ ...i, path: [...prefix, ...i.path] });
  }

  /** The table at `path`, each field checked against `schema`'s shape; undefined if it is no table. */
  table(schema: z.AnyZodObject, path: Path, required: boolean): Table | undefined {
    let raw = valueAt(this.root, path);
    const name = fieldName(path);
    if (raw === undefined) {
      if (required) {
        this.issues.push({ code: z.ZodIssueCode.invalid_type, expected: "object", received: "undefined", path, message: "Required" });
        return undefined;
      }
      raw = {};
    }
    if (!isTable(raw)) {
      this.add(path, `${show(raw)} is ${kindWord(raw)}: write ${name} as a table, ${tableLabel(path)}`);
      return undefined;
    }
    const shape = schema.shape as Record<string, z.ZodTypeAny>;
    const known = Object.keys(shape);
    for (const k of Object.keys(raw)) if (!Object.hasOwn(shape, k)) this.add([...path, k], unknownKey(k, known, tableLabel(path)));
    const out: Table = {};
    for (const k of known) {
      const r = shape[k].safeParse(raw[k]);
      if (r.success) {
        if (r.data !== undefined) out[k] = r.data;
      } else this.absorb([...path, k], r.error.issues);
    }
    return out;
  }

  /** A table of a discriminated union (a [[device]]): the variant its discriminator names, checked like `table`. */
  variant(schema: z.ZodDiscriminatedUnion<string, z.AnyZodObject[]>, path: Path): Table | undefined {
    const raw = valueAt(this.root, path);
    const chosen = isTable(raw) ? schema.optionsMap.get(raw[schema.discriminator] as string) : undefined;
    if (!chosen) {
      const r = schema.safeParse(raw);
      if (!r.success) this.absorb(path, r.error.issues.slice(0, 1));
      return undefined;
    }
    return this.table(chosen, path, true);
  }

  /** Cross-field rules (a superRefine body) over what passed; their issues are under `path`. */
  rule<T>(value: T, path: Path, check: (v: T, ctx: z.RefinementCtx) => void): void {
    const r = z.any().superRefine((v, ctx) => check(v as T, ctx)).safeParse(value);
    if (!r.success) this.absorb(path, r.error.issues);
  }

  /** Whether any issue is about `path` or a field under it. */
  failed(...path: Path): boolean {
    return this.issues.some((i) => path.every((p, k) => i.path[k] === p));
  }

  problems(file: string): string[] {
    return this.issues.map((i) => describeIssue(file, i, this.root));
  }
}

/** A config file's TOML; else one problem "file:line:col: not valid TOML: why" and the line with a caret. */
export function parseTomlText(text: string, file: string): { root: unknown } | { problem: string; excerpt: string } {
  try {
    return { root: parseToml(text) };
  } catch (e) {
    if (!(e instanceof TomlError)) throw e;
    const why = e.message.replace(/^Invalid TOML document:\s*/, "").split("\n")[0];
    const line = text.split(/\r?\n/)[e.line - 1] ?? "";
    const excerpt = line.length <= 160 ? `    ${e.line} | ${line}\n    ${" ".repeat(String(e.line).length)} | ${" ".repeat(Math.max(0, e.column - 1))}^` : "";
    return { problem: `${file}:${e.line}:${e.column}: not valid TOML: ${why}: fix the syntax there (TOML: https://toml.io)`, excerpt };
  }
}
