-- +goose Up
-- How a session ended (normal or abnormal, park.ChargeSession.Outcome), so
-- orders can be listed by it: the end reason lives in the JSON. Sessions
-- that ended before this migration get it from their end reason.
ALTER TABLE charge_sessions ADD COLUMN outcome TEXT NOT NULL DEFAULT '';
UPDATE charge_sessions SET outcome = CASE
    WHEN status = 'ended' AND json_extract(data, '$.end_reason') IN (1, 2, 3, 6, 12, 18) THEN 'normal'
    WHEN status IN ('ended', 'failed') THEN 'abnormal'
    ELSE '' END;

-- +goose Down
ALTER TABLE charge_sessions DROP COLUMN outcome;
