package dev.patchbay.control.model;

import java.time.Instant;

/** One line of a call's history: a state it entered, or something that happened to it. */
public record CallEvent(Instant at, String type, String detail) { }
