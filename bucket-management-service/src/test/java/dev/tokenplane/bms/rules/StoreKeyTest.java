package dev.tokenplane.bms.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class StoreKeyTest {

    @Test
    void shouldStartWithTheCallersKeyAndNameTheRuleAndClient() {
        assertThat(StoreKey.scoped("orders:acme:checkout", "per-client", "acme").encode())
                .isEqualTo("orders:acme:checkout\u001Fper-client\u001Facme");
        assertThat(StoreKey.scoped("orders:acme:checkout", "orders", null).encode())
                .isEqualTo("orders:acme:checkout\u001Forders");
        assertThat(StoreKey.decode("orders:acme:checkout\u001Fper-client\u001Facme"))
                .isEqualTo(new StoreKey("orders:acme:checkout", "per-client", "acme"));
    }

    @Test
    void shouldReadAKeyFromBeforeScopingAsAnUnscopedBucket() {
        assertThat(StoreKey.decode("login:bob")).isEqualTo(new StoreKey("login:bob", null, null));
        assertThat(StoreKey.keyOf("login:bob")).isEqualTo("login:bob");
        assertThat(StoreKey.keyOf("login:bob\u001Flogins\u001Facme")).isEqualTo("login:bob");
    }

    @Test
    void shouldKeepTheFirstAtSignTheCallersSoATenantPartitioningStillSeesTheTenant() {
        String encoded = StoreKey.scoped("route@tenant-a", "r", "x@y").encode();

        assertThat(encoded.substring(encoded.indexOf('@') + 1)).startsWith("tenant-a\u001F");
        assertThat(StoreKey.scoped("route", "r", "x@y").encode()).doesNotContain("@");
        assertThat(StoreKey.decode(encoded).clientId()).isEqualTo("x@y");
    }

    @Test
    void shouldEscapeTheSeparatorSoFieldsCannotBleedIntoEachOther() {
        StoreKey a = StoreKey.scoped("k\u001Fr", "c", null);
        StoreKey b = StoreKey.scoped("k", "r\u001Fc", null);
        StoreKey c = StoreKey.scoped("k", "r", "c");

        assertThat(a.encode()).isNotEqualTo(b.encode()).isNotEqualTo(c.encode());
        assertThat(b.encode()).isNotEqualTo(c.encode());
        assertThat(StoreKey.decode(a.encode())).isEqualTo(a);
        assertThat(StoreKey.decode(b.encode())).isEqualTo(b);
    }

    @Test
    void shouldListAKeysScopesByAPrefixNoOtherKeyHas() {
        String prefix = StoreKey.scopesPrefix("orders:a");

        assertThat(StoreKey.scoped("orders:a", "r", null).encode()).startsWith(prefix);
        assertThat(StoreKey.scoped("orders:ab", "r", null).encode()).doesNotStartWith(prefix);
        // and the scopes of a key sort right after it, before any longer key
        assertThat(StoreKey.scoped("orders:a", "r", "zz").encode()).isLessThan("orders:a!");
    }

    @Test
    void shouldRefuseWhatNoEncodingProduces() {
        assertThatThrownBy(() -> StoreKey.decode("a\u001Fb\u001Fc\u001Fd"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StoreKey.decode("a\u001Fb\u001B9")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StoreKey("k", null, "client")).isInstanceOf(IllegalArgumentException.class);
    }

    @Property
    void encodingIsInjective(@ForAll("storeKeys") StoreKey a, @ForAll("storeKeys") StoreKey b) {
        assertThat(a.encode().equals(b.encode())).isEqualTo(a.equals(b));
    }

    @Property
    void decodingUndoesEncoding(@ForAll("storeKeys") StoreKey key) {
        assertThat(StoreKey.decode(key.encode())).isEqualTo(key);
        assertThat(StoreKey.keyOf(key.encode())).isEqualTo(key.key());
    }

    @Provide
    Arbitrary<StoreKey> storeKeys() {
        // a small alphabet with every special character, so that collisions would be found if there were any
        Arbitrary<String> text = Arbitraries.strings()
                .withChars('a', 'b', '@', ':', '\u001F', '\u001B', '0', '1', '2')
                .ofMaxLength(6);
        Arbitrary<String> rule = Arbitraries.oneOf(text, Arbitraries.just(null));
        return rule.flatMap(r -> r == null
                ? text.map(k -> new StoreKey(k, null, null))
                : net.jqwik.api.Combinators.combine(text, Arbitraries.oneOf(text, Arbitraries.just(null)))
                        .as((k, c) -> new StoreKey(k, r, c)));
    }
}
