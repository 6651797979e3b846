// Makes N documents from a JSON Schema with json-schema-faker, as NDJSON on
// standard output: the comparison of scripts/bench-generate.
import { createGeneratorSync } from "json-schema-faker";
import fs from "fs";

const [, , schemaFile, n] = process.argv;
const schema = JSON.parse(fs.readFileSync(schemaFile, "utf8"));
const gen = createGeneratorSync({ seed: 1 });
const out = [];
for (let i = 0; i < Number(n); i++) out.push(JSON.stringify(gen.generate(schema)));
process.stdout.write(out.join("\n") + "\n");
