package dev.patchbay.startup;

/**
 * A start-up failure the operator fixes: a bad setting, a taken port, an unreachable database. The
 * message names the key, the value and the remedy, so {@link Startup#run} prints it as one line and
 * exits with status 2. Unchecked, so that a validator deep inside a configuration record can throw it
 * without every caller on the way declaring it.
 */
public final class StartupException extends RuntimeException {

    public StartupException(String message) {
        super(message, null, false, false);
    }

    public StartupException(String message, Throwable cause) {
        super(message, cause, false, false);
    }

    /** {@code KEY is 'VALUE': set it (env ENV) to REMEDY}. */
    public static StartupException badSetting(String key, Object value, String remedy) {
        return new StartupException(key + " is '" + value + "': set it (env " + Settings.envName(key) + ") to " + remedy);
    }

    /** The database at {@code url} cannot be used: unreachable, wrong credentials, or a failed migration. */
    public static StartupException database(String process, String url, Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        // JDBC URLs may carry credentials as parameters; they must not reach a log line.
        return new StartupException(process + " cannot use the database at " + url.replaceAll("(?i)(password|pwd)=[^;&]*", "$1=***")
                + " (" + String.valueOf(root.getMessage()).strip() + "): check patchbay.db.connection.url"
                + " (env PATCHBAY_DB_CONNECTION_URL), its credentials, and that the database is up", cause);
    }
}
