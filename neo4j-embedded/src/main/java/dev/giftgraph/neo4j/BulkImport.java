package dev.giftgraph.neo4j;

import java.nio.file.Path;
import java.util.Arrays;
import org.neo4j.cli.AdminTool;
import org.neo4j.cli.ExecutionContext;

/**
 * Runs one {@code neo4j-admin} command (the bulk seed's {@code database import full}) for
 * an embedded server's home, with the home and configuration directories given as
 * arguments: {@code BulkImport <home> <confDir> <command words and options...>}.
 *
 * <p>Neo4j's own entry point ({@code AdminTool.main}) reads them from the NEO4J_HOME and
 * NEO4J_CONF environment variables; passing them explicitly keeps the caller from editing
 * its environment. Exits with the command's exit code.
 */
public final class BulkImport {
    private BulkImport() {}

    public static void main(String[] args) {
        if (args.length < 3) {
            System.err.println("usage: BulkImport <home> <confDir> <neo4j-admin command...>");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        Path conf = Path.of(args[1]).toAbsolutePath();
        int code = AdminTool.execute(new ExecutionContext(home, conf), Arrays.copyOfRange(args, 2, args.length));
        System.exit(code);
    }
}
