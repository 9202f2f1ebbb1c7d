package dev.turnstile.spring;

import dev.turnstile.config.SettingSource;
import dev.turnstile.config.TurnstileSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import org.springframework.core.env.Environment;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/**
 * {@code turnstile.*} read from Spring's {@link Environment} alone, so Spring's order applies
 * (command-line arguments, system properties, environment variables such as
 * {@code TURNSTILE_REDIS_URL}, profile-specific and plain {@code application.properties}, ...), with
 * its relaxed names. MicroProfile Config is not consulted.
 */
final class SpringSettings {

    private SpringSettings() {}

    static TurnstileSettings load(Environment environment, ResourceLoader resources) {
        SettingSource source = new SettingSource(environment::getProperty, key -> null, Map.of());
        return TurnstileSettings.load(source, path -> open(resources.getResource(path)));
    }

    /** The resource's content; null when it does not exist. */
    private static InputStream open(Resource resource) {
        if (!resource.exists()) {
            return null;
        }
        try {
            return resource.getInputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
