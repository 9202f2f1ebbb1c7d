package dev.turnstile.config;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Where a setting's value comes from, strongest first: the system property
 * {@code turnstile.<kebab-name>}, the environment variable {@code TURNSTILE_<UPPER_SNAKE>}, the key
 * {@code turnstile.<kebab-name>} in MicroProfile Config (when it is on the class path), then the
 * filter init-param (or context-param) {@code turnstile.<kebab-name>}. A blank value counts as absent.
 */
public final class SettingSource {

    /** The prefix of a setting's system property, MicroProfile Config key and init-param: {@value}. */
    public static final String PROPERTY_PREFIX = "turnstile.";
    /** The prefix of a setting's environment variable: {@value}. */
    public static final String ENV_PREFIX = "TURNSTILE_";

    private static final Function<String, String> NONE = name -> null;

    private final Function<String, String> initParams;
    private final Function<String, String> microProfile;
    private final Function<String, String> systemProperties;
    private final Map<String, String> environment;

    /**
     * The sources without MicroProfile Config; arguments weakest first.
     *
     * @param initParams       looks up a full key ({@code turnstile.lease}) among the init-params
     * @param systemProperties looks up a full key among the system properties
     * @param environment      the environment variables
     * @throws NullPointerException when an argument is null
     */
    public SettingSource(
            Function<String, String> initParams,
            Function<String, String> systemProperties,
            Map<String, String> environment) {
        this(initParams, NONE, systemProperties, environment);
    }

    /**
     * Every source; arguments weakest first.
     *
     * @param initParams       looks up a full key ({@code turnstile.lease}) among the init-params
     * @param microProfile     looks up a full key in MicroProfile Config
     * @param systemProperties looks up a full key among the system properties
     * @param environment      the environment variables
     * @throws NullPointerException when an argument is null
     */
    public SettingSource(
            Function<String, String> initParams,
            Function<String, String> microProfile,
            Function<String, String> systemProperties,
            Map<String, String> environment) {
        this.initParams = Objects.requireNonNull(initParams, "initParams");
        this.microProfile = Objects.requireNonNull(microProfile, "microProfile");
        this.systemProperties = Objects.requireNonNull(systemProperties, "systemProperties");
        this.environment = Map.copyOf(environment);
    }

    /**
     * Init-params from {@code initParams}, plus this JVM's system properties and environment, and
     * MicroProfile Config when its API and an implementation are there.
     *
     * @param initParams looks up a full key ({@code turnstile.lease}) among the init-params
     * @return the sources of this JVM
     */
    public static SettingSource of(Function<String, String> initParams) {
        Function<String, String> microProfile = MicroProfileLookup.find();
        return new SettingSource(
                initParams, microProfile == null ? NONE : microProfile, System::getProperty, System.getenv());
    }

    /**
     * The value of a setting, from the strongest source that has it.
     *
     * @param name the setting's name in kebab-case, without prefix ({@code acquire-timeout})
     * @return the value, trimmed; null when no source has a non-blank value
     */
    public String get(String name) {
        Found found = find(name);
        return found == null ? null : found.value;
    }

    /**
     * Where the value of {@code name} was found, for error messages: {@code system property
     * turnstile.x}, {@code environment variable TURNSTILE_X}, {@code turnstile.x (MicroProfile
     * Config)} or, for an init-param and a setting not set anywhere, {@code turnstile.x}.
     *
     * @param name the setting's name in kebab-case, without prefix
     * @return where the value came from
     */
    public String describe(String name) {
        Found found = find(name);
        return found == null ? PROPERTY_PREFIX + name : found.origin;
    }

    /**
     * The environment variable of a setting.
     *
     * @param name the setting's name in kebab-case, without prefix ({@code acquire-timeout})
     * @return its environment variable ({@code TURNSTILE_ACQUIRE_TIMEOUT})
     */
    public static String envName(String name) {
        return ENV_PREFIX + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    private Found find(String name) {
        String key = PROPERTY_PREFIX + name;
        Found found = Found.of(systemProperties.apply(key), "system property " + key);
        if (found == null) {
            found = Found.of(environment.get(envName(name)), "environment variable " + envName(name));
        }
        if (found == null) {
            found = Found.of(microProfile.apply(key), key + " (MicroProfile Config)");
        }
        return found != null ? found : Found.of(initParams.apply(key), key);
    }

    private record Found(String value, String origin) {
        static Found of(String value, String origin) {
            return value == null || value.isBlank() ? null : new Found(value.trim(), origin);
        }
    }
}
