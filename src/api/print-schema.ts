import { lexicographicSortSchema, printSchema } from 'graphql';
import { buildGiftgraphSchema } from './schema';

/** The SDL as committed in schema/schema.graphql: sorted, so the file diffs cleanly. */
export async function printGiftgraphSchema(): Promise<string> {
  const schema = await buildGiftgraphSchema();
  return `# Emitted by \`npm run schema:emit\` from the type-graphql classes in src/api. Do not edit.\n\n${printSchema(lexicographicSortSchema(schema))}\n`;
}
