package dev.patchbay.schema;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.helidon.config.Config;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.jdbc.CloseableJdbcConnectionPool;
import io.helidon.dbclient.jdbc.JdbcConnectionPool;
import io.helidon.dbclient.jdbc.spi.JdbcConnectionPoolProvider;

/**
 * The JDBC connection pool behind helidon-dbclient-jdbc: HikariCP, as helidon-dbclient-hikari gave it
 * up to Helidon 4.1.2. Helidon 4.5.0's dbclient-jdbc finds its pool through this service provider
 * and is served here without helidon-dbclient-hikari, so the project provides the same pool itself:
 * the {@code patchbay.db.connection} keys (url, username, password, other keys as driver properties)
 * mean what they meant before.
 */
public final class HikariPool implements CloseableJdbcConnectionPool {

    /** "jdbc:postgresql:..." gives "postgresql", as helidon-dbclient-hikari named the database type. */
    private static final Pattern DB_TYPE = Pattern.compile("jdbc:(\\w+):.*");

    /** HikariCP's message for any use of a connection after its close(). */
    private static final String CLOSED = "Connection is closed";

    private final HikariDataSource dataSource;
    private final String dbType;
    private final String name;

    private HikariPool(Builder builder) {
        HikariConfig hikari = new HikariConfig(builder.properties());
        hikari.setJdbcUrl(builder.url());
        hikari.setUsername(builder.username());
        hikari.setPassword(builder.password());
        this.dataSource = new HikariDataSource(hikari);
        Matcher type = DB_TYPE.matcher(builder.url());
        this.dbType = type.matches() ? type.group(1) : JdbcConnectionPool.DEFAULT_DB_TYPE;
        this.name = builder.serviceName();
    }

    /**
     * True if {@code e} says the connection had been closed: HikariCP's closed proxy throws this
     * message, without a SQLState. Under Helidon 4.5.0 that is how a transaction ends whose statement
     * failed (dbclient-jdbc closes the connection, the pool rolls it back).
     */
    public static boolean closed(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && CLOSED.equals(sql.getMessage())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Connection connection() {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw new DbClientException("Failed to create a connection to " + dataSource.getJdbcUrl()
                    + ": check patchbay.db.connection (url, username, password) and that the database is up", e);
        }
    }

    @Override
    public String dbType() {
        return dbType;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return Provider.KEY;
    }

    @Override
    public void close() {
        dataSource.close();
    }

    /** Registered in META-INF/services; dbclient-jdbc takes the first provider it finds. */
    public static final class Provider implements JdbcConnectionPoolProvider {
        static final String KEY = "hikari";

        @Override
        public String configKey() {
            return KEY;
        }

        @Override
        public JdbcConnectionPool create(Config config, String name) {
            return new Builder().config(config).serviceName(name).build();
        }
    }

    private static final class Builder extends JdbcConnectionPool.BuilderBase<Builder, HikariPool> {
        @Override
        public HikariPool build() {
            return new HikariPool(this);
        }
    }
}
