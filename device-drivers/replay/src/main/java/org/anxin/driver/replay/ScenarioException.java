package org.anxin.driver.replay;

/** A scenario file that cannot be replayed, with the line and what is wrong with it. */
public class ScenarioException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final String source;
    private final int lineNumber;

    public ScenarioException(String source, int lineNumber, String problem) {
        super(source + ":" + lineNumber + ": " + problem);
        this.source = source;
        this.lineNumber = lineNumber;
    }

    public String source() {
        return source;
    }

    public int lineNumber() {
        return lineNumber;
    }
}
