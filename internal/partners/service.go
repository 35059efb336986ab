// Package partners holds the outside systems that use parkd (payment
// apps, malls, property managers, channels): partners and the lots they
// may use, the integrators that sign in for them and their tokens, and
// the use cases partners reach through any dialect: looking a stay up,
// and events a partner delivers.
package partners

import (
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"parkd/internal/billing"
	"parkd/internal/core"
	"parkd/internal/gate"
	"parkd/internal/park"
)

// Service holds the partner use cases.
type Service struct {
	base     core.Base
	billing  *billing.Service
	gate     *gate.Service
	dialects []string
	signs    map[string][]string // dialect -> its sign modes, the default first
	demo     map[string][]string // dialect -> the sign modes only the demo data set may give
	currency map[string]string   // dialect -> the currency its partners' lots must price in
	signIn   *SignInGuard
	auth     sync.Map // authKey -> *authEntry: recently checked partner tokens
	signers  sync.Map // partner id -> *signerEntry: recently read signing partners
}

// Config wires a Service.
type Config struct {
	Store   park.Store
	Now     park.Clock
	Log     *slog.Logger
	Billing *billing.Service
	Gate    *gate.Service
	// Dialects names the APIs a partner may speak: the dialects app
	// registers. A partner of any other dialect is refused.
	Dialects []string
	// SignModes are, per dialect, the sign modes its partners may use,
	// the default first, as each dialect declares them when app
	// registers it. A dialect declared with none does not sign requests,
	// so its partners hold no secret. A dialect of Dialects that is not a
	// key here is not checked (a core built for tests without app's
	// registrations); app declares every dialect it serves.
	SignModes map[string][]string
	// DemoSignModes are, per dialect, the sign modes only the demo data
	// set may give a partner (a vendor's public test sign).
	DemoSignModes map[string][]string
	// Currencies are, per dialect, the currency its partners' lots must
	// price in, as a dialect that writes amounts in one currency declares
	// it when app registers it. A dialect not named here takes lots of
	// any currency.
	Currencies map[string]string
	// SignIn limits integrators' sign-ins on this node (zero fields: the
	// defaults, DefaultSignInLimits).
	SignIn SignInLimits
}

// New returns the partners subsystem.
func New(c Config) *Service {
	signs := make(map[string][]string, len(c.SignModes))
	for d, modes := range c.SignModes {
		signs[d] = slices.Clone(modes)
	}
	s := &Service{base: core.NewBase(c.Store, c.Now, c.Log), billing: c.Billing, gate: c.Gate,
		dialects: slices.Clone(c.Dialects), signs: signs, demo: c.DemoSignModes, currency: maps.Clone(c.Currencies)}
	s.signIn = NewSignInGuard(c.SignIn, s.base.Clock)
	return s
}

// Now is the subsystem's clock (UTC, park.Precision).
func (s *Service) Now() time.Time { return s.base.Clock() }
