package dev.patchbay.rest;

/** One entry of a problem's {@code errors} array: the request field at fault and what is wrong with it. */
public record FieldError(String field, String detail) {
}
