-- +goose Up
-- A charging session's meter readings, out of the session's row: a
-- MeterValues rewrote that row whole, 70 KB after 16 hours at a reading
-- a minute. Readings are kept in chunks of about 60 (a row each would
-- make billing a long session read hundreds of rows): readings holds
-- "at,energy_wh,power_w;" for each, at in microseconds, in no set order;
-- n counts them. A reading is added to the session's last chunk, or
-- starts a new one when that is full.
CREATE TABLE charge_readings (
    session_id TEXT COLLATE "C" NOT NULL REFERENCES charge_sessions (id),
    chunk      BIGINT NOT NULL,
    n          BIGINT NOT NULL,
    readings   TEXT   NOT NULL,
    PRIMARY KEY (session_id, chunk)
);

-- The readings sessions held until now, out of their rows' data.
INSERT INTO charge_readings (session_id, chunk, n, readings)
SELECT id, chunk, count(*), string_agg(rec, '')
FROM (SELECT s.id,
             (row_number() OVER (PARTITION BY s.id ORDER BY r.i) - 1) / 60 AS chunk,
             (extract(epoch FROM (r.v ->> 'at')::timestamptz) * 1000000)::bigint
             || ',' || (r.v ->> 'energy_wh') || ',' || coalesce(r.v ->> 'power_w', '0') || ';' AS rec
      FROM charge_sessions s, jsonb_array_elements(s.data::jsonb -> 'readings') WITH ORDINALITY r (v, i)
      WHERE jsonb_typeof(s.data::jsonb -> 'readings') = 'array') x
GROUP BY id, chunk;
UPDATE charge_sessions SET data = (data::jsonb - 'readings')::text WHERE data::jsonb ? 'readings';

-- +goose Down
UPDATE charge_sessions s
SET data = jsonb_set(s.data::jsonb, '{readings}', (
    SELECT jsonb_agg(jsonb_build_object(
               'at', to_char(to_timestamp(split_part(rec, ',', 1)::bigint / 1000000.0) AT TIME ZONE 'UTC',
                             'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
               'energy_wh', split_part(rec, ',', 2)::bigint, 'power_w', split_part(rec, ',', 3)::bigint)
           ORDER BY split_part(rec, ',', 1)::bigint, split_part(rec, ',', 2)::bigint)
    FROM charge_readings c, string_to_table(rtrim(c.readings, ';'), ';') rec
    WHERE c.session_id = s.id))::text
WHERE s.id IN (SELECT session_id FROM charge_readings);
DROP TABLE charge_readings;
