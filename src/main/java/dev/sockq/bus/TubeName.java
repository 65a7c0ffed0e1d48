package dev.sockq.bus;

/** beanstalkd's tube-name rules: 1 to 200 bytes of A-Z a-z 0-9 - + / ; . $ _ ( ), not starting with '-'. */
public final class TubeName {
    /** Longest tube name beanstalkd accepts. */
    public static final int MAX_LENGTH = 200;
    private static final boolean[] NAME_CHARS = new boolean[128];

    static {
        String chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-+/;.$_()";
        for (int i = 0; i < chars.length(); i++) {
            NAME_CHARS[chars.charAt(i)] = true;
        }
    }

    private TubeName() {
    }

    /** Whether a byte or char may appear in a tube name. */
    public static boolean isNameChar(int c) {
        return c >= 0 && c < 128 && NAME_CHARS[c];
    }

    /** Whether the whole string is a valid tube name. */
    public static boolean valid(String name) {
        int n = name.length();
        if (n == 0 || n > MAX_LENGTH || name.charAt(0) == '-') {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (!isNameChar(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
