package dev.tokenplane.bms.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.bms.decide.Decision;
import dev.tokenplane.bms.http.DecisionRoutes.AcquireBody;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The streaming JSON of a single decision against databind's ({@link Json}): every body is accepted with the same
 * values or refused with the same exception as {@link Json#read}, and every decision is written in the same bytes as
 * {@link Json#write}.
 */
class DecisionJsonTest {

    @Example
    void plainAndUnusualBodiesReadAsDatabindReadsThem() {
        for (String body : List.of(
                "{\"tokens\":1}",
                "{}",
                " { \"tokens\" : 5 , \"maxWaitMs\" : 0 , \"priority\" : \"critical\" } ",
                "{\"priority\":\"low\",\"tokens\":9223372036854775807}",
                "{\"tokens\":null,\"maxWaitMs\":null,\"priority\":null}",
                "{\"tokens\":-1}",
                "{\"tokens\":1.0}",
                "{\"tokens\":\"1\"}",
                "{\"tokens\":true}",
                "{\"tokens\":92233720368547758070}",
                "{\"tokens\":1,\"tokens\":2}",
                "{\"token\":1}",
                "{\"priority\":1}",
                "{\"priority\":[\"low\"]}",
                "{\"tokens\":{}}",
                "{\"tokens\":1} {}",
                "{\"tokens\":1",
                "{tokens:1}",
                "null",
                "[]",
                "1",
                "\"x\"",
                "{\"tokens\":NaN}",
                "{\"tokens\":01}",
                "{\"tokens\":-}",
                "{\"tokens\":-0}",
                "{\"tokens\":1,}",
                "{,}",
                "{ }",
                "{\"tokens\":1e2}",
                "{\"tokens\":nullx}",
                "{\"tokens\":123456789012345678}",
                "{\"tokens\":1234567890123456789}",
                "{\"priority\":\"lo w\"}",
                "{\"priority\":\"l\\u006fw\"}",
                "{\"tok\\u0065ns\":1}",
                "\uFEFF{\"tokens\":1}",
                "\t{\r\n\"maxWaitMs\"\t:\n7}\n",
                "   ")) {
            assertSameAsDatabind(body);
        }
    }

    @Property(tries = 300)
    void anyBodyOfTheFieldsReadsAsDatabindReadsIt(@ForAll("bodies") String body) {
        assertSameAsDatabind(body);
    }

    @Property(tries = 300)
    void aDecisionIsWrittenInTheSameBytesAsDatabindWritesIt(@ForAll("decisions") Decision d) {
        assertThat(DecisionJson.write(d).toString()).isEqualTo(Json.write(d).toString());
    }

    @Provide
    Arbitrary<String> bodies() {
        Arbitrary<String> name = Arbitraries.of("tokens", "maxWaitMs", "priority", "other", "Tokens");
        Arbitrary<String> value = Arbitraries.oneOf(
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.of(
                        "null",
                        "true",
                        "1.5",
                        "1e3",
                        "\"normal\"",
                        "\"low\"",
                        "\"\"",
                        "{}",
                        "[]",
                        "99999999999999999999",
                        "-0",
                        "\"5\"",
                        "01",
                        "-",
                        "nullx",
                        " 3 ",
                        "\"l\\u006fw\""));
        Arbitrary<String> field = Combinators.combine(name, value).as((n, v) -> "\"" + n + "\":" + v);
        return field.list().ofMaxSize(4).map(fs -> "{" + String.join(",", fs) + "}");
    }

    @Provide
    Arbitrary<Decision> decisions() {
        Arbitrary<Boolean> maybe = Arbitraries.of(Boolean.TRUE, Boolean.FALSE).injectNull(0.5);
        // any text (written by Jackson when it needs escaping), and plain printable ASCII (written as bytes)
        Arbitrary<String> text = Arbitraries.oneOf(
                        Arbitraries.strings().ofMaxLength(20),
                        Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(20),
                        Arbitraries.of("bench:one", "tenant-a/key@x", "rule-1"))
                .injectNull(0.1);
        Arbitrary<Long> number = Arbitraries.oneOf(
                Arbitraries.longs(),
                Arbitraries.of(0L, 1L, 9L, 10L, -1L, 999_999_999_999_999_999L, Long.MAX_VALUE, Long.MIN_VALUE));
        Arbitrary<Double> rate = Arbitraries.oneOf(
                Arbitraries.doubles(), Arbitraries.of(1e9, 0.08333333333333333, 5.0, 0.0, 1e-7, 123456.789));
        return Combinators.combine(text, Arbitraries.of(true, false), number, number, number, rate, number, number)
                .flatAs((key, granted, tokens, remaining, capacity, refill, waitMs, retryAfterMs) ->
                        Combinators.combine(number, text, maybe, maybe)
                                .as((borrowed, ruleId, shadow, shadowDenied) -> new Decision(
                                        key,
                                        granted,
                                        tokens,
                                        remaining,
                                        capacity,
                                        refill,
                                        waitMs,
                                        retryAfterMs,
                                        borrowed,
                                        ruleId,
                                        shadow,
                                        shadowDenied)));
    }

    /** The outcome of the streaming read and of databind's: the same values, or the same exception. */
    private static void assertSameAsDatabind(String body) {
        Buffer b = Buffer.buffer(body);
        assertThat(outcome(() -> DecisionJson.readAcquire(b)))
                .as(body)
                .isEqualTo(outcome(() -> Replies.optionalBodyOf(b, AcquireBody.class)));
    }

    private interface Read {
        AcquireBody read() throws Exception;
    }

    private static List<Object> outcome(Read read) {
        List<Object> out = new ArrayList<>();
        try {
            out.add(Objects.requireNonNullElse(read.read(), "no body"));
        } catch (Exception e) {
            out.add(e.getClass());
            out.add(e.getMessage());
        }
        return out;
    }
}
