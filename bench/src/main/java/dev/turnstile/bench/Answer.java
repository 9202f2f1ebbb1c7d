package dev.turnstile.bench;

import jakarta.servlet.http.HttpServletRequest;

/**
 * How the {@link EchoServlet} answers a request, chosen by the client with two headers: a JSON body
 * (the default), or one SSE event as the MCP Java SDK writes it ({@link #FRAMING_HEADER}{@code : sse});
 * a tool result whose text is {@code resultBytes} long ({@link #RESULT_BYTES_HEADER}; 0: {@code "ok"}).
 */
record Answer(boolean sse, int resultBytes) {

    static final String FRAMING_HEADER = "X-Bench-Answer";
    static final String RESULT_BYTES_HEADER = "X-Bench-Result-Bytes";
    static final String SSE = "sse";

    /** A JSON body with the text {@code "ok"}: what every phase but 8 asks for. */
    static final Answer JSON = new Answer(false, 0);

    /** The request header lines that ask for this answer (each after a CRLF); none for {@link #JSON}. */
    String headerLines() {
        return (sse ? "\r\n" + FRAMING_HEADER + ": " + SSE : "")
                + (resultBytes > 0 ? "\r\n" + RESULT_BYTES_HEADER + ": " + resultBytes : "");
    }

    /** For tables: {@code JSON} or {@code SSE}, and the result's size when it has one. */
    String label() {
        String framing = sse ? "SSE" : "JSON";
        if (resultBytes == 0) {
            return framing + ", \"ok\"";
        }
        return framing + ", " + (resultBytes % 1024 == 0 ? resultBytes / 1024 + " KiB" : resultBytes + " B") + " text";
    }

    /** The answer a request asks for. */
    static Answer of(HttpServletRequest request) {
        String bytes = request.getHeader(RESULT_BYTES_HEADER);
        return new Answer(SSE.equals(request.getHeader(FRAMING_HEADER)), bytes == null ? 0 : Integer.parseInt(bytes));
    }
}
