import { z } from 'zod';
import { ConfigSchema } from '../config/schema.ts';
import { READ_AT_START } from '../pos/config-swap.ts';

/**
 * The config a CONFIG_PUSH carries (PROTOCOL.md §6.8), as JSON Schema for
 * integrators: generated from the zod schema the terminal validates with, so
 * the published file (protocol/config.schema.json) cannot say other than the
 * terminal checks. A test compares the file with this; `node --import tsx
 * firmware/sync/config-json-schema.ts` rewrites it after a deliberate change.
 * zod's refinements (minSaleCents ≤ maxSaleCents, class ids known, unique
 * menu codes …) have no JSON Schema form: the description names them.
 */
export const CONFIG_SCHEMA_FILE = new URL('../../protocol/config.schema.json', import.meta.url);

export function configJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(ConfigSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    $schema: generated.$schema,
    title: 'onecard terminal config (CONFIG_PUSH body, protocol v1)',
    description: [
      'The whole terminal config, the same document as the config file; defaults as given.',
      'Also checked, beyond what this schema says:',
      'pos.minSaleCents ≤ pos.maxSaleCents; pos.fixedPriceCents set in fixed mode;',
      'pos.menu not empty in item mode, codes unique;',
      'pos.allowedClasses name classes of cardClasses. A push must keep terminal.id and storage.* as installed.',
      `Read only at start (saved, in force after a restart): ${READ_AT_START.join(', ')}.`,
      'Whether a sale asks the backend is the card class\'s account ("online");',
      'pos.online holds only the deadline and the offline floors.',
    ].join(' '),
    ...Object.fromEntries(Object.entries(generated).filter(([k]) => k !== '$schema')),
  };
}

export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(CONFIG_SCHEMA_FILE, configJsonSchemaText());
  console.log(`wrote ${CONFIG_SCHEMA_FILE.pathname}`);
}
