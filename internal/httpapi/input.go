package httpapi

import (
	"strconv"
	"strings"
	"time"

	"parkd/internal/park"
)

// parseTime reads an RFC 3339 time and names the field when it is wrong.
// Leap seconds (":60") are refused by the parser, so no duration built from
// input can be off by one.
func parseTime(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, park.Invalid(field, "is required (RFC 3339, e.g. 2026-11-23T08:30:00+08:00)").Because(park.ReasonRequired)
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, park.Invalid(field, "must be an RFC 3339 time with an offset, e.g. 2026-11-23T08:30:00+08:00").Because(park.ReasonFormat)
	}
	if err := park.CheckYear(field, t); err != nil {
		return time.Time{}, err
	}
	return t.UTC().Truncate(park.Precision), nil
}

// queryTime reads an RFC 3339 time from a query string. There a '+'
// reads as a space, so an offset such as +08:00 written as it is arrives
// as " 08:00": the error says to escape it, not only that the time is
// wrong, which the caller wrote it right.
func queryTime(field, s string) (time.Time, error) {
	t, err := parseTime(field, s)
	if err != nil && strings.Contains(s, " ") {
		return time.Time{}, park.Invalid(field, "must be an RFC 3339 time; in a query string a '+' reads as a space: write the offset's '+' as %%2B (e.g. 2026-11-23T08:30:00%%2B08:00), or give the time in UTC with Z").Because(park.ReasonFormat)
	}
	return t, err
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
