package dev.verdict.bank.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Free loopback ports for the demo's servers. */
public final class FreePorts {

    private FreePorts() {
    }

    /** {@code count} distinct free ports: every socket stays open until all are known, so none is handed out twice. */
    public static List<Integer> distinct(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0));
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            sockets.forEach(FreePorts::closeQuietly);
        }
    }

    /** Whether {@code port} can be bound on the loopback and wildcard addresses right now. */
    public static boolean isFree(int port) {
        try (ServerSocket wildcard = new ServerSocket()) {
            wildcard.bind(new InetSocketAddress(port));
            try (ServerSocket loopback = new ServerSocket()) {
                loopback.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            } catch (IOException ignored) {
                // the wildcard bind covers it on most systems
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void closeQuietly(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to release
        }
    }
}
