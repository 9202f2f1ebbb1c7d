package dev.turnstile.internal.jsonrpc;

import static dev.turnstile.internal.jsonrpc.SniffAssertions.j;
import static dev.turnstile.internal.jsonrpc.SniffAssertions.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A list_changed notification is recognised however it is spelled, and nothing else is taken for one. */
class ServerMessagesTest {

    static Stream<Arguments> messages() {
        return Stream.of(
                Arguments.of(
                        "the notification", true, j("{'jsonrpc':'2.0','method':'notifications/tools/list_changed'}")),
                Arguments.of(
                        "the notification with params",
                        true,
                        j("{'jsonrpc':'2.0','method':'notifications/tools/list_changed','params':{'_meta':{}}}")),
                Arguments.of(
                        "in a batch",
                        true,
                        j("[{'id':1,'result':{}},{'method':'notifications/progress'},"
                                + "{'method':'notifications/tools/list_changed'}]")),
                Arguments.of("slashes escaped", true, j("{'method':'notifications\\/tools\\/list_changed'}")),
                Arguments.of("letters escaped", true, j("{'method':'notifications/tools/list_\\u0063hanged'}")),
                Arguments.of("member name escaped", true, j("{'m\\u0065thod':'notifications/tools/list_changed'}")),
                Arguments.of(
                        "a repeated method, one of them it",
                        true,
                        j("{'method':'x','method':'notifications/tools/list_changed'}")),
                Arguments.of(
                        "surrounded by whitespace",
                        true,
                        " \r\n" + j("{'method':'notifications/tools/list_changed'}") + "\n"),
                Arguments.of(
                        "a request with that method (it has an id)",
                        false,
                        j("{'id':1,'method':'notifications/tools/list_changed'}")),
                Arguments.of(
                        "a request with a null id",
                        false,
                        j("{'id':null,'method':'notifications/tools/list_changed'}")),
                Arguments.of("another list_changed", false, j("{'method':'notifications/resources/list_changed'}")),
                Arguments.of(
                        "the name in a result",
                        false,
                        j("{'id':1,'result':{'method':'notifications/tools/list_changed'}}")),
                Arguments.of(
                        "the name in params",
                        false,
                        j("{'method':'notifications/message','params':{'method':'notifications/tools/list_changed'}}")),
                Arguments.of(
                        "the name with another letter case", false, j("{'method':'notifications/tools/List_changed'}")),
                Arguments.of(
                        "a method that is not a string", false, j("{'method':['notifications/tools/list_changed']}")),
                Arguments.of("invalid JSON", false, j("{'method':'notifications/tools/list_changed',}")),
                Arguments.of("truncated", false, j("{'method':'notifications/tools/list_changed'")),
                Arguments.of("data after the value", false, j("{'method':'notifications/tools/list_changed'} {}")),
                Arguments.of("a byte order mark", false, "\uFEFF" + j("{'method':'notifications/tools/list_changed'}")),
                Arguments.of("a scalar", false, j("'notifications/tools/list_changed'")),
                Arguments.of("empty", false, ""),
                Arguments.of("no mention at all", false, j("{'jsonrpc':'2.0','method':'notifications/progress'}")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("messages")
    void shouldRecogniseTheToolsListChangedNotification(String name, boolean expected, String data) {
        assertEquals(expected, ServerMessages.mentionsToolsListChanged(utf8(data)));
    }
}
