package dev.verdict.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Short HMAC-SHA256 tags under the secret the coordinators and the participants share (their declaration key):
 * what the coordinator's seals on declared participants and the participants' signed votes are made of. The
 * client that carries them does not have the key, so it can neither forge nor alter them.
 *
 * <p>Each kind of token tags under its own domain, so a tag made for one kind is never valid as another.
 */
public final class SharedKeyMac {

    /** Shortest key accepted, in characters: a random key this long is as strong as HMAC-SHA256 gets. */
    public static final int MIN_KEY_LENGTH = 32;
    private static final String ALGORITHM = "HmacSHA256";
    private static final int TAG_BYTES = 16;

    private final SecretKeySpec key;
    /** Initialized once; each tag works on a clone, which skips the provider lookup and the key's set-up. */
    private final Mac initialized;

    public SharedKeyMac(String key) {
        if (key == null || key.length() < MIN_KEY_LENGTH) {
            throw new IllegalArgumentException("a declaration key must be at least " + MIN_KEY_LENGTH
                    + " characters long (it is a shared secret of the coordinators and the participants)");
        }
        this.key = new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), ALGORITHM);
        this.initialized = newMac();
    }

    /**
     * The tag, base64url, of the domain, two numbers and some strings; each string is length-prefixed, so no two
     * different lists of strings feed the MAC the same bytes.
     */
    public String tag(byte[] domain, long first, long second, String... strings) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(mac(domain, first, second, strings), TAG_BYTES));
    }

    /**
     * A key derived from this one (the whole HMAC, base64url, long enough for a {@code SharedKeyMac} of its own):
     * whoever holds it can make tags under it, but cannot learn this key from it.
     */
    public String derivedKey(byte[] domain, long first, long second, String... strings) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac(domain, first, second, strings));
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK always has " + ALGORITHM, e);
        }
    }

    /** A Mac of its own for one tag: the initialized one is only ever cloned, never updated, so threads may share it. */
    private Mac freshMac() {
        try {
            return (Mac) initialized.clone();
        } catch (CloneNotSupportedException e) {
            return newMac(); // a provider whose Mac cannot be cloned: set one up each time
        }
    }

    private byte[] mac(byte[] domain, long first, long second, String... strings) {
        Mac mac = freshMac();
        mac.update(domain);
        mac.update(ByteBuffer.allocate(2 * Long.BYTES).putLong(first).putLong(second).array());
        for (String value : strings) {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            mac.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
            mac.update(bytes);
        }
        return mac.doFinal();
    }

    /** Compares two tags in constant time. */
    public static boolean sameTag(String expected, String actual) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                actual.getBytes(StandardCharsets.US_ASCII));
    }
}
