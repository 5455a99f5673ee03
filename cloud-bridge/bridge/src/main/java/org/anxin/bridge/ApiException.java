package org.anxin.bridge;

/** A request the API refuses, with the HTTP status and a message for the caller. */
final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final int status;

    ApiException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, message);
    }

    static ApiException unprocessable(String message) {
        return new ApiException(422, message);
    }

    static ApiException conflict(String message) {
        return new ApiException(409, message);
    }
}
