/**
 * What other bundles may ask of the detection engine: {@link DetectionControl}, published as an
 * OSGi service by the detection component, and the {@link HomeMode} it takes. The engine package
 * itself is private to the detection bundle.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.anxin.detection.api;
