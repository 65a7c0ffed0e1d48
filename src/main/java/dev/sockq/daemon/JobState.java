package dev.sockq.daemon;

/** The four states of beanstalkd's job lifecycle (names as stats-job prints them). */
public enum JobState {
    READY("ready"), DELAYED("delayed"), RESERVED("reserved"), BURIED("buried");

    final String word;

    JobState(String word) {
        this.word = word;
    }
}
