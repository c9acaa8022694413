package dev.patchbay.admin.http;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import dev.patchbay.rest.FieldError;
import dev.patchbay.rest.ProblemException;
import io.helidon.webserver.http.ServerRequest;

/**
 * One page of a list, keyset-paginated by {@code (created_at, id)}: stable while rows are added
 * or removed, and as cheap on page 1000 as on page 1, which OFFSET is not. The cursor is opaque
 * to clients (base64url) but is only the last row's sort key, so it holds nothing secret.
 *
 * @param limit     rows per page
 * @param afterTime sort key of the last row already seen; {@link #START} for the first page
 * @param afterId   id of that row; empty for the first page
 */
public record PageRequest(int limit, Instant afterTime, String afterId) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;
    /** Before every row: the first page asks for rows after it. */
    public static final Instant START = Instant.parse("1970-01-01T00:00:00Z");

    private static final String VERSION = "c1|";

    public static PageRequest first(int limit) {
        return new PageRequest(limit, START, "");
    }

    /** {@code ?limit=&cursor=}; 400 naming the parameter when either is malformed. */
    public static PageRequest from(ServerRequest req) {
        List<FieldError> errors = new ArrayList<>();
        int limit = DEFAULT_LIMIT;
        Optional<String> rawLimit = req.query().first("limit").asOptional();
        if (rawLimit.isPresent()) {
            try {
                limit = Integer.parseInt(rawLimit.get());
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                errors.add(new FieldError("limit", "must be a whole number from 1 to " + MAX_LIMIT));
            }
        }
        PageRequest page = first(limit);
        Optional<String> cursor = req.query().first("cursor").asOptional().filter(c -> !c.isEmpty());
        if (cursor.isPresent()) {
            page = decode(cursor.get(), limit).orElse(null);
            if (page == null) {
                errors.add(new FieldError("cursor", "is not a cursor this API issued; pass next_cursor of the previous page"
                        + " as it was, or leave it out for the first page"));
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest("the paging parameters are not valid", errors);
        }
        return page;
    }

    /** Rows the query should fetch: one more than the page, to learn whether another page follows. */
    public int fetch() {
        return limit + 1;
    }

    /** Cuts the fetched rows to a page and makes the cursor of the next one. */
    public <T> Page<T> page(List<T> fetched, Function<T, Instant> createdAt, Function<T, String> id) {
        if (fetched.size() <= limit) {
            return new Page<>(fetched, null);
        }
        List<T> items = fetched.subList(0, limit);
        T last = items.get(limit - 1);
        return new Page<>(List.copyOf(items), encode(createdAt.apply(last), id.apply(last)));
    }

    private static String encode(Instant at, String id) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((VERSION + at + "|" + id).getBytes(StandardCharsets.UTF_8));
    }

    private static Optional<PageRequest> decode(String cursor, int limit) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (!text.startsWith(VERSION)) {
                return Optional.empty();
            }
            String[] parts = text.substring(VERSION.length()).split("\\|", 2);
            return parts.length == 2 && !parts[1].isEmpty()
                    ? Optional.of(new PageRequest(limit, Instant.parse(parts[0]), parts[1])) : Optional.empty();
        } catch (IllegalArgumentException | DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** A page of rows; {@code nextCursor} is null on the last page. */
    public record Page<T>(List<T> items, String nextCursor) {
    }
}
