package dev.turnstile.cdi;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A stand-in HTTP request for interceptor tests: headers and attributes only. */
final class FakeRequest {

    private FakeRequest() {}

    static HttpServletRequest of(String sessionId, String turnId) {
        Map<String, String> headers = new ConcurrentHashMap<>();
        if (sessionId != null) {
            headers.put("mcp-session-id", sessionId);
        }
        if (turnId != null) {
            headers.put("x-mcp-turn-id", turnId);
        }
        Map<String, Object> attributes = new ConcurrentHashMap<>();
        return (HttpServletRequest) Proxy.newProxyInstance(
                FakeRequest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getHeader" -> headers.get(((String) args[0]).toLowerCase(java.util.Locale.ROOT));
                    case "getHeaders" -> {
                        String v = headers.get(((String) args[0]).toLowerCase(java.util.Locale.ROOT));
                        yield Collections.enumeration(v == null ? java.util.List.of() : java.util.List.of(v));
                    }
                    case "getAttribute" -> attributes.get((String) args[0]);
                    case "setAttribute" -> {
                        attributes.put((String) args[0], args[1]);
                        yield null;
                    }
                    case "removeAttribute" -> {
                        attributes.remove((String) args[0]);
                        yield null;
                    }
                    case "getMethod" -> "POST";
                    case "getContextPath" -> "";
                    case "getServletPath" -> "/mcp";
                    case "getPathInfo" -> null;
                    case "getUserPrincipal" -> null;
                    case "toString" -> "FakeRequest";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
