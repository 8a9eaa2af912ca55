package dev.tokenplane.bms.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.bms.BmsNode;
import dev.tokenplane.bms.BmsOptions;
import dev.tokenplane.bms.rules.StoreKey;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.Await;
import dev.tokenplane.bms.support.TestSettings;
import dev.tokenplane.bms.transfer.TransferFeature;
import dev.tokenplane.store.FakeClock;
import dev.tokenplane.transfer.exec.FaultyBucketStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in a real headless chromium against a real BMS member: log in, rules (a validation error next to its
 * field, a 409 explained), an override with an expiry, an agent turning stale, a breaker opening under forced store
 * failures, a clean console on every page, and a paged search over 10,000 buckets.
 */
class DashboardTest {
    /** Where each page's screenshot goes (copied to docs/ui/ for the README). */
    static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");

    static final String READ_TOKEN = "ui-read-token-0123456789abcdef";

    private static FaultyBucketStore store;
    private static BmsNode node;
    private static Api api;
    private static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        TransferFeature.Options transfers = TransferFeature.Options.defaults()
                .withBudget(Duration.ofMillis(250))
                .withBreaker(b -> b.slowCallDurationThreshold(Duration.ofSeconds(10)));
        node = BmsNode.start(
                TestSettings.member()
                        .with("BMS_AGENT_STALE_MS", "1500")
                        .with("BMS_READ_TOKEN", READ_TOKEN)
                        .with("BMS_SIZING_INTERVAL_MS", "500")
                        .build(),
                BmsOptions.CORE
                        .withSizing(true)
                        .withTransfer(transfers)
                        .withStore(s -> store = new FaultyBucketStore(s, new FakeClock())),
                InstantSource.system());
        api = new Api(node.url(), node.adminToken());
        browser = new Browser();
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        node.stop();
    }

    @BeforeEach
    void loggedIn() {
        browser.open(node.url() + "/ui/");
        if (browser.driver
                .findElements(org.openqa.selenium.By.cssSelector("#login:not([hidden])"))
                .isEmpty()) {
            browser.find("#nav");
            return;
        }
        browser.type("#token", node.adminToken());
        browser.click("#login-button");
        browser.find("#nav");
    }

    private void show(String hash) {
        browser.open(node.url() + "/ui/" + hash);
        browser.find("#nav");
    }

    @Test
    void shouldRefuseAWrongTokenThenLogInAndShowTheExampleRules() {
        browser.script("sessionStorage.clear()");
        browser.open(node.url() + "/ui/");
        browser.type("#token", "not-the-token");
        browser.click("#login-button");
        browser.waitForText("#login-error", "refused");

        browser.type("#token", node.adminToken());
        browser.click("#login-button");
        browser.find("#nav");
        assertThat(browser.driver.getCurrentUrl()).doesNotContain(node.adminToken());
        assertThat(browser.script("return sessionStorage.getItem('tokenplane.token')"))
                .isEqualTo(node.adminToken());
        assertThat(browser.find("#who").getText()).isEqualTo("admin token");

        show("#/rules");
        String rules = browser.waitForText("#rules-table", "free");
        assertThat(rules).contains("enterprise", "login", "servers");
    }

    @Test
    void shouldHideEveryWriteControlFromTheReadOnlyToken() {
        browser.script("sessionStorage.clear()");
        browser.open(node.url() + "/ui/");
        browser.type("#token", READ_TOKEN);
        browser.click("#login-button");
        browser.waitForText("#who", "read-only");
        try {
            show("#/rules");
            browser.waitForText("#rules-table", "free");
            assertThat(browser.driver
                            .findElement(org.openqa.selenium.By.id("new-rule"))
                            .isDisplayed())
                    .isFalse();
            assertThat(browser.driver
                            .findElement(org.openqa.selenium.By.id("bulk-rules"))
                            .isDisplayed())
                    .isFalse();
            api.post("/v1/buckets/free:ui-readonly/acquire", null);
            show("#/bucket/free%3Aui-readonly");
            browser.find("#bucket-capacity");
            assertThat(browser.driver
                            .findElement(org.openqa.selenium.By.id("override-form"))
                            .isDisplayed())
                    .isFalse();
            show("#/rule/free");
            browser.find("#f-capacity");
            assertThat(browser.driver
                            .findElement(org.openqa.selenium.By.id("rule-save"))
                            .isDisplayed())
                    .isFalse();
        } finally {
            browser.script("sessionStorage.clear()"); // the next test logs in as admin again
        }
    }

    @Test
    void shouldShowTheValidationMessageNextToItsFieldThenSaveTheFixedRule() {
        show("#/rule");
        browser.type("#f-id", "ui-new");
        browser.type("#f-match", "uinew:*");
        browser.type("#f-capacity", "0");
        browser.type("#f-refillPerSecond", "1");
        browser.click("#rule-save");

        assertThat(browser.waitForText("#e-capacity", "capacity must be")).contains("was 0");
        assertThat(api.get("/v1/rules/ui-new").status()).isEqualTo(404);

        browser.type("#f-capacity", "10");
        browser.click("#rule-save");
        Browser.until(() -> browser.driver.getCurrentUrl().endsWith("#/rule/ui-new") ? true : null, "not saved");
        assertThat(api.get("/v1/rules/ui-new").json().get("capacity").asLong()).isEqualTo(10);
    }

    @Test
    void shouldEditARefillWrittenPerPeriod() {
        api.put(
                "/v1/rules/ui-refill",
                Map.of("match", "uirefill:*", "capacity", 5, "refill", Map.of("tokens", 5, "period", "1m")));
        show("#/rule/ui-refill");
        assertThat(browser.find("#f-refill").getAttribute("value")).contains("\"period\":\"1m\"");
        assertThat(browser.find("#f-refillPerSecond").getAttribute("value")).isEmpty();

        browser.type("#f-refill", "{\"tokens\": 5, \"period\": \"a minute\"}");
        browser.click("#rule-save");
        assertThat(browser.waitForText("#e-refill", "refill.period must")).contains("a minute");

        browser.type("#f-refill", "{\"tokens\": 10, \"period\": \"PT1M\"}");
        browser.click("#rule-save");
        Browser.until(
                () -> api.get("/v1/rules/ui-refill").json().get("version").asLong() == 2 ? true : null, "not saved");
        assertThat(api.get("/v1/rules/ui-refill").json().get("refillPerSecond").asDouble())
                .isEqualTo(10.0 / 60);
    }

    @Test
    void shouldExplainAConflictWhenTheRuleChangedMeanwhile() {
        api.put("/v1/rules/ui-conflict", Map.of("match", "uiconf:*", "capacity", 5, "refillPerSecond", 1));
        show("#/rule/ui-conflict");
        browser.find("#f-capacity");
        api.put("/v1/rules/ui-conflict", Map.of("match", "uiconf:*", "capacity", 6, "refillPerSecond", 1));

        browser.type("#f-capacity", "7");
        browser.click("#rule-save");

        assertThat(browser.waitForText("#rule-conflict", "someone changed this rule"))
                .contains("version 2");
        assertThat(api.get("/v1/rules/ui-conflict").json().get("capacity").asLong())
                .isEqualTo(6);
    }

    @Test
    void shouldPreviewTheDiffOfARuleSetBeforeApplyingIt() {
        show("#/rules");
        browser.find("#bulk-rules");
        // The set is the current rules; the operator adds one
        browser.script("const t = document.getElementById('bulk-rules'); const set = JSON.parse(t.value);"
                + "set.rules.push({id: 'ui-bulk', match: 'uibulk:*', capacity: 4, refillPerSecond: 2});"
                + "t.value = JSON.stringify(set); t.dispatchEvent(new Event('input'));");
        assertThat(browser.find("#bulk-apply").isEnabled()).isFalse();

        browser.click("#bulk-preview");
        assertThat(browser.waitForText("#bulk-diff", "dry run: nothing written"))
                .contains("+ ui-bulk");
        assertThat(api.get("/v1/rules/ui-bulk").status()).isEqualTo(404);

        browser.click("#bulk-apply");
        browser.waitForText("#bulk-diff", "applied");
        assertThat(api.get("/v1/rules/ui-bulk").json().get("capacity").asLong()).isEqualTo(4);
    }

    @Test
    void shouldPinABucketWithAnExpiryAndShowItOnTheBucketPage() {
        api.post("/v1/buckets/free:ui-pinned/acquire", null);
        show("#/bucket/free%3Aui-pinned");
        browser.find("#bucket-capacity");
        browser.type("#ov-capacity", "42");
        browser.type("#ov-refill", "2");
        browser.type("#ov-minutes", "10");
        long before = System.currentTimeMillis();
        browser.click("#ov-save");

        String state = browser.waitForText("#override-state", "Pinned at capacity 42");
        assertThat(state).contains("until");
        browser.waitForText("#bucket-capacity", "42");
        long expiresAt = api.get("/v1/buckets/free:ui-pinned")
                .json()
                .get("override")
                .get("expiresAt")
                .asLong();
        assertThat(expiresAt - before).isBetween(595_000L, 605_000L);
    }

    @Test
    void shouldChartABucketsResizesWithTheirReasons() throws Exception {
        // Given an adaptive server bucket asked for far more than it holds while its server idles
        api.put(
                "/v1/rules/ui-grow",
                Map.of(
                        "match",
                        "server/ui-grow-1",
                        "capacity",
                        10,
                        "refillPerSecond",
                        10,
                        "minCapacity",
                        5,
                        "maxCapacity",
                        40,
                        "adaptive",
                        Map.of("enabled", true)));
        String key = "server/ui-grow-1";
        List<Map<String, Object>> demand = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            demand.add(Map.of("key", key, "tokens", 1));
        }
        ScheduledExecutorService traffic = Executors.newScheduledThreadPool(2);
        try {
            traffic.scheduleWithFixedDelay(
                    () -> api.post("/v1/acquire", Map.of("requests", demand)), 0, 50, TimeUnit.MILLISECONDS);
            traffic.scheduleWithFixedDelay(
                    () -> api.post(
                            "/v1/agents/ui-grow-1/reports",
                            Map.of("cpu", 0.1, "memory", 0.3, "timestamp", System.currentTimeMillis())),
                    0,
                    100,
                    TimeUnit.MILLISECONDS);
            // When the sizing loop has grown it twice
            Await.until(() -> api.get("/v1/buckets/server%2Fui-grow-1")
                            .json()
                            .path("history")
                            .size()
                    >= 2);
        } finally {
            traffic.shutdownNow();
            traffic.awaitTermination(10, TimeUnit.SECONDS);
        }

        // Then its page charts the capacities and lists each resize with its reason
        show("#/bucket/server%2Fui-grow-1");
        assertThat(browser.waitForText("#resize-table", "grow_demand")).contains("->");
        browser.find("#resize-chart canvas");
        browser.screenshot(SCREENSHOTS.resolve("bucket-page.png"));
    }

    @Test
    void shouldMarkAnAgentStaleWhenItStopsReporting() {
        api.post(
                "/v1/agents/ui-server-1/reports",
                Map.of(
                        "region",
                        "eu",
                        "cpu",
                        0.4,
                        "memory",
                        0.6,
                        "netRxBytesPerSec",
                        1000.0,
                        "netTxBytesPerSec",
                        500.0));
        show("#/agents");
        browser.waitForText("#agent-state-ui-server-1", "fresh");

        // No further report: past BMS_AGENT_STALE_MS (1.5 s) the page, refreshing every second, marks it
        browser.waitForText("#agent-state-ui-server-1", "stale");
        assertThat(browser.find("#agent-ui-server-1").getAttribute("class")).contains("stale-agent");
    }

    @Test
    void shouldShowABreakerOpenAfterForcedTransferFailures() {
        api.put(
                "/v1/rules/uibrk",
                Map.of(
                        "match",
                        "uibrk:*",
                        "capacity",
                        20,
                        "refillPerSecond",
                        1,
                        "transfer",
                        Map.of("pool", "uibrk", "canBorrow", true, "canLend", true, "reserveFraction", 0)));
        api.post("/v1/buckets/uibrk:idle/acquire", null);
        api.post("/v1/buckets/uibrk:hot/acquire", null);
        Await.until(() -> api.get("/v1/pools/uibrk").json().get("members").size() == 2);
        show("#/pools");
        browser.waitForText("#breaker-uibrk", "closed");

        // every transfer step on the lender fails from now on (its bucket lives at its store key: key and rule)
        store.lose(StoreKey.scoped("uibrk:idle", "uibrk", null).encode());
        Await.until(() -> {
            for (int i = 0; i < 5; i++) {
                api.post("/v1/buckets/uibrk:hot/acquire", null);
            }
            return api.get("/v1/pools/uibrk").json().get("breaker").asText().equals("open");
        });

        browser.waitForText("#breaker-uibrk", "open");
        store.restoreAll();
    }

    @Test
    void shouldLogNoBrowserErrorOnAnyPage() throws Exception {
        api.post("/v1/buckets/server%2Fui-web-1/acquire", null);
        api.put(
                "/v1/buckets/server%2Fui-web-1/override",
                Map.of("capacity", 1500, "refillPerSecond", 750, "ttlSeconds", 600));
        for (int i = 0; i < 6; i++) {
            api.post(
                    "/v1/agents/ui-server-2/reports",
                    Map.of(
                            "region",
                            "eu",
                            "cpu",
                            0.2 + 0.1 * (i % 3),
                            "memory",
                            0.5 + 0.02 * i,
                            "netRxBytesPerSec",
                            1e6 * (1 + i % 2),
                            "netTxBytesPerSec",
                            4e5 * (1 + i),
                            "diskReadBytesPerSec",
                            2e5 * i,
                            "diskWriteBytesPerSec",
                            1e5 * (6 - i)));
        }
        for (int i = 0; i < 12; i++) {
            api.post("/v1/buckets/login:ui-someone/acquire", null);
        }
        browser.consoleErrors(); // forget what the other tests' deliberate 4xx left
        List<String> errors = new ArrayList<>();
        String[][] pages = {
            {"#/", "#top-denied-table"},
            {"#/buckets", "#bucket-table"},
            {"#/bucket/server%2Fui-web-1", "#bucket-capacity"},
            {"#/rules", "#rules-table"},
            {"#/rule/login", "#f-capacity"},
            {"#/pools", "#pool-list canvas"},
            {"#/agents", "#agent-list"}
        };
        for (String[] page : pages) {
            show(page[0]);
            browser.find(page[1]);
            if (!page[0].startsWith("#/bucket/")) { // the resize test takes the bucket page, with its chart
                browser.screenshot(SCREENSHOTS.resolve(name(page[0]) + ".png"));
            }
            errors.addAll(browser.consoleErrors());
        }
        assertThat(errors).isEmpty();
    }

    @Test
    void shouldSearchTenThousandBucketsPageByPageInUnderASecond() {
        for (int batch = 0; batch < 10; batch++) {
            List<Map<String, Object>> requests = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                requests.add(Map.of("key", String.format("free:ui10k-%05d", batch * 1000 + i)));
            }
            assertThat(api.post("/v1/acquire", Map.of("requests", requests)).status())
                    .isEqualTo(200);
        }
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            api.get("/v1/buckets?prefix=free:ui10k-&limit=50");
            System.out.println("10k buckets, API page: " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        }
        show("#/buckets");
        browser.type("#prefix", "free:ui10k-");
        browser.click("#search");
        browser.waitForText("#bucket-table", "free:ui10k-00000");

        long started = System.nanoTime();
        browser.click("#next-page");
        browser.waitForText("#bucket-table", "free:ui10k-00050");
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertThat(browser.find("#bucket-table").getText())
                .contains("free:ui10k-00099")
                .doesNotContain("00100");
        // The page's own figure: from the request to the rendered table (the test's includes WebDriver's round trips)
        String info = browser.find("#search-info").getText();
        System.out.println("10k buckets, next page: " + info + "; seen by the test after " + millis + " ms");
        long pageMillis = Long.parseLong(info.replaceAll(".* in (\\d+) ms", "$1"));
        assertThat(pageMillis)
                .as("the next page of 10,000 buckets, in the browser")
                .isLessThan(1000);
    }

    private static String name(String hash) {
        String page = hash.replace("#/", "").replaceAll("/.*", "");
        return page.isEmpty()
                ? "overview"
                : page.equals("bucket") ? "bucket-page" : page.equals("rule") ? "rule-edit" : page;
    }
}
