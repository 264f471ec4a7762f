-- Action items were never given a service, so the board's Service column and filter found none.
-- New items take their incident's first service; this files the existing ones the same way.
UPDATE "action_items" AS a
SET "service" = i."services"[1]
FROM "incidents" AS i
WHERE a."incident_key" = i."key" AND a."service" IS NULL AND cardinality(i."services") > 0;
