package dev.ripple.auth;

/** The identity attribute set on callers without a token when anonymous reads are on. */
public final class AnonymousReaders {
    public static final String ATTRIBUTE = "ripple.anonymous-reader";

    private AnonymousReaders() {
    }
}
