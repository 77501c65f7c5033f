package paperkg;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * A test-time Neo4j Community server for paperkg's test suite and benchmark.
 *
 * <p>Usage: {@code java -jar neo4j-server.jar HOME PASSWORD [PORT]}. Starts an embedded Neo4j
 * DBMS whose home directory is HOME (databases under HOME/data/databases, so a database made
 * there by {@code neo4j-admin database import full} with NEO4J_HOME=HOME is served), with Bolt
 * on 127.0.0.1:PORT (0 or absent: a free port), authentication on and the password of user
 * {@code neo4j} set to PASSWORD (at least 8 characters, Neo4j's rule) when HOME is new. HTTP and usage reporting are off. Prints one line
 * {@code BOLT bolt://127.0.0.1:PORT} on stdout once the server accepts connections, then serves
 * until stdin reaches end of file or the process gets SIGTERM/SIGINT, and shuts the DBMS down
 * cleanly (a checkpoint is written, so the home can be served again).
 *
 * <p>Neo4j's admin tool runs from the same class path: {@code java -cp neo4j-server.jar
 * org.neo4j.cli.AdminTool database import full ...} with NEO4J_HOME=HOME.
 */
public final class Neo4jServer {
    private Neo4jServer() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: java -jar neo4j-server.jar HOME PASSWORD [PORT]");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        String password = args[1];
        int port = args.length == 3 ? Integer.parseInt(args[2]) : 0;

        Map<String, String> config = new LinkedHashMap<>();
        config.put("server.bolt.enabled", "true");
        config.put("server.bolt.listen_address", "127.0.0.1:" + port);
        config.put("server.bolt.advertised_address", "127.0.0.1:" + port);
        config.put("server.default_listen_address", "127.0.0.1");
        config.put("server.http.enabled", "false");
        config.put("server.https.enabled", "false");
        config.put("dbms.security.auth_enabled", "true");
        config.put("dbms.usage_report.enabled", "false");
        config.put("server.directories.import", home.resolve("import").toString());
        String pagecache = System.getenv("PAPERKG_NEO4J_PAGECACHE");
        config.put("server.memory.pagecache.size", pagecache != null ? pagecache : "256m");

        // Written as HOME/conf/neo4j.conf, which neo4j-admin (NEO4J_HOME=HOME) reads too.
        Path conf = home.resolve("conf").resolve("neo4j.conf");
        Files.createDirectories(conf.getParent());
        StringBuilder text = new StringBuilder();
        config.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        Files.writeString(conf, text.toString());
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home).loadPropertiesFromFile(conf).build();
        AtomicBoolean stopped = new AtomicBoolean(false);
        Runnable stop = () -> {
            if (stopped.compareAndSet(false, true)) {
                dbms.shutdown();
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "neo4j-shutdown"));

        try {
            GraphDatabaseAPI system = (GraphDatabaseAPI) dbms.database("system");
            // A new home: user neo4j still has the default password, which must be changed.
            // A home served before keeps the password it was given then.
            boolean fresh = system.executeTransactionally(
                    "SHOW USERS YIELD user, passwordChangeRequired WHERE user = 'neo4j' RETURN passwordChangeRequired",
                    Map.of(), result -> result.hasNext() && Boolean.TRUE.equals(result.next().get("passwordChangeRequired")));
            if (fresh) {
                system.executeTransactionally("ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                        Map.of("password", password));
            }
            ConnectorPortRegister ports = system.getDependencyResolver().resolveDependency(ConnectorPortRegister.class);
            System.out.println("BOLT bolt://127.0.0.1:" + ports.getLocalAddress(ConnectorType.BOLT).getPort());
            System.out.flush();
        } catch (RuntimeException e) {
            System.err.println("neo4j-server: " + e.getMessage());
            stop.run();
            System.exit(1);
        }

        InputStream in = System.in;
        byte[] buffer = new byte[256];
        while (in.read(buffer) >= 0) {
            // serve until end of input
        }
        stop.run();
        System.exit(0);
    }
}
