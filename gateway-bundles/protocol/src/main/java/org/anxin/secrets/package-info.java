/**
 * Files that hold secrets (passwords, private keys): written readable by their owner only, and
 * checked before a secret is read from them. In the protocol bundle because it is the one module
 * that the launcher, the bridge and every gateway bundle already depend on.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.anxin.secrets;
