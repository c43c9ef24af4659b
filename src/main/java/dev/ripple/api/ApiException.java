package dev.ripple.api;

import java.util.Map;

/** A refusal the API answers with a problem document; {@code extensions} become extra members of it. */
public class ApiException extends RuntimeException {
    private final ErrorCode code;
    private final transient Map<String, Object> extensions;

    public ApiException(ErrorCode code, String detail) {
        this(code, detail, Map.of());
    }

    public ApiException(ErrorCode code, String detail, Map<String, Object> extensions) {
        super(detail);
        this.code = code;
        this.extensions = Map.copyOf(extensions);
    }

    public ErrorCode code() {
        return code;
    }

    public Map<String, Object> extensions() {
        return extensions;
    }
}
