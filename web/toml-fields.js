// Where a field of a zone file is in its TOML text, so a problem can be shown next to it:
// "zone.memory" is the memory key of [zone]; "device.1.path" the path key of the second
// [[device]] table. A missing key points at its table; a missing table at the first line.

const TABLE = /^\s*\[\s*([\w.-]+)\s*\]\s*(#.*)?$/;
const ARRAY_TABLE = /^\s*\[\[\s*([\w.-]+)\s*\]\]\s*(#.*)?$/;
const KEY = /^\s*([\w-]+)\s*=/;

/** The 0-based line of `field` in `text`. */
export function fieldLine(text, field) {
  const lines = text.split("\n");
  const parts = field.split(".");
  const table = parts[0];
  const index = table === "device" && /^\d+$/.test(parts[1] ?? "") ? Number(parts[1]) : undefined;
  const key = index !== undefined ? parts[2] : parts[1];
  let current = "", devices = -1, tableLine = -1;
  for (let i = 0; i < lines.length; i++) {
    let m;
    if ((m = ARRAY_TABLE.exec(lines[i]))) {
      current = m[1];
      if (current === "device") devices++;
      if (current === table && devices === index) tableLine = i;
      continue;
    }
    if ((m = TABLE.exec(lines[i]))) {
      current = m[1];
      if (current === table && index === undefined) tableLine = i;
      continue;
    }
    const inTable = current === table && (index === undefined || devices === index);
    if (inTable && key !== undefined && KEY.exec(lines[i])?.[1] === key) return i;
  }
  return Math.max(tableLine, 0);
}

/** For a TOML syntax error: the line its message names ("... at line 3, column 5"), 0-based. */
export function syntaxLine(message) {
  const m = /line (\d+)/.exec(message);
  return m ? Number(m[1]) - 1 : undefined;
}
