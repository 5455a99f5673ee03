/**
 * The broker's access files: the Mosquitto password file and the ACL made from the protocol's
 * channels, and the Mosquitto fragment that reads them ({@code /mosquitto/anxin.conf}). Used by
 * {@code ./anxin provision}, the embedded broker and the tests' own Mosquitto. In the protocol
 * module, as {@code org.anxin.secrets}, because it is the one module that the launcher and the
 * bridge's tests both reach; not exported to OSGi, no gateway bundle uses it.
 */
package org.anxin.broker;
