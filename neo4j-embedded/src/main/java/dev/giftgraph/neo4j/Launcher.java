package dev.giftgraph.neo4j;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

/**
 * Runs Neo4j 5.26 Community embedded, with the Bolt connector bound to 127.0.0.1 only.
 *
 * <p>Arguments (all {@code --name value}):
 * <ul>
 *   <li>{@code --home}: the server's home; data and transaction logs live under it and
 *       survive restarts (a crash is recovered from the transaction log on the next start).</li>
 *   <li>{@code --bolt-port}: the Bolt port (default 7687).</li>
 *   <li>{@code --pagecache-mb}: page cache size in MiB (default 512). Heap is the JVM's -Xmx,
 *       set by whoever starts this process.</li>
 *   <li>{@code --tx-timeout-s}: the server-side ceiling on any transaction (default 120);
 *       the API sets shorter per-transaction timeouts through the driver.</li>
 *   <li>{@code --tx-log-retention}: how much transaction log to keep past the last
 *       checkpoint (default {@code 256M size}; Neo4j's own default is {@code 2 days}).
 *       Community has no incremental backup and no cluster to feed, so older logs serve
 *       nothing; at the default, two days of bench seeding and test runs kept 70 GB of them
 *       and filled the disk. Crash recovery only needs the logs since the last checkpoint,
 *       which pruning never removes.</li>
 * </ul>
 *
 * <p>Auth is disabled: the connector only listens on loopback, and a server named by
 * NEO4J_URI (with its own auth) is what a shared deployment uses. On start it prints one
 * line {@code giftgraph-neo4j ready bolt=127.0.0.1:PORT} (the Node side still waits for a
 * Bolt query to answer before it calls the server up). SIGTERM shuts the database down
 * cleanly through the shutdown hook.
 */
public final class Launcher {
    private Launcher() {}

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> opts = parse(args);
        Path home = Path.of(opts.getOrDefault("home", "./.neo4j-data")).toAbsolutePath();
        int boltPort = Integer.parseInt(opts.getOrDefault("bolt-port", "7687"));
        long pageCacheMb = Long.parseLong(opts.getOrDefault("pagecache-mb", "512"));
        long txTimeoutS = Long.parseLong(opts.getOrDefault("tx-timeout-s", "120"));
        String txLogRetention = opts.getOrDefault("tx-log-retention", "256M size");

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", boltPort))
                .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", boltPort))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pageCacheMb))
                .setConfig(GraphDatabaseSettings.transaction_timeout, java.time.Duration.ofSeconds(txTimeoutS))
                .setConfig(GraphDatabaseSettings.keep_logical_logs, txLogRetention)
                // Bolt's event loops wait for 5 s without tasks before they stop (Netty's
                // quiet period), twice: 10 of a clean stop's ~10.5 s, measured here, long
                // after the databases were checkpointed and closed. A bulk seed stops the
                // server between its steps, and tests stop servers too.
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                // No usage reports to Neo4j: these machines (and many users') are offline,
                // and a local development database has nothing to tell anyone.
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("giftgraph-neo4j shutting down");
            dbms.shutdown();
            stopped.countDown();
        }, "giftgraph-neo4j-shutdown"));

        // Touch the default database so that a crash-recovery, if needed, happens now.
        dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME).executeTransactionally("RETURN 1");
        System.out.println("giftgraph-neo4j ready bolt=127.0.0.1:" + boltPort + " home=" + home);
        System.out.flush();
        stopped.await();
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got: " + a);
            }
            out.put(a.substring(2), args[++i]);
        }
        return out;
    }
}
