package dev.verdict.bank.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free ports for the demo's servers, chosen outside the operating system's ephemeral range: a port the kernel
 * handed out as an ephemeral one (what {@code new ServerSocket(0)} returns) can be taken by any outgoing
 * connection before the server that was meant to listen on it has started, and the demo starts its servers
 * seconds after choosing their ports.
 */
public final class FreePorts {

    private static final int LOWEST = 10_000;
    private static final int HIGHEST = 65_535;

    private FreePorts() {
    }

    /** {@code count} distinct free ports: every socket stays open until all are known, so none is handed out twice. */
    public static List<Integer> distinct(int count) {
        int[] ephemeral = ephemeralRange();
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int attempts = 0; sockets.size() < count && attempts < 10_000; attempts++) {
                int port = ThreadLocalRandom.current().nextInt(LOWEST, HIGHEST + 1);
                if (port >= ephemeral[0] && port <= ephemeral[1]) {
                    continue;
                }
                ServerSocket socket = tryBind(port);
                if (socket != null) {
                    sockets.add(socket);
                }
            }
            while (sockets.size() < count) {
                sockets.add(new ServerSocket(0)); // no port outside the ephemeral range is free
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            sockets.forEach(FreePorts::closeQuietly);
        }
    }

    /** Whether {@code port} can be bound right now. */
    public static boolean isFree(int port) {
        ServerSocket socket = tryBind(port);
        closeQuietly(socket);
        return socket != null;
    }

    private static ServerSocket tryBind(int port) {
        ServerSocket socket = null;
        try {
            socket = new ServerSocket();
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(port));
            return socket;
        } catch (IOException e) {
            closeQuietly(socket);
            return null;
        }
    }

    /** Linux's {@code ip_local_port_range}; elsewhere the IANA dynamic range. */
    private static int[] ephemeralRange() {
        try {
            // readAllLines, not readString: the latter trusts the size procfs reports and reads garbage
            String[] range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).getFirst().trim().split("\\s+");
            return new int[] {Integer.parseInt(range[0]), Integer.parseInt(range[1])};
        } catch (IOException | RuntimeException e) {
            return new int[] {49_152, 65_535};
        }
    }

    private static void closeQuietly(ServerSocket socket) {
        if (socket == null) {
            return;
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to release
        }
    }
}
