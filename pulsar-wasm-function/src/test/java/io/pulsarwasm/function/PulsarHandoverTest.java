package io.pulsarwasm.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PulsarHandoverTest {

    private final PulsarHandover handover = new PulsarHandover();

    @Test
    void valuesAndNullPassAsTheyAre() {
        byte[] bytes = {1, 2};
        assertSame(bytes, handover.handOver(bytes));
        assertNull(handover.handOver(null));
        assertEquals(0, handover.outstanding());
    }

    @Test
    void aCompletedFutureIsHandedOverAsItsValue() {
        assertEquals("out", handover.handOver(CompletableFuture.completedFuture("out")));
        assertNull(handover.handOver(CompletableFuture.completedFuture(null)));
        assertEquals(0, handover.outstanding());
    }

    @Test
    void aFailedFutureIsHandedOverAsAFutureThatFailsAlike() {
        IllegalStateException why = new IllegalStateException("guest trapped");
        Object handed = handover.handOver(CompletableFuture.failedFuture(why));
        CompletableFuture<?> future = assertInstanceOf(CompletableFuture.class, handed);
        CompletionException thrown =
                org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class, future::join);
        assertSame(why, thrown.getCause());
        assertEquals(1, handover.outstanding());
    }

    @Test
    void whileAFutureIsOutstandingACompletedOutputWaitsBehindIt() throws Exception {
        CompletableFuture<String> publishing = new CompletableFuture<>();
        CompletableFuture<?> first = assertInstanceOf(CompletableFuture.class, handover.handOver(publishing));
        CompletableFuture<?> second =
                assertInstanceOf(CompletableFuture.class, handover.handOver(CompletableFuture.completedFuture("b")));
        assertEquals(2, handover.outstanding());
        ExecutorService pulsarThread = Executors.newSingleThreadExecutor();
        try {
            List<Object> dealtWith = Collections.synchronizedList(new ArrayList<>());
            first.whenCompleteAsync((value, failure) -> dealtWith.add(value), pulsarThread);
            second.whenCompleteAsync((value, failure) -> dealtWith.add(value), pulsarThread);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> handover.outstanding() == 1);
            assertInstanceOf(CompletableFuture.class, handover.handOver(CompletableFuture.completedFuture("c")));
            publishing.complete("a");
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> handover.outstanding() == 1);
            assertEquals(List.of("b", "a"), dealtWith); // the action Pulsar registered ran for each
        } finally {
            pulsarThread.shutdownNow();
        }
    }

    @Test
    void aFutureOnWhichPulsarNeverActsKeepsEveryLaterOutputAFuture() {
        handover.handOver(
                CompletableFuture.completedFuture("unseen").thenApply(v -> v).toCompletableFuture());
        assertEquals(0, handover.outstanding()); // a completed future still goes as its value
        handover.handOver(new CompletableFuture<String>());
        for (int i = 0; i < 3; i++) {
            assertInstanceOf(CompletableFuture.class, handover.handOver(CompletableFuture.completedFuture("x" + i)));
        }
        assertEquals(4, handover.outstanding());
    }

    /**
     * Pulsar 4.0.8's {@code JavaInstance} as it treats what {@code process} returns, written out
     * here: a value is sent at once from the instance's thread; a future joins a queue in input
     * order, and when it completes an action on a single-thread executor sends every completed
     * output at the queue's head. Outputs of 2,000 inputs, a random third of them completing later
     * (a guest's publish waiting for the broker), leave in input order.
     */
    @Test
    void outputsLeaveInInputOrderWhateverCompletesWhen() throws Exception {
        ExecutorService pulsarThread = Executors.newSingleThreadExecutor();
        ExecutorService broker = Executors.newSingleThreadExecutor();
        List<Object> sent = Collections.synchronizedList(new ArrayList<>());
        Deque<CompletableFuture<?>> queue = new ArrayDeque<>();
        Object lock = new Object();
        Random random = new Random(42);
        try {
            for (int i = 0; i < 2000; i++) {
                CompletableFuture<Object> output = new CompletableFuture<>();
                String value = "out-" + i;
                if (random.nextInt(3) == 0) {
                    broker.execute(() -> output.complete(value));
                } else {
                    output.complete(value);
                }
                Object returned = handover.handOver(output);
                if (returned instanceof CompletableFuture<?> future) {
                    synchronized (lock) {
                        queue.add(future);
                    }
                    future.whenCompleteAsync(
                            (v, failure) -> {
                                synchronized (lock) {
                                    while (!queue.isEmpty() && queue.peek().isDone()) {
                                        sent.add(queue.poll().join());
                                    }
                                }
                            },
                            pulsarThread);
                } else {
                    sent.add(returned);
                }
            }
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> sent.size() == 2000);
            List<Object> expected = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                expected.add("out-" + i);
            }
            assertEquals(expected, sent);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> handover.outstanding() == 0);
        } finally {
            pulsarThread.shutdownNow();
            broker.shutdownNow();
        }
    }
}
