package app

import (
	"log/slog"
	"net/http"

	"parkd/internal/deliveries"
	"parkd/internal/dialect/ebopark"
	"parkd/internal/dialect/linkc"
	"parkd/internal/dialect/lvcchong"
	"parkd/internal/dialect/top"
	"parkd/internal/system"
)

// dialect is a partner API parkd serves: its name (what a partner is
// created with), the sign modes its partners may use (the default first;
// none when the dialect does not sign requests, so its partners hold no
// secret), the currency its partners' lots must price in when it writes
// amounts in one, how it mounts its routes, and, when it pushes reports
// to its partners, its format. Registering one here is all it takes; the
// core knows no dialect by name.
type dialect struct {
	name      string
	signModes []string
	demoSigns []string // sign modes only the demo data set gives
	currency  string   // "": its partners' lots may price in any currency
	mount     func(sys *system.System, log *slog.Logger, mount func(string, http.Handler))
	format    deliveries.Formatter
}

var dialects = []dialect{
	{name: linkc.Name, // integrators sign in with a password; requests carry a bearer token
		currency: linkc.Currency,
		mount: func(sys *system.System, log *slog.Logger, mount func(string, http.Handler)) {
			linkc.New(linkc.Config{Service: sys, Log: log}).Mount(mount)
		}},
	{name: ebopark.Name, signModes: []string{ebopark.SignHMAC, ebopark.SignMD5}, demoSigns: []string{ebopark.SignStatic},
		currency: ebopark.Currency,
		mount: func(sys *system.System, log *slog.Logger, mount func(string, http.Handler)) {
			ebopark.New(ebopark.Config{Service: sys, Log: log}).Mount(mount)
		},
		format: ebopark.Reports{}},
	{name: lvcchong.Name, signModes: []string{lvcchong.SignToken}, // apps exchange appId and appSecret for a token
		mount: func(sys *system.System, log *slog.Logger, mount func(string, http.Handler)) {
			lvcchong.New(lvcchong.Config{Service: sys, Log: log}).Mount(mount)
		},
		format: lvcchong.Reports{}},
	// Rental sales channels over the Taobao Open Platform: their partners
	// are made by the rental subsystem (docs/rental.md).
	{name: top.Name, signModes: top.SignMethods(),
		mount: func(sys *system.System, log *slog.Logger, mount func(string, http.Handler)) {
			top.New(top.Config{Rental: sys.Rental, Log: log, Now: sys.Gate.Now}).Mount(mount)
		},
		format: top.Reports{}},
}

// DialectNames lists the partner APIs parkd serves.
func DialectNames() []string {
	names := make([]string, len(dialects))
	for i, d := range dialects {
		names[i] = d.name
	}
	return names
}

// DialectSignModes lists, per dialect parkd serves, the sign modes its
// partners may use, the default first (none: the dialect does not sign).
func DialectSignModes() map[string][]string {
	modes := make(map[string][]string, len(dialects))
	for _, d := range dialects {
		modes[d.name] = d.signModes
	}
	return modes
}

// DialectDemoSignModes lists, per dialect, the sign modes only the demo
// data set may give (a vendor's public test sign).
func DialectDemoSignModes() map[string][]string {
	modes := map[string][]string{}
	for _, d := range dialects {
		if len(d.demoSigns) > 0 {
			modes[d.name] = d.demoSigns
		}
	}
	return modes
}

// DialectCurrencies lists, per dialect that writes amounts in one
// currency, the currency its partners' lots must price in.
func DialectCurrencies() map[string]string {
	out := map[string]string{}
	for _, d := range dialects {
		if d.currency != "" {
			out[d.name] = d.currency
		}
	}
	return out
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
