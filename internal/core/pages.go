package core

import (
	"strconv"

	"parkd/internal/park"
)

// DefaultPage is the size of a page of a native list when the caller
// names none.
const DefaultPage = 100

// PageLimit checks a page size as every native list does: 0 is
// DefaultPage, else 1 to park.MaxListLimit (EInvalid, field limit).
func PageLimit(limit int) (int, error) {
	switch {
	case limit < 0 || limit > park.MaxListLimit:
		return 0, limitRange()
	case limit == 0:
		return DefaultPage, nil
	}
	return limit, nil
}

func limitRange() error {
	return LimitRange(park.MaxListLimit)
}

// LimitRange is the refusal of a page size outside 1 to most.
func LimitRange(most int) *park.Error {
	return park.Invalid("limit", "must be a whole number between 1 and %d", most).Because(park.ReasonRange, "1", strconv.Itoa(most))
}

// QueryLimit reads a page size as a caller wrote it ("": none, 0, so
// DefaultPage). One it names must be a whole number 1 to
// park.MaxListLimit: an explicit 0 asks for no page parkd gives, and is
// refused rather than taken for the default.
func QueryLimit(v string) (int, error) {
	n, err := QueryLimitUpTo(v, park.MaxListLimit)
	if err != nil || n == 0 {
		return 0, err
	}
	return PageLimit(n)
}

// QueryLimitUpTo reads a page size of a list whose pages hold at most
// most ("": 0, the list's default): every list refuses one alike, a text
// that is no whole number as format, a number out of 1..most as range.
func QueryLimitUpTo(v string, most int) (int, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, park.Invalid("limit", "must be a whole number between 1 and %d, not %q", most, v).Because(park.ReasonFormat)
	}
	if n < 1 || n > most {
		return 0, LimitRange(most)
	}
	return n, nil
}

// Page cuts rows read with a limit one more than limit to a page of
// limit and says whether more follow: a list gives its next only then,
// so a client that follows next never fetches an empty last page.
func Page[T any](rows []T, limit int) ([]T, bool) {
	return rows[:min(len(rows), limit)], len(rows) > limit
}
