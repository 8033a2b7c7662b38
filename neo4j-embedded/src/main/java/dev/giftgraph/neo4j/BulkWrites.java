package dev.giftgraph.neo4j;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.Transaction;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

/**
 * The bulk write path of the seed and import loaders, registered by the launcher on the
 * embedded server only (a server named by NEO4J_URI does not have it, and the loader then
 * writes the same batch with a Cypher UNWIND).
 *
 * <p>Why: a relationship batch through Cypher's interpreted runtime evaluates, per row,
 * two list lookups for the endpoints, a node-by-id seek each, and one map and one list
 * lookup per property before the store sees a write. Here the same batch is a loop over
 * the columns straight into the Core API, in the caller's transaction, so it commits or
 * rolls back with it.
 */
public final class BulkWrites {
    @Context
    public Transaction tx;

    /** One output row: how many relationships the call created. */
    public static final class Created {
        public final long relationships;

        public Created(long relationships) {
            this.relationships = relationships;
        }
    }

    @Procedure(name = "giftgraph.createRelationships", mode = Mode.WRITE)
    @Description("giftgraph.createRelationships(type, start, end, properties): creates one relationship of `type` from"
            + " start[k] to end[k] (internal node ids) for every k; `properties` maps a property name to a list parallel"
            + " to start, whose null entries leave that property unset. Fails (and writes nothing) on a missing node or"
            + " lists of different lengths.")
    public Stream<Created> createRelationships(
            @Name("type") String type,
            // Numbers, not Longs: the JavaScript driver sends every number as a float.
            @Name("start") List<Number> start,
            @Name("end") List<Number> end,
            @Name("properties") Map<String, Object> properties) {
        int n = start.size();
        if (end.size() != n) {
            throw new IllegalArgumentException("start has " + n + " ids but end has " + end.size());
        }
        int p = properties.size();
        String[] keys = new String[p];
        List<?>[] columns = new List<?>[p];
        int c = 0;
        for (Map.Entry<String, Object> e : properties.entrySet()) {
            if (!(e.getValue() instanceof List<?> column) || column.size() != n) {
                throw new IllegalArgumentException("property " + e.getKey() + " must be a list of " + n + " values");
            }
            keys[c] = e.getKey();
            columns[c++] = column;
        }
        RelationshipType relType = RelationshipType.withName(type);
        for (int k = 0; k < n; k++) {
            Node from = tx.getNodeById(start.get(k).longValue());
            Node to = tx.getNodeById(end.get(k).longValue());
            Relationship r = from.createRelationshipTo(to, relType);
            for (int q = 0; q < p; q++) {
                Object v = columns[q].get(k);
                if (v != null) {
                    r.setProperty(keys[q], v);
                }
            }
        }
        return Stream.of(new Created(n));
    }
}
