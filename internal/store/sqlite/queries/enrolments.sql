-- name: PutEnrolment :execrows
INSERT INTO enrolments (partner_id, plate_key, plate, created_at) VALUES (?, ?, ?, ?)
ON CONFLICT (partner_id, plate_key) DO NOTHING;

-- name: GetEnrolment :one
SELECT plate, created_at FROM enrolments WHERE partner_id = ? AND plate_key = ?;

-- name: DeleteEnrolment :execrows
DELETE FROM enrolments WHERE partner_id = ? AND plate_key = ?;

-- name: ListEnrolments :many
SELECT * FROM enrolments WHERE partner_id = ? ORDER BY plate;

-- name: FindEnrolment :one
SELECT e.partner_id, e.plate_key, e.plate, e.created_at, s.id AS subscription_id
FROM enrolments e
JOIN partner_lots pl ON pl.partner_id = e.partner_id AND pl.lot_code = sqlc.arg(lot_code)
JOIN subscriptions s ON s.partner_id = e.partner_id AND s.report = 'sensorless_exit' AND s.enabled = 1
WHERE e.plate_key = sqlc.arg(plate_key)
ORDER BY e.created_at, e.partner_id, s.id
LIMIT 1;
