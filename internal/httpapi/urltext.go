package httpapi

import (
	"net/http"
	"slices"
	"strings"

	"parkd/internal/park"
)

// wildcards lists the names of a route pattern's {wildcards}.
func wildcards(pattern string) []string {
	var names []string
	for _, seg := range strings.Split(pattern, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			names = append(names, strings.TrimSuffix(seg[1:len(seg)-1], "..."))
		}
	}
	return names
}

// checkURLText applies the text rule (park.BadText) to the path's values
// and the query's names and values, naming the first that is wrong: an id
// with a NUL byte is then refused the same way on both stores, before any
// look-up (PostgreSQL would refuse it, SQLite would look it up).
func checkURLText(r *http.Request, names []string) error {
	for _, n := range names {
		if err := park.CheckText(n, r.PathValue(n)); err != nil {
			return err
		}
	}
	q := r.URL.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if err := park.CheckText("query", k); err != nil {
			return err
		}
		for _, v := range q[k] {
			if err := park.CheckText(k, v); err != nil {
				return err
			}
		}
	}
	return nil
}
