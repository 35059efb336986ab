package core

import "parkd/internal/park"

// DefaultPage is the size of a page of a native list when the caller
// names none.
const DefaultPage = 100

// PageLimit checks a page size as every native list does: 0 is
// DefaultPage, else 1 to park.MaxListLimit (EInvalid, field limit).
func PageLimit(limit int) (int, error) {
	switch {
	case limit < 0 || limit > park.MaxListLimit:
		return 0, park.Invalid("limit", "must be between 1 and %d", park.MaxListLimit)
	case limit == 0:
		return DefaultPage, nil
	}
	return limit, nil
}

// Page cuts rows read with a limit one more than limit to a page of
// limit and says whether more follow: a list gives its next only then,
// so a client that follows next never fetches an empty last page.
func Page[T any](rows []T, limit int) ([]T, bool) {
	return rows[:min(len(rows), limit)], len(rows) > limit
}
