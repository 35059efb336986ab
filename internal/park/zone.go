package park

import (
	"strings"
	"sync"
	"time"
)

var zones sync.Map // name -> *time.Location

// LoadLocation loads an IANA zone once and caches it; "Local" and "" are
// refused because a lot's rules must not depend on the server's setting.
func LoadLocation(name string) (*time.Location, error) {
	if v, ok := zones.Load(name); ok {
		return v.(*time.Location), nil
	}
	if name == "" || name == "Local" || strings.ContainsAny(name, " \\") {
		return nil, Invalid("timezone", "unknown IANA time zone %q", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, Invalid("timezone", "unknown IANA time zone %q", name)
	}
	zones.Store(name, loc)
	return loc, nil
}
