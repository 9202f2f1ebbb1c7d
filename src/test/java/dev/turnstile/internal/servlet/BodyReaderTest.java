package dev.turnstile.internal.servlet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The body buffer grows with the bytes that really arrive, never with the length a request
 * declares: a stream that records the size of every buffer it is asked to fill shows it.
 */
class BodyReaderTest {

    private static final long MIB = 1024 * 1024;

    @Test
    void shouldNotAllocateTheDeclaredLengthWhenOnlyAFewBytesArrive() throws Exception {
        RecordingStream in = new RecordingStream(bytes(20), 20);
        BodyReader.Body body = BodyReader.read(request(16 * MIB, in), 16 * MIB);
        assertEquals(20, body.length());
        assertEquals(
                BodyReader.INITIAL_CAPACITY,
                in.largestBuffer(),
                "a 16 MiB Content-Length with 20 bytes sent must not allocate more than the first buffer");
    }

    @Test
    void shouldKeepTheFirstBufferWhileASlowClientSendsOneByteAtATime() throws Exception {
        RecordingStream in = new RecordingStream(bytes(3000), 1);
        BodyReader.Body body = BodyReader.read(request(16 * MIB, in), 16 * MIB);
        assertEquals(3000, body.length());
        assertEquals(3001, in.reads.size(), "one read per byte, then the end");
        assertEquals(BodyReader.INITIAL_CAPACITY, in.largestBuffer());
    }

    @Test
    void shouldDoubleTheBufferAsBytesArrive() throws Exception {
        byte[] sent = bytes(100_000);
        RecordingStream in = new RecordingStream(sent, 1000);
        BodyReader.Body body = BodyReader.read(request(sent.length, in), MIB);
        assertArrayEquals(sent, Arrays.copyOf(body.bytes(), body.length()));
        assertEquals(List.of(8192, 16384, 32768, 65536, 131072), in.distinctBuffers());
    }

    @Test
    void shouldReadABodyOfUnknownLengthTheSameWay() throws Exception {
        byte[] sent = bytes(20_000);
        RecordingStream in = new RecordingStream(sent, 4096);
        BodyReader.Body body = BodyReader.read(request(-1, in), MIB);
        assertArrayEquals(sent, Arrays.copyOf(body.bytes(), body.length()));
        assertEquals(List.of(8192, 16384, 32768), in.distinctBuffers());
    }

    @Test
    void shouldNeverGrowBeyondTheLimitPlusOne() throws Exception {
        RecordingStream exact = new RecordingStream(bytes(20_000), 5000);
        assertEquals(20_000, BodyReader.read(request(-1, exact), 20_000).length());
        assertEquals(20_001, exact.largestBuffer());

        RecordingStream over = new RecordingStream(bytes(50_000), 5000);
        assertThrows(BodyReader.TooLarge.class, () -> BodyReader.read(request(-1, over), 20_000));
        assertEquals(20_001, over.largestBuffer());
        assertTrue(over.delivered <= 20_001, "read no further than one byte past the limit: " + over.delivered);
    }

    @Test
    void shouldStartWithTheLimitPlusOneWhenTheLimitIsSmall() throws Exception {
        RecordingStream in = new RecordingStream(bytes(100), 100);
        assertEquals(100, BodyReader.read(request(100, in), 100).length());
        assertEquals(101, in.largestBuffer());
    }

    @Test
    void shouldRejectADeclaredLengthOverTheLimitWithoutReading() {
        RecordingStream in = new RecordingStream(bytes(10), 10);
        assertThrows(BodyReader.TooLarge.class, () -> BodyReader.read(request(16 * MIB + 1, in), 16 * MIB));
        assertEquals(List.of(), in.reads, "nothing read, nothing allocated for the body");
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ('a' + i % 26);
        }
        return b;
    }

    private static HttpServletRequest request(long contentLength, ServletInputStream in) {
        return (HttpServletRequest) Proxy.newProxyInstance(
                BodyReaderTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getContentLengthLong" -> contentLength;
                    case "getInputStream" -> in;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** Hands out at most {@code chunk} bytes per read and records the size of every buffer offered. */
    private static final class RecordingStream extends ServletInputStream {
        final List<Integer> reads = new ArrayList<>();
        private final byte[] source;
        private final int chunk;
        int delivered;

        RecordingStream(byte[] source, int chunk) {
            this.source = source;
            this.chunk = chunk;
        }

        int largestBuffer() {
            return reads.stream().mapToInt(Integer::intValue).max().orElse(0);
        }

        List<Integer> distinctBuffers() {
            return reads.stream().distinct().toList();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            reads.add(b.length);
            if (delivered == source.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, chunk), source.length - delivered);
            System.arraycopy(source, delivered, b, off, n);
            delivered += n;
            return n;
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException("the reader reads into its buffer");
        }

        @Override
        public boolean isFinished() {
            return delivered == source.length;
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
            throw new UnsupportedOperationException();
        }
    }
}
