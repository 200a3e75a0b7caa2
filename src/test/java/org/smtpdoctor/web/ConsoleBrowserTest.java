package org.smtpdoctor.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.smtpdoctor.relay.deliver.ScriptedSmtp;
import org.smtpdoctor.relay.spool.RecipientState;

/**
 * The console in a real browser (headless Chromium), as an admin uses it on the LAN: HTTPS with
 * the self-signed certificate, log in, see the queued message and why it waits, retry it, see
 * it delivered.
 */
class ConsoleBrowserTest {

    @TempDir
    Path dir;

    @Test
    void an_admin_logs_in_sees_a_queued_message_retries_it_and_sees_it_delivered() throws Exception {
        AtomicReference<String> rcpt = new AtomicReference<>("452 4.2.2 Mailbox full, try again later");
        try (ScriptedSmtp upstream = new ScriptedSmtp((line, n) -> line.startsWith("RCPT") ? rcpt.get() : null);
             RelayWithConsole relay = RelayWithConsole.start(dir, "smtp://127.0.0.1:" + upstream.port(),
                     "admin:\n  listen: 0.0.0.0:0\n  password-hash: \"" + ConsoleLoginTest.HASH + "\"\n");
             Browser browser = Browser.start()) {
            String id = relay.send("scanner@lan.test", List.of("bob@contoso.test"), "Invoice scan");
            await().atMost(Duration.ofSeconds(10)).until(() -> relay.spool.get(id).orElseThrow().recipients().get(0).status()
                    == RecipientState.Status.DEFERRED);
            var driver = browser.driver;
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
            // A click that submits a form or follows a link replaces the page: an element found just
            // before the new page arrives goes stale, so the conditions are tried again on the new page.
            wait.ignoring(StaleElementReferenceException.class);

            driver.get(relay.consoleUrl() + "/queue");
            wait.until(ExpectedConditions.urlContains("/login"));
            assertThat(driver.getPageSource()).doesNotContain(id);
            driver.findElement(By.id("user")).sendKeys("admin");
            driver.findElement(By.id("password")).sendKeys(ConsoleLoginTest.PASSWORD);
            driver.findElement(By.id("login")).click();

            wait.until(ExpectedConditions.urlMatches(".*/queue$"));
            WebElement row = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-id='" + id + "']")));
            assertThat(row.getText()).contains("bob@contoso.test", "deferred", "452 4.2.2 Mailbox full");
            // The script has shown the time in the browser's zone instead of UTC.
            wait.until(d -> !row.findElement(By.tagName("time")).getText().endsWith("UTC"));

            row.findElement(By.linkText(id)).click();
            wait.until(ExpectedConditions.urlContains("/queue/" + id));
            assertThat(driver.findElement(By.tagName("main")).getText()).contains("Invoice scan", "452 4.2.2 Mailbox full", "Cause:");

            rcpt.set(null); // the mailbox has room again
            driver.findElement(By.xpath("//button[text()='Retry now']")).click();
            wait.until(d -> d.findElement(By.tagName("main")).getText().contains("no longer in the queue"));
            WebElement main = driver.findElement(By.tagName("main"));
            assertThat(main.findElement(By.cssSelector("p.final .state")).getText()).isEqualTo("delivered");
            assertThat(main.getText()).contains("250 2.0.0 Ok: queued");
            assertThat(upstream.messages).hasSize(1);
            assertThat(upstream.messages.get(0).recipients()).containsExactly("bob@contoso.test");

            driver.findElement(By.linkText("Overview")).click();
            wait.until(d -> d.findElement(By.id("delivered-hour")).getText().equals("1"));
            assertThat(driver.findElement(By.id("queue-messages")).getText()).isEqualTo("0");
        }
    }
}
