package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"parkd/internal/config"
	"parkd/internal/httpapi"
	"parkd/internal/operators"
	"parkd/internal/park"
	"parkd/internal/system"
	"parkd/internal/web"
)

// mountConsole serves the operator's console at /console/, and sends a
// browser that asks for / there.
func mountConsole(h *httpapi.Server, svc *system.System, log *slog.Logger) *web.Console {
	c := web.New(web.Config{System: svc, Log: log.With("component", "console")})
	h.Mount(web.Prefix, c)
	h.Mount("GET /{$}", http.RedirectHandler(web.Prefix, http.StatusFound))
	return c
}

// AddUser creates a console operator from the command line
// (`parkd user add`), audited as the command line's change; the database
// is migrated first, so it works on a fresh data folder.
func AddUser(ctx context.Context, c *config.Config, log *slog.Logger, in operators.NewOperator) (*park.Operator, error) {
	// Refused input creates no data folder or database.
	if err := in.Check(); err != nil {
		return nil, err
	}
	unlock, err := LockDatabase(c, "parkd user add")
	if errors.Is(err, ErrInUse) {
		return nil, fmt.Errorf("%w, or add the user while it runs: POST /v1/users, or the console's People page", err)
	}
	if err != nil {
		return nil, err
	}
	defer unlock()
	store, err := OpenStore(ctx, c, log)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	svc := system.New(systemConfig(store, log, nil, nil))
	o, err := svc.Operators.Add(ctx, "command-line", in)
	if err != nil {
		return nil, err
	}
	return o, nil
}
