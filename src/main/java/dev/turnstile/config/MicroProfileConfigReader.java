package dev.turnstile.config;

import java.util.function.Function;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Reads {@code turnstile.*} keys from MicroProfile Config. The only class that names its API:
 * loaded by {@link MicroProfileLookup} only after the API was found on the class path.
 */
final class MicroProfileConfigReader {

    private MicroProfileConfigReader() {}

    /** The config of the thread's context class loader (the web application's, in a container). */
    static Function<String, String> current() {
        Config config = ConfigProvider.getConfig();
        return key -> read(config, key);
    }

    private static String read(Config config, String key) {
        try {
            return config.getOptionalValue(key, String.class).orElse(null);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(key + " (MicroProfile Config) cannot be read: " + e.getMessage(), e);
        }
    }
}
