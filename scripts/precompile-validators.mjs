// Part of `npm run build`: Ajv standalone code for Ladder's built-in schemas, so that a launch does not
// compile them (~0.3 s of CPU). Written to dist/runner/compose/validators.precompiled.cjs with the hash of
// the schemas it was made from; runner/compose/validate.ts uses it only when that hash matches.
import { writeFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { ajvOptions, builtinSchemas, schemasHash } from '../dist/runner/compose/validate.js';

const ajv = new Ajv({ ...ajvOptions({ allErrors: false, strict: true }), code: { source: true } });
const schemas = builtinSchemas();
for (const schema of schemas) ajv.addSchema(schema);
const ids = Object.fromEntries(schemas.map((s, i) => [`v${i}`, s.$id]));
const code = `${standaloneCode.default ? standaloneCode.default(ajv, ids) : standaloneCode(ajv, ids)}\nexports.ids = ${JSON.stringify(ids)};\nexports.hash = ${JSON.stringify(schemasHash())};\n`;
writeFileSync(new URL('../dist/runner/compose/validators.precompiled.cjs', import.meta.url), code);
