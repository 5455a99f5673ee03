/**
 * The detection engine: plain Java, driven by readings and an injected clock, so the gateway and
 * {@code ./anxin replay} run the same code.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.anxin.detection;
