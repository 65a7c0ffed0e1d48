package dev.sockq.client;

/** One server reply: its line without the CRLF and, after RESERVED, FOUND and OK, its data chunk (else null). */
public record Reply(String line, byte[] data) {

    /** True if the reply's first word is {@code word}; allocation-free because the bench calls it per reply. */
    public boolean is(String word) {
        return line.startsWith(word) && (line.length() == word.length() || line.charAt(word.length()) == ' ');
    }

    /** This reply if its first word is {@code word}, else a {@link BeanstalkException} for the caller's Future. */
    public Reply expect(String word) {
        if (!is(word)) {
            throw new BeanstalkException(line);
        }
        return this;
    }

    /** The {@code i}-th space-separated word (0 is the reply word). */
    public String arg(int i) {
        String[] words = line.split(" ");
        if (i >= words.length) {
            throw new BeanstalkException("BAD_REPLY " + line);
        }
        return words[i];
    }

    public long longArg(int i) {
        try {
            return Long.parseLong(arg(i));
        } catch (NumberFormatException e) {
            throw new BeanstalkException("BAD_REPLY " + line);
        }
    }
}
