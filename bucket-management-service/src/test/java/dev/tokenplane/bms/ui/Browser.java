package dev.tokenplane.bms.ui;

import dev.tokenplane.bms.support.Await;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's headless chromium through its chromium-driver (both installed by {@code .ci/run}), in a fresh profile, with
 * the browser console recorded. Waits poll with a deadline; nothing sleeps to win a race.
 */
final class Browser implements AutoCloseable {
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    static final String CHROMIUM = "/usr/bin/chromium";

    final ChromeDriver driver;
    private final Path profile;

    Browser() throws IOException {
        if (!new File(CHROMEDRIVER).canExecute() || !new File(CHROMIUM).canExecute()) {
            throw new IllegalStateException("the browser tests need Debian's chromium and chromium-driver: "
                    + "apt-get install -y chromium chromium-driver (.ci/run does it)");
        }
        profile = Files.createTempDirectory("chromium-profile");
        ChromeOptions options = new ChromeOptions()
                .setBinary(CHROMIUM)
                .addArguments(
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-dev-shm-usage",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--no-first-run",
                        "--window-size=1280,1000",
                        "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
    }

    void open(String url) {
        driver.get(url);
    }

    /** The element once it is displayed (within 15 s); else fails with the page's text and console. */
    WebElement find(String css) {
        try {
            return until(
                    () -> {
                        List<WebElement> found = driver.findElements(By.cssSelector(css));
                        return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
                    },
                    "no visible " + css);
        } catch (AssertionError e) {
            throw new AssertionError(
                    e.getMessage() + "; page: "
                            + driver.findElement(By.tagName("body")).getText() + "; console: "
                            + driver.manage().logs().get(LogType.BROWSER).getAll(),
                    e);
        }
    }

    /** The element's text once it contains {@code text} (within 15 s). */
    String waitForText(String css, String text) {
        try {
            return until(
                    () -> {
                        List<WebElement> found = driver.findElements(By.cssSelector(css));
                        String t = found.isEmpty() ? "" : found.get(0).getText();
                        return t.contains(text) ? t : null;
                    },
                    css + " never contained '" + text + "'");
        } catch (AssertionError e) {
            throw new AssertionError(
                    e.getMessage() + "; page: "
                            + driver.findElement(By.tagName("body")).getText(),
                    e);
        }
    }

    void type(String css, String text) {
        WebElement e = find(css);
        e.clear();
        e.sendKeys(text);
    }

    void click(String css) {
        find(css).click();
    }

    Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /** The console's errors since the last call (reading them empties the log). */
    List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::toString)
                .toList();
    }

    void screenshot(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    }

    static <T> T until(Supplier<T> probe, String failure) {
        // a probe that throws (WebDriverException: the page is being re-rendered) is probed again
        return Await.value(probe, Duration.ofSeconds(15), () -> failure + " within 15 s");
    }

    @Override
    public void close() throws IOException {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }
}
