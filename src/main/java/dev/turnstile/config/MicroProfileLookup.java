package dev.turnstile.config;

import java.util.ServiceConfigurationError;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds MicroProfile Config when it is there at run time. Only after its API was found is
 * {@link MicroProfileConfigReader}, the one class that names it, loaded; without it nothing here
 * links against it, so an application without MicroProfile Config never sees a
 * {@code NoClassDefFoundError}.
 */
final class MicroProfileLookup {

    static final String CONFIG_PROVIDER = "org.eclipse.microprofile.config.ConfigProvider";

    private static final Logger LOG = LoggerFactory.getLogger(MicroProfileLookup.class);

    private MicroProfileLookup() {}

    /**
     * A lookup of full keys in the MicroProfile Config of the thread's context class loader, or
     * null when the API or an implementation of it is missing.
     */
    static Function<String, String> find() {
        if (!apiPresent()) {
            return null;
        }
        try {
            return MicroProfileConfigReader.current();
        } catch (IllegalStateException | ServiceConfigurationError e) {
            LOG.info(
                    "the MicroProfile Config API is on the class path but no implementation answered ({});"
                            + " turnstile.* is not read from it",
                    e.toString());
            return null;
        }
    }

    private static boolean apiPresent() {
        try {
            Class.forName(CONFIG_PROVIDER, false, MicroProfileLookup.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
