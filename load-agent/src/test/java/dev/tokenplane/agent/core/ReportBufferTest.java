package dev.tokenplane.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReportBufferTest {

    @Test
    void shouldDropTheOldestWhenFullAndCountIt() {
        ReportBuffer<String> buffer = new ReportBuffer<>(3);
        buffer.offer("r1");
        buffer.offer("r2");
        buffer.offer("r3");

        assertThat(buffer.offer("r4")).contains("r1");
        assertThat(buffer.offer("r5")).contains("r2");

        assertThat(buffer.size()).isEqualTo(3);
        assertThat(buffer.dropped()).isEqualTo(2);
        assertThat(buffer.peek()).contains("r3");
    }

    @Test
    void shouldKeepOrderWhileNotFull() {
        ReportBuffer<String> buffer = new ReportBuffer<>(10);
        assertThat(buffer.offer("a")).isEmpty();
        buffer.offer("b");

        assertThat(buffer.peek()).contains("a");
        assertThat(buffer.removeIfOldest("a")).isTrue();
        assertThat(buffer.peek()).contains("b");
        assertThat(buffer.dropped()).isZero();
    }

    @Test
    void shouldNotRemoveAReportThatWasDroppedWhileBeingSent() {
        // Given r1 is being sent, When the buffer overflows and drops r1
        ReportBuffer<String> buffer = new ReportBuffer<>(1);
        buffer.offer("r1");
        buffer.offer("r2");

        // Then the send's completion must not remove r2
        assertThat(buffer.removeIfOldest("r1")).isFalse();
        assertThat(buffer.peek()).contains("r2");
    }
}
