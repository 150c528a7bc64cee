package dev.wsgateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import jakarta.json.Json;
import java.io.File;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The admin page in a real headless Chromium (Debian's chromium and chromedriver, driven by Selenium): the
 * operator logs in with the browser's Basic login, sees the session a test client opened with its counters
 * moving, closes it with a code, and the client gets that code. And a page of another site cannot use the
 * operator's login to change anything.
 */
class AdminPageIT extends GatewayTestBase {
    private static final Path CHROMIUM = Path.of(System.getProperty("gateway.it.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("gateway.it.chromedriver", "/usr/bin/chromedriver"));
    private static final Duration WAIT = Duration.ofSeconds(30);

    private ChromeDriver browser;
    private Path profile;

    @BeforeEach
    void startBrowser() throws Exception {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        String missing = "no " + CHROMIUM + " or " + CHROMEDRIVER + ": apt-get install -y chromium chromium-driver";
        // .ci/run installs both, so CI never skips this test; a developer's machine may
        if ("true".equals(System.getenv("CI"))) {
            assertTrue(installed, missing);
        }
        assumeTrue(installed, missing);
        profile = Files.createTempDirectory("admin-page-it-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--no-first-run",
                "--window-size=1280,900", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void stopBrowser() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (profile != null) {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    private String origin() {
        return "http://" + base.getHost() + ":" + base.getPort();
    }

    /** The browser's Basic login: credentials in the URL once, then the page at its plain address. */
    private void logIn() {
        browser.get("http://" + Admin.ADMIN + "@" + base.getHost() + ":" + base.getPort() + "/admin/");
        browser.get(origin() + "/admin/");
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.id("sessions")));
    }

    private WebElement waitFor(By by) {
        return new WebDriverWait(browser, WAIT).until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    @Test
    void anOperatorSeesALiveSessionWithMovingCountersAndClosesItWithACodeTheClientReceives() throws Exception {
        admin().createRoute("page", "/page", backend.uri("/echo"), "");
        try (WsClient client = WsClient.connect(ws("/page"))) {
            client.send("first");
            assertEquals("first", client.nextText());
            String id = Json.createReader(new StringReader(admin().as("GET", "/api/admin/sessions?route=page", null).body()))
                    .readArray().getJsonObject(0).getString("id");

            logIn();
            browser.findElement(By.name("route")).sendKeys("page");
            By row = By.cssSelector("tr.session[data-session-id='" + id + "']");
            WebElement fromClient = waitFor(row).findElement(By.cssSelector("td.from-client"));
            new WebDriverWait(browser, WAIT).until(b -> fromClient.getText().startsWith("1 msgs"));

            client.send("second");
            assertEquals("second", client.nextText());
            // the page polls: the counter moves without a reload
            new WebDriverWait(browser, WAIT).until(b -> fromClient.getText().startsWith("2 msgs"));

            browser.findElement(row).findElement(By.cssSelector("button.select-session")).click();
            WebElement code = waitFor(By.cssSelector("#close-form input[name=code]"));
            code.clear();
            code.sendKeys("4321");
            browser.findElement(By.cssSelector("#close-form input[name=reason]")).sendKeys("closed from the admin page");
            screenshot();
            browser.findElement(By.cssSelector("#close-form button[type=submit]")).click();

            WsClient.Closed closed = client.awaitClose();
            assertEquals(4321, closed.code());
            assertEquals("closed from the admin page", closed.reason());
            new WebDriverWait(browser, WAIT).until(ExpectedConditions.textToBePresentInElementLocated(
                    By.id("session-result"), "closed with 4321"));
            new WebDriverWait(browser, WAIT).until(ExpectedConditions.invisibilityOfElementLocated(row));
        }
    }

    @Test
    void anOperatorTracesASessionSeesItsFramesAndPushesAMessageTheClientReceives() throws Exception {
        admin().createRoute("page-trace", "/page-trace", backend.uri("/echo"), "");
        try (WsClient client = WsClient.connect(ws("/page-trace"))) {
            String id = Json.createReader(new StringReader(
                    admin().as("GET", "/api/admin/sessions?route=page-trace", null).body()))
                    .readArray().getJsonObject(0).getString("id");

            logIn();
            browser.findElement(By.name("route")).sendKeys("page-trace");
            By row = By.cssSelector("tr.session[data-session-id='" + id + "']");
            waitFor(row).findElement(By.cssSelector("button.trace-session")).click();
            waitFor(By.cssSelector("#trace-form button[type=submit]")).click();
            new WebDriverWait(browser, WAIT).until(ExpectedConditions.textToBePresentInElementLocated(
                    By.id("trace-result"), "Tracing until"));

            client.send("{\"password\":\"hunter2\",\"say\":\"hello\"}");
            client.nextText();
            browser.findElement(By.xpath("//form[@id='trace-form']/button[text()='Refresh']")).click();
            WebElement frame = waitFor(By.cssSelector("tr.traced-frame"));
            assertTrue(frame.getText().contains("client \u2192 backend"), frame.getText());
            assertTrue(frame.getText().contains("\"password\":\"***\""), frame.getText());

            browser.findElement(row).findElement(By.cssSelector("button.select-session")).click();
            waitFor(By.cssSelector("#push-form textarea[name=message]")).sendKeys("from the admin page");
            browser.findElement(By.cssSelector("#push-form button[type=submit]")).click();

            assertEquals("from the admin page", client.nextText());
            new WebDriverWait(browser, WAIT).until(ExpectedConditions.textToBePresentInElementLocated(
                    By.id("session-result"), "Queued for the client"));
        }
    }

    @Test
    void aPageOfAnotherSiteCannotUseTheOperatorsLoginToChangeAnything() throws Exception {
        logIn();
        // Another site: the same machine under its other name (127.0.0.1 and localhost are different sites).
        String otherHost = base.getHost().equals("localhost") ? "127.0.0.1" : "localhost";
        String target = origin();
        String page = "<!DOCTYPE html><html><body>"
                + "<form id=f method=post enctype=text/plain action='" + target + "/api/admin/keys'>"
                + "<input name='{\"name\":\"planted\",\"x\":\"' value='\"}'></form>"
                + "<script>fetch('" + target + "/api/admin/revocations',{method:'POST',mode:'no-cors',"
                + "credentials:'include',headers:{'Content-Type':'text/plain'},body:'{\"subject\":\"victim\"}'})"
                + ".finally(()=>document.getElementById('f').submit());</script></body></html>";
        HttpServer evil = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        evil.createContext("/", exchange -> {
            byte[] body = page.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        evil.start();
        try {
            browser.get("http://" + otherHost + ":" + evil.getAddress().getPort() + "/");
            // the form's POST lands on the gateway with the operator's credentials and is answered by the filter
            new WebDriverWait(browser, WAIT).until(b -> b.getCurrentUrl().startsWith(target + "/api/admin/keys"));
            String answer = browser.findElement(By.tagName("body")).getText();
            assertTrue(answer.contains("own pages"), answer);
        } finally {
            evil.stop(0);
        }
        assertFalse(admin().as("GET", "/api/admin/keys", null).body().contains("planted"));
        assertFalse(admin().as("GET", "/api/admin/revocations", null).body().contains("victim"));
    }

    @Test
    void anOperatorDrainsThisInstanceFromThePageSeesItDrainedAndCancelsIt() throws Exception {
        admin().createRoute("page-drain", "/page-drain", backend.uri("/echo"), "");
        try (WsClient client = WsClient.connect(ws("/page-drain"))) {
            client.send("before");
            assertEquals("before", client.nextText());
            logIn();
            browser.findElement(By.cssSelector("nav button[data-tab=drain]")).click();
            WebElement state = waitFor(By.cssSelector("#drain [data-drain=state]"));
            new WebDriverWait(browser, WAIT).until(b -> state.getText().equals("idle"));

            WebElement window = browser.findElement(By.cssSelector("#drain-form input[name=windowSeconds]"));
            window.clear();
            window.sendKeys("0");
            browser.findElement(By.cssSelector("#drain-form input[name=reason]")).sendKeys("drained from the page");
            browser.findElement(By.cssSelector("#drain-form button[type=submit]")).click();
            new WebDriverWait(browser, WAIT).until(ExpectedConditions.alertIsPresent()).accept();

            WsClient.Closed closed = client.awaitClose();
            assertEquals(1012, closed.code());
            assertEquals("drained from the page", closed.reason());
            new WebDriverWait(browser, WAIT).until(b -> b.findElement(By.cssSelector("#drain [data-drain=state]"))
                    .getText().equals("drained"));

            browser.findElement(By.xpath("//section[@id='drain']//button[text()='Cancel drain']")).click();
            new WebDriverWait(browser, WAIT).until(b -> b.findElement(By.cssSelector("#drain [data-drain=state]"))
                    .getText().equals("idle"));
            assertTrue(admin().as("GET", "/api/admin/drain", null).body().contains("\"state\":\"idle\""));
        } finally {
            admin().as("DELETE", "/api/admin/drain", null);
        }
    }

    /** The page as the operator sees it, for the docs (docs/images/admin-page.png is a copy of this file). */
    private void screenshot() throws Exception {
        Path file = Path.of(System.getProperty("gateway.it.screenshot", "target/admin-page.png"));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
    }
}
