-- A trunk's codec preference (issue 19: "the ordering is configurable per trunk"), best first, comma
-- separated from G722, opus, PCMU, PCMA; codecs left out are not used on the trunk's calls. NULL keeps
-- Patchbay's default: inbound answers prefer G722, then opus, then PCMU/PCMA in the caller's order;
-- outbound offers PCMU and PCMA. Portable SQL: the same file runs on PostgreSQL and H2.
ALTER TABLE trunks ADD COLUMN codecs VARCHAR(64);
