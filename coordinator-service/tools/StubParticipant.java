import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in participant for trying the coordinator with curl, with no database behind it:
 *
 *   java coordinator-service/tools/StubParticipant.java <port> [YES|NO|READ_ONLY]
 *
 * It answers the participant API (POST /verdict/v1/branches/{txId}/prepare|commit|abort) with the given vote,
 * prints every call, and lists what it holds on GET /verdict/v1/branches. Real participants use the
 * participant-agent starter over PostgreSQL.
 */
public class StubParticipant {

    private static final Pattern CALL = Pattern.compile("/verdict/v1/branches/(\\d+)/(prepare|commit|abort)");

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args.length > 0 ? args[0] : "7001");
        String vote = args.length > 1 ? args[1] : "YES";
        Map<Long, String> branches = new ConcurrentHashMap<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/verdict/v1/branches", exchange -> {
            String path = exchange.getRequestURI().getPath();
            Matcher call = CALL.matcher(path);
            String body;
            int status = 200;
            if (call.matches() && exchange.getRequestMethod().equals("POST")) {
                long txId = Long.parseLong(call.group(1));
                String step = call.group(2);
                body = switch (step) {
                    case "prepare" -> {
                        branches.put(txId, vote.equals("YES") ? "PREPARED" : "ENDED");
                        yield "{\"vote\":\"" + vote + "\"}";
                    }
                    case "commit" -> {
                        branches.put(txId, "COMMITTED");
                        yield "{\"txId\":" + txId + ",\"participantId\":\"stub-" + port + "\",\"outcome\":\"COMMITTED\"}";
                    }
                    default -> {
                        branches.put(txId, "ROLLED_BACK");
                        yield "{\"txId\":" + txId + ",\"participantId\":\"stub-" + port + "\",\"outcome\":\"ROLLED_BACK\"}";
                    }
                };
                System.out.println(LocalTime.now() + " " + step + " tx " + txId + " -> " + body);
            } else if (path.equals("/verdict/v1/branches")) {
                body = branches.toString();
            } else {
                status = 404;
                body = "{\"code\":\"NOT_FOUND\"}";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        System.out.println("Stub participant on http://127.0.0.1:" + port + " voting " + vote);
    }
}
