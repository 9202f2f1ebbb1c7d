package dev.turnstile.config;

/**
 * Checks that the JSON-B API is there before {@link ClassificationFile}, which links against it,
 * is loaded: without it an application would see a {@code NoClassDefFoundError} instead of a
 * message that says what to add.
 */
final class JsonBinding {

    static final String API_CLASS = "jakarta.json.bind.JsonbBuilder";

    private JsonBinding() {}

    /** Fails, naming {@code setting} and the artifacts to add, when the JSON-B API is missing. */
    static void require(String setting) {
        try {
            Class.forName(API_CLASS, false, JsonBinding.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException(setting + " is set but JSON-B is not on the class path: add"
                    + " jakarta.json.bind:jakarta.json.bind-api and a JSON-B implementation such as org.eclipse:yasson"
                    + " (a full Jakarta EE server has both)");
        }
    }
}
