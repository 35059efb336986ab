package app

import (
	"log/slog"
	"net/http"

	"parkd/internal/deliveries"
	"parkd/internal/dialect/ebopark"
	"parkd/internal/dialect/linkc"
	"parkd/internal/system"
)

// dialect is a partner API parkd serves: its name (what a partner is
// created with), how it mounts its routes, and, when it pushes reports to
// its partners, its format. Registering one here is all it takes; the
// core knows no dialect by name.
type dialect struct {
	name   string
	mount  func(sys *system.System, log *slog.Logger, mount func(string, http.Handler))
	format deliveries.Formatter
}

var dialects = []dialect{
	{linkc.Name, func(sys *system.System, log *slog.Logger, mount func(string, http.Handler)) {
		linkc.New(linkc.Config{Service: sys, Log: log}).Mount(mount)
	}, nil},
	{ebopark.Name, func(sys *system.System, log *slog.Logger, mount func(string, http.Handler)) {
		ebopark.New(ebopark.Config{Service: sys, Log: log}).Mount(mount)
	}, ebopark.Reports{}},
}

// DialectNames lists the partner APIs parkd serves.
func DialectNames() []string {
	names := make([]string, len(dialects))
	for i, d := range dialects {
		names[i] = d.name
	}
	return names
}

// formats are the report formats of the dialects that have one.
func formats() map[string]deliveries.Formatter {
	out := map[string]deliveries.Formatter{}
	for _, d := range dialects {
		if d.format != nil {
			out[d.name] = d.format
		}
	}
	return out
}
