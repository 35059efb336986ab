package httpapi

import (
	"strconv"
	"time"

	"parkd/internal/park"
)

// parseTime reads an RFC 3339 time and names the field when it is wrong.
// Leap seconds (":60") are refused by the parser, so no duration built from
// input can be off by one.
func parseTime(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, park.Invalid(field, "is required (RFC 3339, e.g. 2026-11-23T08:30:00+08:00)")
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, park.Invalid(field, "must be an RFC 3339 time with an offset, e.g. 2026-11-23T08:30:00+08:00")
	}
	if err := park.CheckYear(field, t); err != nil {
		return time.Time{}, err
	}
	return t.UTC().Truncate(park.Precision), nil
}

// optTime parses an optional time field.
func optTime(field string, s *string, dst *time.Time) error {
	if s == nil {
		return nil
	}
	t, err := parseTime(field, *s)
	if err != nil {
		return err
	}
	*dst = t
	return nil
}

func queryInt(field, s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, park.Invalid(field, "must be a non-negative integer")
	}
	return n, nil
}

func fmtTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func fmtTimePtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := fmtTime(*t)
	return &s
}
