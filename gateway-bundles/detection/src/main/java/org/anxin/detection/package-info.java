/**
 * The detection engine: plain Java, driven by readings and an injected clock, so the gateway and
 * {@code ./anxin replay} run the same code. Private to the detection bundle (the replay and the
 * benchmark use it as a plain jar); other bundles see only {@link org.anxin.detection.api}.
 */
package org.anxin.detection;
