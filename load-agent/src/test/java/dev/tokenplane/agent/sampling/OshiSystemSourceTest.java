package dev.tokenplane.agent.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.agent.core.NameFilter;
import dev.tokenplane.agent.core.SystemLoad;
import dev.tokenplane.agent.core.SystemReading;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The sampler for real, through OSHI on this machine. */
class OshiSystemSourceTest {

    private static final Logger LOG = LoggerFactory.getLogger(OshiSystemSourceTest.class);
    private static final int WINDOW_MS = 500;
    private static final int MIN_WINDOW_MS = 300;
    private static final double SATURATED = 0.85;

    private static OshiSystemSource hostSource(NameFilter network, boolean loopback) {
        return new OshiSystemSource(network, loopback, NameFilter.ALL, Optional.empty(), System::nanoTime, 0);
    }

    private static SystemLoad measure(OshiSystemSource source, ThrowingRunnable during) throws Exception {
        SystemReading before = source.read();
        long start = System.nanoTime();
        during.run();
        // At least a few scheduler ticks, so the CPU share (and with it the load) can be told
        long leftMs = MIN_WINDOW_MS - (System.nanoTime() - start) / 1_000_000;
        if (leftMs > 0) {
            Thread.sleep(leftMs);
        }
        SystemReading after = source.read();
        return SystemLoad.between(before, after).orElseThrow();
    }

    private static SystemLoad idleWindow(OshiSystemSource source) throws Exception {
        return measure(source, () -> Thread.sleep(WINDOW_MS));
    }

    @Test
    void shouldReadValuesInRangeAndNonNegativeRates() throws Exception {
        OshiSystemSource source = hostSource(NameFilter.ALL, false);

        SystemLoad load = idleWindow(source);

        assertThat(load.cpu()).isBetween(0.0, 1.0);
        assertThat(load.memory()).isGreaterThan(0.0).isLessThanOrEqualTo(1.0);
        assertThat(load.loadPerCore()).isGreaterThanOrEqualTo(0.0).isFinite();
        assertThat(List.of(
                        load.netRxBytesPerSec(),
                        load.netTxBytesPerSec(),
                        load.diskReadBytesPerSec(),
                        load.diskWriteBytesPerSec()))
                .allSatisfy(rate -> assertThat(rate).isGreaterThanOrEqualTo(0.0));
        assertThat(source.interfaceNames()).doesNotContain("lo");
        LOG.info("Idle window: {}; interfaces {}; disks {}", load, source.interfaceNames(), source.diskNames());
    }

    @Test
    void shouldSeeCpuRiseWhileBusyThreadsRunOnEveryCore() throws Exception {
        OshiSystemSource source = hostSource(NameFilter.ALL, false);
        // Given a baseline measured now (other builds may share this machine): the median of three windows,
        // measured again a few times if the machine is busy
        double baseline = 1.0;
        for (int attempt = 0; attempt < 3 && baseline >= SATURATED; attempt++) {
            baseline = median(
                    idleWindow(source).cpu(),
                    idleWindow(source).cpu(),
                    idleWindow(source).cpu());
        }
        LOG.info("CPU baseline {}", baseline);
        Assumptions.assumeTrue(
                baseline < SATURATED,
                "the machine is already saturated (CPU " + baseline + "), so a burner cannot show a rise");

        // When one busy thread per core spins
        int cores = Runtime.getRuntime().availableProcessors();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> burners = new ArrayList<>();
        CountDownLatch spinning = new CountDownLatch(cores);
        for (int i = 0; i < cores; i++) {
            Thread burner = new Thread(
                    () -> {
                        spinning.countDown();
                        spin(stop);
                    },
                    "cpu-burner-" + i);
            burner.setDaemon(true);
            burner.start();
            burners.add(burner);
        }
        double during;
        try {
            // Measure once every burner runs (each window is itself a real-time interval: the CPU share of one)
            assertThat(spinning.await(30, TimeUnit.SECONDS))
                    .as("every burner started")
                    .isTrue();
            during = median(
                    idleWindow(source).cpu(),
                    idleWindow(source).cpu(),
                    idleWindow(source).cpu());
        } finally {
            stop.set(true);
            for (Thread burner : burners) {
                burner.join();
            }
        }

        // Then the reading climbs at least half-way from the baseline to full
        LOG.info("CPU baseline {} -> with {} burners {}", baseline, cores, during);
        assertThat(during).isGreaterThan(baseline + (1.0 - baseline) / 2);
    }

    @Test
    void shouldSeeLoopbackTrafficWithTheLoopbackFilterOff() throws Exception {
        OshiSystemSource source =
                hostSource(new NameFilter(Optional.of(Pattern.compile("lo")), Optional.empty()), true);
        assertThat(source.interfaceNames()).containsExactly("lo");
        int bytes = 8 << 20;

        long start = System.nanoTime();
        SystemLoad load = measure(source, () -> sendOverTcp(InetAddress.getLoopbackAddress(), bytes));
        double seconds = (System.nanoTime() - start) / 1e9;

        // Loopback counts each byte once as sent and once as received; other traffic only adds
        assertThat(load.netTxBytesPerSec() * seconds).isGreaterThanOrEqualTo(bytes * 0.95);
        assertThat(load.netRxBytesPerSec() * seconds).isGreaterThanOrEqualTo(bytes * 0.95);
    }

    @Test
    void shouldSeeTrafficSentOverANonLoopbackInterface() throws Exception {
        VethNamespace veth;
        try {
            veth = VethNamespace.create();
        } catch (IllegalStateException e) {
            String why = "No non-loopback interface this test may send traffic over: it sends only to a network "
                    + "namespace it makes itself, and could not (" + e.getMessage() + "). The loopback path is "
                    + "checked with the filter off by shouldSeeLoopbackTrafficWithTheLoopbackFilterOff.";
            LOG.warn(why);
            Assumptions.abort(why);
            return;
        }
        try (veth) {
            // Given the sampler sums only the host end of the pair, as a non-loopback interface
            OshiSystemSource source = hostSource(
                    new NameFilter(Optional.of(Pattern.compile(veth.hostInterface)), Optional.empty()), false);
            assertThat(source.interfaceNames()).containsExactly(veth.hostInterface);
            int datagrams = 400;
            int size = 1_000;

            // When the test sends 400 kB of UDP to the namespace's address
            long start = System.nanoTime();
            SystemLoad load = measure(source, () -> sendUdp(InetAddress.getByName(veth.peerAddress), datagrams, size));
            double seconds = (System.nanoTime() - start) / 1e9;

            // Then the interface's transmit counter moved by at least the payload
            LOG.info(
                    "Sent {} bytes over {}: tx {} B/s over {} s",
                    datagrams * size,
                    veth.hostInterface,
                    load.netTxBytesPerSec(),
                    seconds);
            assertThat(load.netTxBytesPerSec() * seconds).isGreaterThanOrEqualTo(datagrams * size * 0.95);
        }
    }

    private static void sendOverTcp(InetAddress address, int bytes) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, address)) {
            Thread reader = new Thread(() -> {
                try (Socket socket = server.accept();
                        InputStream in = socket.getInputStream()) {
                    in.transferTo(OutputStream.nullOutputStream());
                } catch (IOException ignored) {
                    // the writer's assertion tells
                }
            });
            reader.start();
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(address, server.getLocalPort()), 2_000);
                OutputStream out = socket.getOutputStream();
                byte[] chunk = new byte[64 * 1024];
                Arrays.fill(chunk, (byte) 7);
                for (int sent = 0; sent < bytes; sent += chunk.length) {
                    out.write(chunk);
                }
            }
            reader.join(5_000);
        }
    }

    private static void sendUdp(InetAddress address, int datagrams, int size) throws IOException {
        try (DatagramSocket socket = new DatagramSocket()) {
            byte[] payload = new byte[size];
            for (int i = 0; i < datagrams; i++) {
                // port 9 (discard): nothing listens in the namespace, the bytes still cross the interface
                socket.send(new DatagramPacket(payload, size, address, 9));
            }
        }
    }

    private static void spin(AtomicBoolean stop) {
        long x = 1;
        while (!stop.get()) {
            for (int i = 0; i < 10_000; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
        }
        if (x == 42) {
            LOG.trace("unlikely");
        }
    }

    private static double median(double a, double b, double c) {
        double[] values = {a, b, c};
        Arrays.sort(values);
        return values[1];
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
