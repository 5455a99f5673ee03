package org.anxin.driver.zigbee;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a running Zigbee network costs: the real network manager on the fake transport, with a
 * home's worth of devices joined (zones, meters), then readings played through. Prints heap in use
 * after a full GC before the network starts and once the devices are in, and the threads it runs.
 * A benchmark run on demand, not a test:
 * <pre>
 * mvn -B -q -pl device-drivers/zigbee test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -Xmx64m -cp device-drivers/zigbee/target/test-classes:device-drivers/zigbee/target/classes:$(cat device-drivers/zigbee/target/cp.txt) \
 *     org.anxin.driver.zigbee.ZigbeeMemoryBenchmark 30
 * </pre>
 */
public final class ZigbeeMemoryBenchmark {

    public static void main(String[] args) throws Exception {
        int devices = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        Path dir = Files.createTempDirectory("zigbee-bench");
        long before = usedAfterGc();
        int threadsBefore = Thread.activeCount();
        FakeTransport transport = new FakeTransport();
        AtomicLong readings = new AtomicLong();
        ZigbeeNetwork network = new ZigbeeNetwork(transport, new FileNetworkDataStore(dir), ieee -> Optional.empty(),
                r -> readings.incrementAndGet(), Clock.systemUTC(), ZigbeeDriver.PID, reason -> { });
        network.start(Optional.empty());
        List<FakeDevice> home = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < devices; i++) {
            FakeDevice device = ZigbeeNetworkTest.zone(String.format("0015BC0020%06X", i), 0x3000 + i, i % 2 == 0 ? 0x0015 : 0x0028);
            home.add(device);
            transport.join(device);
        }
        long joined;
        while ((joined = network.devices().stream().filter(d -> !d.kinds().isEmpty()).count()) < devices) {
            Thread.sleep(1000);
            System.out.printf("%d of %d devices in%n", joined, devices);
        }
        double joinSeconds = (System.nanoTime() - started) / 1e9;
        for (int round = 0; round < 20; round++) {
            for (FakeDevice device : home) {
                transport.play(ZigbeeNetworkTest.notification(device, round % 2));
            }
        }
        Thread.sleep(2000);
        long after = usedAfterGc();
        System.out.printf("devices %d joined in %.1f s; readings %d; heap in use after GC: before %d KB, with the network %d KB "
                + "(+%d KB, %.1f KB a device); threads +%d%n", devices, joinSeconds, readings.get(), before / 1024, after / 1024,
                (after - before) / 1024, (after - before) / 1024.0 / devices, Thread.activeCount() - threadsBefore);
        network.close();
        System.exit(0);
    }

    private static long usedAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
