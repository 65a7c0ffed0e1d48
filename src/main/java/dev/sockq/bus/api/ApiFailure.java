package dev.sockq.bus.api;

/**
 * A request the event-bus API answers with a failure: {@code word} is the beanstalkd error
 * word (the ReplyException message), {@code detail} says why (logged, not sent).
 */
public final class ApiFailure extends RuntimeException {
    private final String word;

    public ApiFailure(String word, String detail) {
        super(detail, null, false, false);
        this.word = word;
    }

    public String word() {
        return word;
    }

    /** The ReplyException failure code: an HTTP-like number per word, so callers may switch on either. */
    public int code() {
        return switch (word) {
            case "BAD_FORMAT" -> 400;
            case "NOT_FOUND" -> 404;
            case "TIMED_OUT" -> 408;
            case "DEADLINE_SOON" -> 409;
            case "JOB_TOO_BIG" -> 413;
            case "DRAINING" -> 503;
            case "OUT_OF_MEMORY" -> 507;
            default -> 500;
        };
    }

    static ApiFailure badFormat(String detail) {
        return new ApiFailure("BAD_FORMAT", detail);
    }
}
