package dev.turnstile.config;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Where a setting's value comes from, strongest first: the environment variable
 * {@code TURNSTILE_<UPPER_SNAKE>}, the system property {@code turnstile.<kebab-name>}, then the
 * filter init-param {@code turnstile.<kebab-name>}.
 */
public final class SettingSource {

    public static final String PROPERTY_PREFIX = "turnstile.";
    public static final String ENV_PREFIX = "TURNSTILE_";

    private final Function<String, String> initParams;
    private final Function<String, String> systemProperties;
    private final Map<String, String> environment;

    public SettingSource(Function<String, String> initParams, Function<String, String> systemProperties,
                         Map<String, String> environment) {
        this.initParams = Objects.requireNonNull(initParams, "initParams");
        this.systemProperties = Objects.requireNonNull(systemProperties, "systemProperties");
        this.environment = Map.copyOf(environment);
    }

    /** Init-params from {@code initParams}, plus this JVM's system properties and environment. */
    public static SettingSource of(Function<String, String> initParams) {
        return new SettingSource(initParams, System::getProperty, System.getenv());
    }

    /** The value of setting {@code name} (kebab-case), or null when none of the sources has it. */
    public String get(String name) {
        String env = environment.get(envName(name));
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        String property = systemProperties.apply(PROPERTY_PREFIX + name);
        if (property != null && !property.isBlank()) {
            return property.trim();
        }
        String param = initParams.apply(PROPERTY_PREFIX + name);
        return param == null || param.isBlank() ? null : param.trim();
    }

    /** Where a value was found, for error messages: the environment variable or the property name. */
    public String describe(String name) {
        if (environment.get(envName(name)) != null) {
            return envName(name);
        }
        return PROPERTY_PREFIX + name;
    }

    public static String envName(String name) {
        return ENV_PREFIX + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }
}
