// zod's findings about a config file, said in tsvisor's words: "file: field: what is wrong: fix".
// zod's own wording ("Expected integer, received float") never reaches the user: every issue kind
// is translated here, with the value from the file, and a message written in a schema (ours) is
// kept. One place, so the zone file, the system file and any later file speak alike.
import { z } from "zod";

type Path = readonly (string | number)[];

/** What a field holds, for "X is not <noun>". List indexes are written as N. */
const NOUNS: Record<string, string> = {
  "zone.name": "a zone name",
  "zone.kind": "a zone kind",
  "zone.arch": "an architecture tsvisor runs",
  "zone.memory": "a size",
  "pool.memory": "a size",
  "boot.format": "a kernel format",
  "device.N.type": "a device type",
  "device.N.tap": "a TAP name",
  "device.N.mac": "a MAC address",
  "device.N.serial": "a disk serial",
};

/** A value to show in "add kind = ..." when a required field is missing. */
const EXAMPLES: Record<string, string> = {
  "zone.name": '"web"',
  "boot.kernel": '"images/Image"',
  "device.N.type": '"blk"',
  "device.N.path": '"disk.img"',
  "device.N.tap": '"tap0"',
};

const EXPECTED: Record<string, string> = {
  string: "text in quotes",
  number: "a number",
  integer: "a whole number",
  boolean: "true or false",
  array: "a list such as [1, 2]",
  object: "a table",
};

export const fieldName = (path: Path) => (path.length ? path.join(".") : "(top level)");
const pattern = (path: Path) => path.map((p) => (typeof p === "number" ? "N" : p)).join(".");

/** The value at `path` in the parsed file (undefined where there is none). */
export function valueAt(root: unknown, path: Path): unknown {
  let v = root;
  for (const p of path) {
    if (typeof v !== "object" || v === null) return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

/** A value as it would be written in the file. */
export function show(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.length <= 8 ? `[${v.map(show).join(", ")}]` : `a list of ${v.length}`;
  if (v === undefined || v === null) return "nothing";
  return "a table";
}

/** What kind of TOML value `v` is: "text", "a decimal number", ... */
export function kindWord(v: unknown): string {
  if (typeof v === "string") return "text";
  if (typeof v === "number") return Number.isInteger(v) ? "a whole number" : Number.isNaN(v) ? "nan" : "a decimal number";
  if (typeof v === "boolean") return "true/false";
  if (Array.isArray(v)) return "a list";
  if (v instanceof Date) return "a date";
  return "a table";
}

const orList = (opts: readonly unknown[]) =>
  opts.length <= 1 ? opts.map(show).join("") : `${opts.slice(0, -1).map(show).join(", ")} or ${show(opts[opts.length - 1])}`;

/** Edit distance, for "did you mean" (names are short: the quadratic table is fine). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

/** The closest of `known` to `word`, if it is close enough to be a slip ("cpu" → "cpus"). */
export function closest(word: string, known: readonly string[]): string | undefined {
  const cut = word.length >= 3 ? known.find((k) => k.toLowerCase().startsWith(word.toLowerCase())) : undefined;
  if (cut) return cut; // "mem" → "memory"
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const dist = distance(word.toLowerCase(), k.toLowerCase());
    if (dist < bestD) [best, bestD] = [k, dist];
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined;
}

/** "unknown field "cpu": did you mean "cpus"?" — the words for a key no schema has. */
export function unknownKey(key: string, known: readonly string[], table: string): string {
  const near = closest(key, known);
  const what = table ? `unknown field ${show(key)} in ${table}` : `unknown table ${show(key)}`;
  if (near) return `${what}: did you mean ${show(near)}?`;
  return `${what}: remove it (${table || "the file"} has ${known.map((k) => show(k)).join(", ")})`;
}

// A message written in one of our schemas differs from zod's default for the same issue.
function ownMessage(issue: z.ZodIssue): string | undefined {
  const dflt = z.defaultErrorMap(issue, { defaultError: "", data: undefined }).message;
  return issue.message !== dflt ? issue.message : undefined;
}

// zod writes an enum's expected type as "'auto' | 'image'": as choices in our quoting.
function expectedWords(expected: string): string {
  if (expected.includes(" | ")) return `one of ${orList(expected.split(" | ").map((o) => o.replace(/^'|'$/g, "")))}`;
  return EXPECTED[expected] ?? expected;
}

/** "cpus takes", or for an entry of a list "each entry of host_cpus is". */
function takes(path: Path): string {
  const last = path[path.length - 1];
  if (typeof last === "number") return `each entry of ${String(path[path.length - 2])} must be`;
  return `${String(last ?? "this")} takes`;
}

function missing(path: Path): string {
  const key = String(path[path.length - 1]);
  const where = path.length === 1 ? "" : typeof path[path.length - 2] === "number" ? " to this [[device]]" : ` under [${path.slice(0, -1).join(".")}]`;
  if (path.length === 1) return `missing: add a [${key}] table`;
  return `missing: add ${key} = ${EXAMPLES[pattern(path)] ?? "..."}${where}`;
}

function sizeWords(issue: z.ZodTooSmallIssue | z.ZodTooBigIssue, v: unknown): string {
  const small = issue.code === "too_small";
  const bound = Number(small ? (issue as z.ZodTooSmallIssue).minimum : (issue as z.ZodTooBigIssue).maximum);
  const edge = issue.inclusive ? bound : small ? bound + 1 : bound - 1;
  const most = small ? "at least" : "at most";
  switch (issue.type) {
    case "array": {
      const n = Array.isArray(v) ? v.length : 0;
      return `${n === 0 ? "the list is empty" : `the list has ${n} entr${n === 1 ? "y" : "ies"}`}: list ${most} ${edge}`;
    }
    case "string": {
      const n = typeof v === "string" ? v.length : 0;
      return n === 0 ? "empty: give a value" : `${show(v)} has ${n} characters: use ${most} ${edge}`;
    }
    default:
      return `${show(v)} is too ${small ? "small" : "large"}: use ${most} ${edge}`;
  }
}

/** One issue as "what is wrong: fix" (without file and field). `root` is the parsed file. */
export function issueWords(issue: z.ZodIssue, root: unknown): string {
  const v = valueAt(root, issue.path);
  const own = ownMessage(issue);
  const noun = NOUNS[pattern(issue.path)] ?? "accepted here";
  const not = () => `${show(v)} is not ${noun}`;
  switch (issue.code) {
    case "invalid_type":
      if (issue.received === "undefined") return missing(issue.path);
      if (own) return `${show(v)}: ${own}`;
      return `${show(v)} is ${kindWord(v)}: ${takes(issue.path)} ${expectedWords(issue.expected)}`;
    case "invalid_literal":
      return `${not()}: use ${show(issue.expected)}`;
    case "invalid_enum_value": {
      const near = typeof v === "string" ? closest(v, issue.options.map(String)) : undefined;
      return `${not()}: ${near ? `did you mean ${show(near)}? ` : ""}use ${orList(issue.options)}`;
    }
    case "invalid_union_discriminator": {
      const near = typeof v === "string" ? closest(v, issue.options.map(String)) : undefined;
      if (v === undefined) return `missing: add ${String(issue.path[issue.path.length - 1])} = one of ${orList(issue.options)}`;
      return `${not()}: ${near ? `did you mean ${show(near)}? ` : ""}use ${orList(issue.options)}`;
    }
    case "invalid_union": {
      if (own) return `${not()}: ${own}`;
      const wanted = issue.unionErrors.flatMap((e) => e.issues.filter((i) => i.code === "invalid_type").map((i) => (i as z.ZodInvalidTypeIssue).expected));
      return `${show(v)} is ${kindWord(v)}: use ${wanted.map((w) => EXPECTED[w] ?? w).join(" or ")}`;
    }
    case "unrecognized_keys":
      return issue.keys.map((k) => `unknown field ${show(k)}: remove it or correct the spelling`).join("; ");
    case "invalid_string":
      return `${not()}${own ? `: ${own}` : ""}`;
    case "too_small":
    case "too_big":
      if (own && typeof v === "string") return `${v === "" ? "empty" : `${show(v)} is too ${issue.code === "too_small" ? "short" : "long"}`}: ${own}`;
      if (own) return `${show(v)}: ${own}`;
      return sizeWords(issue, v);
    case "custom":
      return issue.message;
    default:
      return own ? `${show(v)}: ${own}` : `${show(v)} is not accepted here`;
  }
}

/** "file: field: what is wrong: fix". */
export function describeIssue(file: string, issue: z.ZodIssue, root: unknown): string {
  return `${file}: ${fieldName(issue.path)}: ${issueWords(issue, root)}`;
}
