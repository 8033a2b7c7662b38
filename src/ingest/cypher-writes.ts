/**
 * The UNWIND statements the loader runs, one per row kind. Nodes are created with
 * `CREATE` (a load always writes into an empty dataset, so MERGE's extra lookup buys
 * nothing) and return their internal id, so that relationships are attached by id seek
 * instead of two index lookups each (the difference is ~2x on the 100k world).
 *
 * `$ds` is the dataset and `$run` the import-run id stamped on every node.
 */
import { LABEL, NODE_PROPS, type NodeKind } from './graph-shape';

/** `CREATE (n:<Label> {dataset: $ds, importRun: $run, id: r.id, <prop>: r.<prop>, …})` per node kind (NODE_PROPS). */
export const CREATE_NODES = Object.fromEntries(
  (Object.keys(LABEL) as NodeKind[]).map((k) => [k, `CREATE (n:${LABEL[k]} {dataset: $ds, importRun: $run, id: r.id${NODE_PROPS[k].map((p) => `, ${p}: r.${p}`).join('')}})`]),
) as Record<NodeKind, string>;

/**
 * Tried and not kept: the same columns written by a procedure the embedded launcher
 * registered (Core API, then the kernel's write API with tokens resolved once per batch).
 * A micro-benchmark (600k relationships, three properties) gave ~105k against ~92k rels/s,
 * but on the 100k world the loader showed no gain beyond noise (procedure 72–79k, Cypher
 * 70–92k rels/s over four runs; whichever load ran second in a run was ~13% faster, after
 * the first had used up the ids a previous run's deletes had freed). A JFR profile of the
 * procedure's writes put ~2% of the JVM's samples in the procedure and the rest in the
 * storage engine's commit: counts-store updates (13% self), the relationship type lookup
 * index, command extraction, serialisation and application. The Cypher runtime is not
 * where a relationship's cost is.
 *
 * The columnar form of a relationship write: `$s` and `$t` are parallel lists of internal
 * node ids and `$c.<prop>` one list per property, so a batch travels as a few long lists
 * instead of 10,000 small maps (less to encode in the driver and to decode in the server).
 * A null entry leaves that property unset (CREATE skips null values).
 */
export function createRelsColumnar(type: string, props: readonly string[]): string {
  const set = props.length ? ` {${props.map((p) => `\`${p}\`: $c.\`${p}\`[k]`).join(', ')}}` : '';
  return `UNWIND range(0, size($s) - 1) AS k
          MATCH (s) WHERE id(s) = $s[k]
          MATCH (t) WHERE id(t) = $t[k]
          CREATE (s)-[e:${type}${set}]->(t)`;
}
