package dev.ripple.api;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;

import java.util.Locale;

/** Answers a rendered document: {@code 304} when the caller's ETag still matches, gzip when the caller takes it. */
final class Conditional {
    private Conditional() {
    }

    static Response respond(StateViews.Rendered rendered, Request request, HttpHeaders headers) {
        Response.ResponseBuilder notModified = request.evaluatePreconditions(rendered.etag);
        if (notModified != null) {
            return notModified.tag(rendered.etag).header(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING).build();
        }
        String accepted = headers.getHeaderString(HttpHeaders.ACCEPT_ENCODING);
        boolean gzip = accepted != null && accepted.toLowerCase(Locale.ROOT).contains("gzip");
        return Response.ok(gzip ? rendered.gzip() : rendered.body, MediaType.APPLICATION_JSON_TYPE)
                .tag(rendered.etag)
                .header(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING)
                .header(HttpHeaders.CONTENT_ENCODING, gzip ? "gzip" : null)
                .build();
    }

    /** Strict boolean query parameter: absent is {@code false}; anything but true/false is a {@code 400}. */
    static boolean flag(String name, String value) {
        if (value == null || value.equalsIgnoreCase("false")) {
            return false;
        }
        if (value.equalsIgnoreCase("true") || value.isEmpty()) {
            return true;
        }
        throw new ApiException(ErrorCode.BAD_PARAMETER, "query parameter '" + name + "' must be true or false, got '"
                + value + "'", java.util.Map.of("parameter", name));
    }
}
