package app

import (
	"log/slog"
	"net/http"

	"parkd/internal/dialect/ebopark"
	"parkd/internal/dialect/linkc"
	"parkd/internal/system"
)

// dialect is a partner API parkd serves: its name (what a partner is
// created with) and how it mounts its routes. Registering one here is
// all it takes; the core knows no dialect by name.
type dialect struct {
	name  string
	mount func(sys *system.System, log *slog.Logger, mount func(string, http.Handler))
}

var dialects = []dialect{
	{linkc.Name, func(sys *system.System, log *slog.Logger, mount func(string, http.Handler)) {
		linkc.New(linkc.Config{Service: sys, Log: log}).Mount(mount)
	}},
	{ebopark.Name, func(sys *system.System, log *slog.Logger, mount func(string, http.Handler)) {
		ebopark.New(ebopark.Config{Service: sys, Log: log}).Mount(mount)
	}},
}

// DialectNames lists the partner APIs parkd serves.
func DialectNames() []string {
	names := make([]string, len(dialects))
	for i, d := range dialects {
		names[i] = d.name
	}
	return names
}
