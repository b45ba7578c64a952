import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/**
 * Downloads one file over HTTPS with nothing but the JDK, for a build step on a machine that has
 * Java and no npm, curl or wget (a fresh Debian 12 with JDK 17):
 * {@code java scripts/Download.java <url> <file>}. The caller checks what it got (a pinned
 * checksum); this only fetches it, following redirects and the system's proxy settings.
 */
public final class Download {

    private Download() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: java scripts/Download.java <url> <file>");
            System.exit(2);
        }
        System.setProperty("java.net.useSystemProxies", "true");
        HttpClient client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .proxy(ProxySelector.getDefault())
                .connectTimeout(Duration.ofSeconds(30))
                .build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(args[0]))
                .timeout(Duration.ofMinutes(5))
                .build();
        Path target = Path.of(args[1]);
        Path partial = target.resolveSibling(target.getFileName() + ".part");
        HttpResponse<Path> response = client.send(request, HttpResponse.BodyHandlers.ofFile(partial));
        if (response.statusCode() != 200) {
            Files.deleteIfExists(partial);
            System.err.println("Download.java: " + args[0] + " answered HTTP " + response.statusCode());
            System.exit(1);
        }
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
    }
}
