package org.anxin.tools.datasets;

/** A dataset line that does not have the expected format, with its file and line number. */
public final class DatasetFormatException extends RuntimeException {

    public DatasetFormatException(String file, int line, String problem) {
        super(file + ":" + line + ": " + problem);
    }
}
