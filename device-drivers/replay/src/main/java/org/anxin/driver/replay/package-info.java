/**
 * The scenario-replay driver and the scenario file format it reads: CSV {@code time,device,kind,value}.
 * {@link ScenarioReader} is used outside OSGi too, by {@code ./anxin replay} and the demo.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.anxin.driver.replay;
