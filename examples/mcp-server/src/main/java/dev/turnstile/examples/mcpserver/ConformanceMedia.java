package dev.turnstile.examples.mcpserver;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The small binary payloads the MCP conformance suite asks for (images, audio), base64-encoded as
 * MCP carries them.
 */
final class ConformanceMedia {

    /** A 1x1 red pixel, PNG (8-bit RGB). */
    static final String PNG_BASE64 =
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR42mP4z8AAAAMBAQD3A0FDAAAAAElFTkSuQmCC";

    static final String PNG_MIME = "image/png";
    /** Eight samples of silence: WAV, PCM, mono, 16 bit, 8 kHz. */
    static final String WAV_BASE64 = Base64.getEncoder().encodeToString(silentWav(8, 8000));

    static final String WAV_MIME = "audio/wav";

    private ConformanceMedia() {}

    /** A RIFF/WAVE file of {@code samples} silent 16-bit mono samples at {@code rate} Hz. */
    private static byte[] silentWav(int samples, int rate) {
        int data = samples * 2;
        ByteBuffer wav = ByteBuffer.allocate(44 + data).order(ByteOrder.LITTLE_ENDIAN);
        wav.put("RIFF".getBytes(StandardCharsets.US_ASCII))
                .putInt(36 + data)
                .put("WAVE".getBytes(StandardCharsets.US_ASCII));
        wav.put("fmt ".getBytes(StandardCharsets.US_ASCII))
                .putInt(16)
                .putShort((short) 1) // PCM
                .putShort((short) 1) // mono
                .putInt(rate)
                .putInt(rate * 2) // bytes per second
                .putShort((short) 2) // bytes per frame
                .putShort((short) 16); // bits per sample
        wav.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(data);
        return wav.array(); // the samples are the zeros the buffer starts with
    }
}
