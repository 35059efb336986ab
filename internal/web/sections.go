package web

import (
	"net/http"
	"time"

	"parkd/internal/operators"
)

// section is a part of the console: its navigation entry and its routes.
// A subsystem adds its pages with one file (handlers, a function that
// returns its section) and its templates, and one line in sections().
type section struct {
	key    string // the navigation label's word (i18n.go)
	href   string // "" for no navigation entry
	routes []route
	// lotPath, when set, puts a link to lots/{code}/<lotPath> on every
	// page of a lot.
	lotPath string
	// visible reports whether an operator sees the navigation entry (nil:
	// everyone signed in); the handlers check access themselves.
	visible func(p *operators.Principal) bool
}

// route is one page or form of a section; h is a method expression of
// *Console, such as (*Console).overview.
type route struct {
	pattern string
	h       func(*Console, http.ResponseWriter, *http.Request, *operators.Principal) error
}

// sections lists the console's sections in navigation order; each
// section's file has its function.
func sections() []section {
	return []section{
		overviewSection(),
		lanesSection(),
		staysSection(),
		tariffSection(),
		accessSection(),
		couponsSection(),
		bookingsSection(),
		devicesSection(),
		chargersSection(),
		anomaliesSection(),
		standardsSection(),
		rentalSection(),
		partnersSection(),
		auditSection(),
	}
}

type lotLink struct{ Key, Path string }

// lotLinks are the links of a lot's pages, in sections' order.
func lotLinks() []lotLink {
	var out []lotLink
	for _, s := range sections() {
		if s.lotPath != "" {
			out = append(out, lotLink{Key: s.key, Path: s.lotPath})
		}
	}
	return out
}

func navFor(p *operators.Principal) []navItem {
	var out []navItem
	for _, s := range sections() {
		if s.href != "" && (s.visible == nil || s.visible(p)) {
			out = append(out, navItem{Key: s.key, Href: s.href})
		}
	}
	return out
}

// formatTime writes an instant in the given IANA zone, to the minute.
func formatTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("2006-01-02 15:04")
}
