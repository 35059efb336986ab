// Package system builds parkd's core: the subsystems over one store, each
// given the others it calls. app wires it for the server; tests, the demo
// data and the load harness build it the same way.
package system

import (
	"log/slog"
	"time"

	"parkd/internal/access"
	"parkd/internal/billing"
	"parkd/internal/charging"
	"parkd/internal/deliveries"
	"parkd/internal/devices"
	"parkd/internal/gate"
	"parkd/internal/operators"
	"parkd/internal/park"
	"parkd/internal/partners"
	"parkd/internal/rental"
	"parkd/internal/spaces"
)

// Metrics is what the subsystems count (app wires Prometheus).
type Metrics interface {
	gate.Metrics
	billing.Metrics
	deliveries.Metrics
	devices.Metrics
}

// Config wires a System.
type Config struct {
	Store    park.Store
	Now      park.Clock   // default time.Now
	Log      *slog.Logger // default: discard
	Metrics  Metrics      // nil: not counted
	Barriers gate.Barriers
	// Dialects names the partner APIs app serves; a partner must speak
	// one of them.
	Dialects []string
	// SignModes are each dialect's sign modes, the default first (see
	// partners.Config.SignModes).
	SignModes map[string][]string
	// DemoSignModes are the sign modes only the demo may give a partner.
	DemoSignModes map[string][]string
	// Currencies are the currency each dialect's partners' lots must
	// price in, for dialects that write amounts in one (see
	// partners.Config.Currencies).
	Currencies map[string]string
	// SignIn limits integrators' sign-ins (zero: the defaults).
	SignIn partners.SignInLimits
	// Formats are the dialects that push reports to their partners, by
	// name (the native format is built in).
	Formats map[string]deliveries.Formatter
	// Deliveries tunes the delivery workers (private addresses, batches).
	Deliveries deliveries.Options
	// RentalDialect is the dialect of rental sales channels ("": none).
	RentalDialect string
	// DeviceProtocols are the lane device protocols app serves.
	DeviceProtocols []string
	// DeviceCalledBack are those of them whose barriers parkd moves by
	// calling the device back at its addr.
	DeviceCalledBack []string
	// DeviceSerials give each protocol's serials their one form.
	DeviceSerials map[string]func(string) string
	// DeviceReplyDeadline bounds a device read's answer (0: the default).
	DeviceReplyDeadline time.Duration
}

// System is parkd's core: one value per subsystem.
type System struct {
	Store      park.Store
	Gate       *gate.Service
	Billing    *billing.Service
	Access     *access.Service
	Spaces     *spaces.Service
	Partners   *partners.Service
	Deliveries *deliveries.Service
	Charging   *charging.Service
	Rental     *rental.Service
	Devices    *devices.Service
	Operators  *operators.Service // the console's people, sessions and audit log
}

// New builds the subsystems over c.Store.
func New(c Config) *System {
	var gm gate.Metrics
	var bm billing.Metrics
	var dm deliveries.Metrics
	var vm devices.Metrics
	if c.Metrics != nil {
		gm, bm, dm, vm = c.Metrics, c.Metrics, c.Metrics, c.Metrics
	}
	acc := access.New(access.Config{Store: c.Store, Now: c.Now, Log: c.Log})
	bil := billing.New(billing.Config{Store: c.Store, Now: c.Now, Log: c.Log, Metrics: bm})
	g := gate.New(gate.Config{Store: c.Store, Now: c.Now, Log: c.Log, Billing: bil, Barriers: c.Barriers, Metrics: gm})
	sys := &System{
		Store: c.Store, Gate: g, Billing: bil, Access: acc,
		Spaces: spaces.New(spaces.Config{Store: c.Store, Now: c.Now, Log: c.Log}),
		Partners: partners.New(partners.Config{Store: c.Store, Now: c.Now, Log: c.Log, Billing: bil, Gate: g, Dialects: c.Dialects,
			SignModes: c.SignModes, DemoSignModes: c.DemoSignModes, Currencies: c.Currencies, SignIn: c.SignIn}),
	}
	sys.Deliveries = deliveries.New(deliveries.Config{Store: c.Store, Now: c.Now, Log: c.Log, Metrics: dm, Formats: c.Formats,
		Options: c.Deliveries, Billing: bil, Anomalies: g})
	g.SetSensorless(sys.Deliveries)
	sys.Charging = charging.New(charging.Config{Store: c.Store, Now: c.Now, Log: c.Log})
	sys.Rental = rental.New(rental.Config{Store: c.Store, Now: c.Now, Log: c.Log, ChannelDialect: c.RentalDialect,
		URLs: sys.Deliveries})
	g.SetRentals(sys.Rental)
	g.SetLotCurrencies(sys.Partners, sys.Rental)
	sys.Devices = devices.New(devices.Config{Store: c.Store, Now: c.Now, Log: c.Log, Gate: g, Lists: acc, Barriers: c.Barriers, Metrics: vm,
		Protocols: c.DeviceProtocols, CalledBack: c.DeviceCalledBack, Serials: c.DeviceSerials, ReplyDeadline: c.DeviceReplyDeadline})
	sys.Operators = operators.New(operators.Config{Store: c.Store, Now: c.Now, Log: c.Log, SignIn: c.SignIn})
	return sys
}
