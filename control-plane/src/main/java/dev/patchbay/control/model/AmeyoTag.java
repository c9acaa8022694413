package dev.patchbay.control.model;

/**
 * Ameyo's From display split up: the DID in E.164 and as sent, and the CRT Object ID. Stored on the call
 * ({@code calls.ameyo_*}), so it is part of the call's record.
 */
public record AmeyoTag(String did, String didRaw, String crt) { }
