package dev.turnstile.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code key-sources}, {@code turn-sources}, {@code unkeyed} and {@code busy-code-2026}. */
class KeySourcesSettingsTest {

    private final Map<String, String> env = new HashMap<>();

    private GuardOptions load() {
        return TurnstileSettings.load(new SettingSource(n -> null, n -> null, env), n -> null)
                .options();
    }

    private String fails() {
        return assertThrows(IllegalArgumentException.class, this::load).getMessage();
    }

    @Test
    void theDefaultsAreWhatRealClientsSend() {
        ConversationKeys keys = load().keys();
        assertEquals(
                List.of(
                        KeySource.SESSION_ID,
                        KeySource.meta("/sessionID"),
                        KeySource.baggage("gen_ai.conversation.id")),
                keys.keySources());
        assertEquals(List.of(KeySource.header("X-Mcp-Turn-Id")), keys.turnSources());
        assertEquals(Unkeyed.PASS, keys.unkeyed());
        assertEquals(-31002, load().busyCode2026());
        assertEquals(-31002, load().busyCode(true));
        assertEquals(-32002, load().busyCode(false));
    }

    @Test
    void everyFormOfTheGrammarParses() {
        env.put(
                "TURNSTILE_KEY_SOURCES",
                " header:X-Conversation-Id , meta:/a~1b/c, baggage:gen_ai.conversation.id,session-id");
        env.put("TURNSTILE_TURN_SOURCES", "meta:/x-codex-turn-metadata/turn_id");
        env.put("TURNSTILE_UNKEYED", "Principal");
        ConversationKeys keys = load().keys();
        assertEquals(
                List.of("header:x-conversation-id", "meta:/a~1b/c", "baggage:gen_ai.conversation.id", "session-id"),
                keys.keySources().stream().map(KeySource::spec).toList());
        assertEquals(List.of("a/b", "c"), keys.keySources().get(1).pointer().tokens());
        assertEquals(List.of(ConversationKeys.CODEX_TURN), keys.turnSources());
        assertEquals(Unkeyed.PRINCIPAL, keys.unkeyed());
        assertEquals(List.of(KeySource.meta("/a~1b/c"), ConversationKeys.CODEX_TURN), keys.metaSources());
    }

    @Test
    void theTurnHeaderSettingStillNamesTheTurnUnlessTurnSourcesAreSet() {
        env.put("TURNSTILE_TURN_HEADER", "X-Turn");
        assertEquals(List.of(KeySource.header("X-Turn")), load().keys().turnSources());
        env.put("TURNSTILE_TURN_SOURCES", "header:X-Other");
        assertEquals(List.of(KeySource.header("X-Other")), load().keys().turnSources());
    }

    @Test
    void badValuesFailNamingTheSetting() {
        for (String bad : List.of(
                "cookie:x",
                "header:",
                "header:bad name",
                "meta:sessionID",
                "meta:/a~2",
                "baggage:",
                "session-id,session-id",
                "header:A,header:a")) {
            env.put("TURNSTILE_KEY_SOURCES", bad);
            String message = fails();
            assertTrue(message.contains("TURNSTILE_KEY_SOURCES") && message.contains(bad), message);
        }
        env.remove("TURNSTILE_KEY_SOURCES");
        env.put("TURNSTILE_UNKEYED", "drop");
        assertTrue(fails().contains("TURNSTILE_UNKEYED"));
        env.remove("TURNSTILE_UNKEYED");
        env.put("TURNSTILE_TURN_HEADER", "bad header");
        assertTrue(fails().contains("TURNSTILE_TURN_HEADER"));
        env.remove("TURNSTILE_TURN_HEADER");
        for (String code : List.of("-32002", "-32020", "-32099", "-32050", "-32603", "-32768", "-32000")) {
            env.put("TURNSTILE_BUSY_CODE_2026", code);
            assertTrue(fails().contains("busy-code-2026"), code);
        }
        env.put("TURNSTILE_BUSY_CODE_2026", "-32769");
        assertEquals(-32769, load().busyCode2026());
        env.put("TURNSTILE_BUSY_CODE_2026", "-31999");
        assertEquals(-31999, load().busyCode2026());
    }
}
