package dev.patchbay.control.delivery;

import java.net.InetAddress;
import java.net.URI;
import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every address class, resolved for real (literals and localhost), under the strict and relaxed policies. */
class SsrfGuardTest {

    private final SsrfGuard strict = new SsrfGuard(OutboundPolicy.STRICT);
    private final SsrfGuard permissive = new SsrfGuard(new OutboundPolicy(true, true, true));

    private static String refusal(SsrfGuard guard, String url) {
        return assertInstanceOf(SsrfGuard.Verdict.Refused.class, guard.check(URI.create(url)), url).reason();
    }

    @ParameterizedTest(name = "{0} is {1}, allowed by {2}")
    @CsvSource({
            "http://127.0.0.1/cb, 127.0.0.1, patchbay.control.outbound.allow-loopback",
            "http://127.9.8.7:8080/cb, 127.9.8.7, patchbay.control.outbound.allow-loopback",
            "http://[::1]/cb, 0:0:0:0:0:0:0:1, patchbay.control.outbound.allow-loopback",
            "http://localhost/cb, 127.0.0.1, patchbay.control.outbound.allow-loopback",
            "https://[::ffff:127.0.0.1]/cb, 127.0.0.1, patchbay.control.outbound.allow-loopback",
            "http://10.1.2.3/cb, 10.1.2.3, patchbay.control.outbound.allow-private",
            "http://172.16.0.1/cb, 172.16.0.1, patchbay.control.outbound.allow-private",
            "http://172.31.255.254/cb, 172.31.255.254, patchbay.control.outbound.allow-private",
            "http://192.168.1.1/cb, 192.168.1.1, patchbay.control.outbound.allow-private",
            "http://100.64.0.1/cb, 100.64.0.1, patchbay.control.outbound.allow-private",
            "http://100.127.255.254/cb, 100.127.255.254, patchbay.control.outbound.allow-private",
            "http://[fc00::1]/cb, fc00:0:0:0:0:0:0:1, patchbay.control.outbound.allow-private",
            "http://[fd12:3456::1]/cb, fd12:3456:0:0:0:0:0:1, patchbay.control.outbound.allow-private",
            "http://[::ffff:10.0.0.1]/cb, 10.0.0.1, patchbay.control.outbound.allow-private",
            "http://[64:ff9b::a00:1]/cb, 64:ff9b:0:0:0:0:a00:1, patchbay.control.outbound.allow-private",
            "http://169.254.1.1/cb, 169.254.1.1, patchbay.control.outbound.allow-link-local",
            "http://[fe80::1]/cb, fe80:0:0:0:0:0:0:1, patchbay.control.outbound.allow-link-local",
    })
    void allowableClassesAreRefusedByDefaultNamingHostAddressAndKey(String url, String address, String key) {
        String reason = refusal(strict, url);
        String host = URI.create(url).getHost().replace("[", "").replace("]", "");
        assertTrue(reason.contains("'" + host + "'"), reason);
        assertTrue(reason.contains(address), reason);
        assertTrue(reason.contains(key + "=true"), reason);
        assertInstanceOf(SsrfGuard.Verdict.Allowed.class, permissive.check(URI.create(url)), url);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://169.254.169.254/latest/meta-data/",   // cloud metadata
            "http://[::ffff:169.254.169.254]/",          // the same, IPv4-mapped
            "http://[fd00:ec2::254]/",                   // AWS IPv6 metadata
            "http://0.0.0.0/", "http://[::]/",          // unspecified: Linux connects these to itself
            "http://224.0.0.1/", "http://[ff02::1]/",   // multicast
            "http://255.255.255.255/", "http://240.0.0.1/"})
    void someClassesAreNeverAllowed(String url) {
        String reason = refusal(permissive, url);
        assertTrue(reason.contains("never allowed"), reason);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://8.8.8.8/cb", "https://1.1.1.1/cb", "https://[2606:4700:4700::1111]/cb",
            "http://172.32.0.1/cb", "http://100.128.0.1/cb", "http://192.169.0.1/cb", "http://172.15.255.255/"})
    void publicAddressesPass(String url) {
        SsrfGuard.Verdict.Allowed ok = assertInstanceOf(SsrfGuard.Verdict.Allowed.class, strict.check(URI.create(url)));
        assertEquals(1, ok.addresses().size());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ftp://example.com/cb | scheme 'ftp'",
            "file:///etc/passwd | scheme 'file'",
            "gopher://example.com:70/ | scheme 'gopher'",
            "https://user:secret@example.com/cb | userinfo",
            "https://user@8.8.8.8/cb | userinfo",
            "http:///cb | no valid host"})
    void badUrlsAreRefusedBeforeAnyLookup(String url, String expected) {
        String reason = refusal(strict, url);
        assertTrue(reason.contains(expected), reason);
        assertTrue(!reason.contains("secret"), "the password never reaches a log: " + reason);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://2130706433/", "http://0x7f.0.0.1/", "http://127.1/", "http://017700000001/",
            "http://[0:0:0:0:0:ffff:7f00:1]/", "http://localhost./", "http://LOCALHOST/"})
    void odderSpellingsOfLoopbackNeverPass(String url) {
        assertFalse(strict.check(URI.create(url)) instanceof SsrfGuard.Verdict.Allowed, url + " is refused or unresolved");
    }

    @Test
    void everyResolvedAddressCountsNotJustTheFirst() {
        SsrfGuard guard = new SsrfGuard(OutboundPolicy.STRICT, host -> new InetAddress[] {
                InetAddress.getByName("8.8.8.8"), InetAddress.getByName("10.0.0.7")});
        String reason = refusal(guard, "https://rebind.example/cb");
        assertTrue(reason.contains("'rebind.example'") && reason.contains("10.0.0.7"), reason);
    }

    @Test
    void unknownHostIsUnresolvedNotRefused() {
        assertInstanceOf(SsrfGuard.Verdict.Unresolved.class, strict.check(URI.create("https://no-such-host.invalid/cb")));
    }

    @Test
    void webSocketUrlsAreCheckedWithTheirOwnSchemes() {
        assertInstanceOf(SsrfGuard.Verdict.Allowed.class,
                strict.check(URI.create("wss://8.8.8.8/stream"), SsrfGuard.WEBSOCKET_SCHEMES));
        assertInstanceOf(SsrfGuard.Verdict.Refused.class,
                strict.check(URI.create("wss://127.0.0.1/stream"), SsrfGuard.WEBSOCKET_SCHEMES));
        assertInstanceOf(SsrfGuard.Verdict.Refused.class, strict.check(URI.create("wss://8.8.8.8/stream")));
    }

    /** {@code values} over the shipped application.yaml in production mode. */
    private static Config config(Map<String, String> values) {
        return Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .addSource(ConfigSources.create(values))
                .addSource(ConfigSources.create(Map.of("patchbay.local", "false")))
                .addSource(ConfigSources.file(java.nio.file.Path.of("src/main/resources/application.yaml"))).build();
    }

    @Test
    void loopbackFollowsLocalModeUnlessSet() {
        assertEquals(new OutboundPolicy(true, false, false), OutboundPolicy.from(config(Map.of("patchbay.local", "true"))));
        assertEquals(OutboundPolicy.STRICT, OutboundPolicy.from(config(Map.of("patchbay.local", "false"))));
        assertEquals(OutboundPolicy.STRICT, OutboundPolicy.from(config(Map.of())));
        assertEquals(OutboundPolicy.STRICT, OutboundPolicy.from(config(Map.of("patchbay.local", "true",
                "patchbay.control.outbound.allow-loopback", "false"))));
        assertEquals(new OutboundPolicy(false, true, true), OutboundPolicy.from(config(Map.of(
                "patchbay.control.outbound.allow-private", "true", "patchbay.control.outbound.allow-link-local", "true"))));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> OutboundPolicy.from(config(Map.of(
                "patchbay.control.outbound.allow-private", "yes"))));
        assertTrue(e.getMessage().contains("patchbay.control.outbound.allow-private"), e.getMessage());
    }

    @Test
    void shippedDefaultsAllowOnlyLoopbackAndOnlyInLocalMode() {
        Config shipped = Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .addSource(ConfigSources.file(java.nio.file.Path.of("src/main/resources/application.yaml"))).build();
        assertEquals(new OutboundPolicy(true, false, false), OutboundPolicy.from(shipped));
        Config production = Config.builder().disableEnvironmentVariablesSource().disableSystemPropertiesSource()
                .addSource(ConfigSources.create(Map.of("patchbay.local", "false")))
                .addSource(ConfigSources.file(java.nio.file.Path.of("src/main/resources/application.yaml"))).build();
        assertEquals(OutboundPolicy.STRICT, OutboundPolicy.from(production));
    }
}
