package dev.patchbay.agents;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.patchbay.agents.AgentsRig.KEY_A;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Seed 003 §6 over real HTTP: libphonenumber lookups priced from the configured rate table. */
class NumbersApiTest {

    private static AgentsRig rig;

    @BeforeAll
    static void start() throws Exception {
        rig = new AgentsRig(Map.of());
    }

    @AfterAll
    static void stop() {
        rig.close();
    }

    private static AgentsRig.Answer validate(String body) throws Exception {
        return rig.call("POST", "/api/v1/numbers/validate", KEY_A, "agent-n", body);
    }

    @Test
    void seedExampleAnswersEveryFieldOfTheSeed() throws Exception {
        AgentsRig.Answer a = validate("{\"phone_number\":\"+1 415-555-1234\"}");
        assertEquals(200, a.status(), a.body().toString());
        assertEquals(AgentsRig.JSON.readTree("""
                {"valid":true,"phone_number":"+14155551234","country":"US","country_code":"+1",
                 "national_format":"(415) 555-1234","type":"fixed_line_or_mobile","carrier":null,"is_callable":true,
                 "is_emergency":false,"is_premium":false,"estimated_rate":{"per_minute":0.125,"currency":"USD"},
                 "timezone":"America/Los_Angeles"}"""), a.body());
    }

    @Test
    void mobileCarrierLandlineAndOtherCurrency() throws Exception {
        JsonNode gb = validate("{\"phone_number\":\"+447400123456\"}").body();
        assertEquals("mobile", gb.get("type").asText());
        assertEquals("Three", gb.get("carrier").asText());
        assertEquals("07400 123456", gb.get("national_format").asText());
        assertEquals(0.15, gb.get("estimated_rate").get("per_minute").asDouble());
        // Guernsey, Jersey, Man and London keep one time, so the first zone is right for scheduling.
        assertEquals("Europe/Guernsey", gb.get("timezone").asText());
        JsonNode landline = rig.call("POST", "/api/v1/numbers/validate?currency=INR", KEY_A, "agent-n",
                "{\"phone_number\":\"020 7946 0000\",\"country_code\":\"GB\"}").body();
        assertEquals("+442079460000", landline.get("phone_number").asText());
        assertEquals("landline", landline.get("type").asText());
        assertEquals("INR", landline.get("estimated_rate").get("currency").asText());
        assertEquals(6.64, landline.get("estimated_rate").get("per_minute").asDouble(), "0.08 USD at 83 INR");
        JsonNode au = validate("{\"phone_number\":\"+61412345678\"}").body();
        assertEquals("Optus", au.get("carrier").asText());
        assertEquals(true, au.get("timezone").isNull(), "Australian mobiles span zones with different times");
        JsonNode fr = validate("{\"phone_number\":\"+33612345678\"}").body();
        assertEquals("FR", fr.get("country").asText());
        assertEquals(true, fr.get("estimated_rate").isNull(), "France is not in the rate table");
        assertEquals(false, fr.get("is_callable").asBoolean());
    }

    @Test
    void emergencyPremiumAndInvalidNumbersAreNotCallable() throws Exception {
        JsonNode emergency = validate("{\"phone_number\":\"+1911\"}").body();
        assertEquals(false, emergency.get("valid").asBoolean());
        assertEquals(true, emergency.get("is_emergency").asBoolean());
        assertEquals(false, emergency.get("is_callable").asBoolean());
        assertEquals("US", emergency.get("country").asText());
        JsonNode uk999 = validate("{\"phone_number\":\"999\",\"country_code\":\"GB\"}").body();
        assertEquals(true, uk999.get("is_emergency").asBoolean());
        assertEquals("+44999", uk999.get("phone_number").asText());
        JsonNode premium = validate("{\"phone_number\":\"+19005551234\"}").body();
        assertEquals(true, premium.get("valid").asBoolean());
        assertEquals("premium_rate", premium.get("type").asText());
        assertEquals(true, premium.get("is_premium").asBoolean());
        assertEquals(0.10, premium.get("estimated_rate").get("per_minute").asDouble());
        assertEquals(false, premium.get("is_callable").asBoolean(), "calls/initiate refuses premium-rate numbers");
        JsonNode tollFree = validate("{\"phone_number\":\"+18005551234\"}").body();
        assertEquals("toll_free", tollFree.get("type").asText());
        assertEquals(true, tollFree.get("timezone").isNull());
        JsonNode invalid = validate("{\"phone_number\":\"+15555555\"}").body();
        assertEquals(AgentsRig.JSON.readTree("""
                {"valid":false,"phone_number":"+15555555","country":"US","country_code":"+1",
                 "national_format":"555-5555","type":null,"carrier":null,"is_callable":false,
                 "is_emergency":false,"is_premium":false,"estimated_rate":null,"timezone":null}"""), invalid);
    }

    @Test
    void notAPhoneNumberIs422NamingTheField() throws Exception {
        for (String body : new String[] {"{\"phone_number\":\"hello\"}", "{\"phone_number\":\"4155551234\"}", "{}"}) {
            AgentsRig.Answer a = validate(body);
            assertEquals(422, a.status(), body);
            assertEquals("application/problem+json", a.headers().firstValue("Content-Type").orElse(""));
            assertEquals("phone_number", a.body().get("errors").get(0).get("field").asText(), body);
        }
        AgentsRig.Answer currency = validate("{\"phone_number\":\"+14155551234\",\"currency\":\"EUR\"}");
        assertEquals(422, currency.status());
        assertEquals("currency", currency.body().get("errors").get(0).get("field").asText());
        AgentsRig.Answer region = validate("{\"phone_number\":\"4155551234\",\"country_code\":\"XX\"}");
        assertEquals(422, region.status());
        assertEquals("country_code", region.body().get("errors").get(0).get("field").asText());
        assertEquals(401, rig.call("POST", "/api/v1/numbers/validate", null, null, "{\"phone_number\":\"+14155551234\"}")
                .status());
    }

    @Test
    void ratesByCountryInTheSeedShape() throws Exception {
        AgentsRig.Answer us = rig.call("GET", "/api/v1/numbers/rates?country_code=US&currency=USD", KEY_A, "agent-n", null);
        assertEquals(200, us.status());
        assertEquals(AgentsRig.JSON.readTree("""
                {"country":"United States","country_code":"US","dial_prefix":"+1",
                 "rates":{"mobile":{"per_minute":0.125,"currency":"USD"},"landline":{"per_minute":0.1,"currency":"USD"}}}"""),
                us.body());
        JsonNode in = rig.call("GET", "/api/v1/numbers/rates?country_code=in&currency=INR", KEY_A, "agent-n", null).body();
        assertEquals("India", in.get("country").asText());
        assertEquals("+91", in.get("dial_prefix").asText());
        assertEquals(2.49, in.get("rates").get("mobile").get("per_minute").asDouble(), "0.03 USD at 83 INR");
        AgentsRig.Answer fr = rig.call("GET", "/api/v1/numbers/rates?country_code=FR", KEY_A, "agent-n", null);
        assertEquals(404, fr.status());
        assertEquals("country_code", fr.body().get("errors").get(0).get("field").asText());
        AgentsRig.Answer bad = rig.call("GET", "/api/v1/numbers/rates?country_code=US&currency=EUR", KEY_A, "agent-n", null);
        assertEquals(422, bad.status());
        assertEquals("currency", bad.body().get("errors").get(0).get("field").asText());
        AgentsRig.Answer missing = rig.call("GET", "/api/v1/numbers/rates", KEY_A, "agent-n", null);
        assertEquals(422, missing.status());
        assertEquals("country_code", missing.body().get("errors").get(0).get("field").asText());
    }
}
