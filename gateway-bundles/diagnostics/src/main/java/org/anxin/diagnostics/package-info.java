/**
 * The gateway's own diagnostics: each configuration checked against its component's MetaType, and
 * the component states written to {@code status.json}. {@link org.anxin.diagnostics.ConfigFileValidator}
 * is a service other bundles use to check configuration before they apply it.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.anxin.diagnostics;
