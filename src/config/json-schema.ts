// JSON Schema of the zone and system files, generated from the zod schemas that validate them
// (`tsvisor schema zone|system`), so editors and other tools can check configs the same way.
import { zodToJsonSchema } from "zod-to-json-schema";
import { zoneFileSchema } from "./zone-config.js";
import { systemFileSchema } from "./system-config.js";

export const SCHEMAS = {
  zone: { schema: zoneFileSchema, title: "tsvisor zone file" },
  system: { schema: systemFileSchema, title: "tsvisor system file" },
} as const;

export type SchemaName = keyof typeof SCHEMAS;

export function jsonSchema(name: SchemaName): string {
  const { schema, title } = SCHEMAS[name];
  const js = zodToJsonSchema(schema, { $refStrategy: "none", target: "jsonSchema7" });
  return `${JSON.stringify({ title, ...js }, null, 2)}\n`;
}
