package dev.verdict.bank.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.bank.demo.DemoTopology;
import dev.verdict.bank.demo.ManagedProcess;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The gateway page in headless Chromium, on the real demo topology: a transfer made with the form changes both
 * balances and the audit stays consistent; the leader killed with the page's button is replaced, a transfer
 * still commits, and the page's restart button brings the node back.
 */
@ExtendWith(SharedTopology.class)
class GatewayPageIT {

    @Test
    void aTransferFromThePageChangesBothBalancesAndTheAuditStaysConsistent(DemoTopology bank) {
        try (Browser browser = Browser.start()) {
            WebDriver page = browser.driver();
            page.get(bank.gatewayUrl().toString());
            Map<Long, Long> shown = browser.await("every account shown", d -> balances(d, bank.spec().accounts()));
            long payer = richest(shown);
            long payee = payer < bank.spec().accounts() ? payer + 1 : payer - 1; // neighbours live on different shards
            long from = shown.get(payer);
            long to = shown.get(payee);

            transfer(page, payer, payee, 123);

            String result = browser.await("the transfer's outcome shown", d -> {
                String text = d.findElement(By.id("transfer-result")).getText();
                return text.startsWith("COMMITTED") || text.contains("ABORTED") || text.contains(":") ? text : null;
            });
            assertThat(result).startsWith("COMMITTED");
            browser.await("both balances changed", d -> balance(d, payer) == from - 123 && balance(d, payee) == to + 123);
            browser.await("a consistent audit with the expected total", d ->
                    d.findElement(By.id("audit-consistent")).getText().equals("yes")
                            && d.findElement(By.id("audit-total")).getText().equals(String.format("%,d", bank.expectedTotal())));
            assertThat(page.findElement(By.id("audit-negative")).getText()).isEqualTo("0");
        }
    }

    @Test
    void theLeaderKilledFromThePageIsReplacedAndTransfersStillCommit(DemoTopology bank) {
        ManagedProcess leader = bank.awaitLeader(Duration.ofMinutes(1));
        try (Browser browser = Browser.start()) {
            WebDriver page = browser.driver();
            page.get(bank.gatewayUrl().toString());
            browser.await("the leader marked in the cluster table", d ->
                    cellOfNode(d, leader.nodeId(), 3).getText().contains("leader"));

            browser.await("the kill button clicked", d -> click(d, leader.name(), "kill"));
            browser.await("the killed node shown DOWN", d -> cellOfNode(d, leader.nodeId(), 2).getText().equals("DOWN"));
            ManagedProcess successor = bank.awaitLeader(Duration.ofMinutes(1));
            assertThat(successor).isNotSameAs(leader);
            browser.await("the new leader shown", d ->
                    d.findElement(By.id("cluster-summary")).getText().startsWith("leader " + successor.nodeId()));

            Map<Long, Long> shown = browser.await("every account shown", d -> balances(d, bank.spec().accounts()));
            long richest = richest(shown);
            transfer(page, richest, richest == 1 ? 2 : 1, 7);
            String result = browser.await("the transfer's outcome shown", d -> {
                String text = d.findElement(By.id("transfer-result")).getText();
                return text.equals("moving …") || text.isBlank() ? null : text;
            });
            assertThat(result).startsWith("COMMITTED");

            browser.await("the restart button clicked", d -> click(d, leader.name(), "restart"));
            browser.await("the restarted node shown UP", d -> cellOfNode(d, leader.nodeId(), 2).getText().equals("UP"));
        } finally {
            if (!leader.running()) {
                leader.restart();
            }
        }
        bank.awaitLeader(Duration.ofMinutes(1));
    }

    private static void transfer(WebDriver page, long from, long to, long amount) {
        fill(page, "transfer-from", from);
        fill(page, "transfer-to", to);
        fill(page, "transfer-amount", amount);
        page.findElement(By.id("transfer-submit")).click();
    }

    private static void fill(WebDriver page, String id, long value) {
        WebElement input = page.findElement(By.id(id));
        input.clear();
        input.sendKeys(Long.toString(value));
    }

    /** Every account's balance as the page shows it, or null until all are shown. */
    private static Map<Long, Long> balances(WebDriver page, int accounts) {
        Map<Long, Long> balances = new HashMap<>();
        for (long id = 1; id <= accounts; id++) {
            Long balance = balance(page, id);
            if (balance == null) {
                return null;
            }
            balances.put(id, balance);
        }
        return balances;
    }

    /** The account with the most money: earlier tests may have emptied any given account. */
    private static long richest(Map<Long, Long> balances) {
        return balances.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    /** The balance the page shows for an account, or null while it is not shown. */
    private static Long balance(WebDriver page, long account) {
        var cells = page.findElements(By.cssSelector("#accounts tr[data-account='" + account + "'] td.balance"));
        if (cells.isEmpty() || cells.getFirst().getDomAttribute("data-value") == null) {
            return null;
        }
        return Long.parseLong(cells.getFirst().getDomAttribute("data-value"));
    }

    private static WebElement cellOfNode(WebDriver page, String nodeId, int column) {
        return page.findElement(By.cssSelector("#nodes tr[data-node='" + nodeId + "'] td:nth-child(" + column + ")"));
    }

    private static boolean click(WebDriver page, String process, String action) {
        page.findElement(By.cssSelector("button[data-process='" + process + "'][data-action='" + action + "']")).click();
        return true;
    }
}
