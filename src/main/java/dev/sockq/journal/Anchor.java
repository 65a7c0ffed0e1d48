package dev.sockq.journal;

/** Where a live job's whole state (its latest JOB record) is, and how big that record is. */
record Anchor(Segment segment, int size) {
}
