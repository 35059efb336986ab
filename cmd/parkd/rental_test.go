package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"parkd/internal/app"
	"parkd/internal/config"
	"parkd/internal/deliveries"
	"parkd/internal/park"
	"parkd/internal/rental"
	"parkd/internal/system"
)

// TestRentalResyncCommand: parkd rental resync queues a channel's whole
// catalogue, shows its progress over the stores, and sums it up.
func TestRentalResyncCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "parkd.db")
	getenv := func(string) string { return "" }
	cfg, err := config.Parse("parkd migrate", []string{"--db", db, "--data", dir}, getenv, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := app.OpenStore(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	// The gateway's name is not looked up: allowed as private webhooks are.
	sys := system.New(system.Config{Store: st, RentalDialect: "fliggy", Deliveries: deliveries.Options{AllowPrivate: true}})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err = sys.Gate.CreateLot(ctx, &park.Lot{Code: "L1", Name: "L1", TimeZone: "Asia/Shanghai", Currency: "CNY", Capacity: 10,
		MissedEntry: park.MissedEntryHold})
	must(err)
	for _, code := range []string{"S1", "S2"} {
		_, err = sys.Rental.PutStore(ctx, park.RentalStore{Code: code, Kind: park.RentalStoreKind, Name: code, Address: "a", Latitude: 30.27, Longitude: 120.15, City: "330100",
			Opens: "08:00", Closes: "20:00", Active: true, LotCode: "L1"})
		must(err)
	}
	_, err = sys.Rental.PutModel(ctx, park.VehicleModel{Code: "M", Name: "M", Seats: 5, Fuel: "petrol", Transmission: "manual"})
	must(err)
	_, err = sys.Rental.PutStoreModel(ctx, park.StoreModel{StoreCode: "S1", ModelCode: "M"})
	must(err)
	_, err = sys.Rental.PutStoreRule(ctx, park.StoreRule{StoreCode: "S2", MinDays: 2, Invoice: true})
	must(err)
	_, err = sys.Rental.PutChannel(ctx, rental.ChannelInput{AppKey: "12345678", Name: "c", Secret: "0123456789abcdef", SignMethod: "md5",
		GatewayURL: "https://gw.example/router/rest", Stores: []string{"S1", "S2"}})
	must(err)
	must(st.Close())

	var out, errOut bytes.Buffer
	code := run([]string{"rental", "resync", "--channel", "12345678", "--db", db, "--data", dir}, getenv, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "2/2 stores") ||
		!strings.Contains(out.String(), "queued 5 calls for channel 12345678: 2 stores, 1 store rules, 1 vehicle models, 1 store terms, 0 vehicles") {
		t.Fatalf("output %q", out.String())
	}
	code = run([]string{"rental", "resync", "--channel", "nope", "--db", db, "--data", dir}, getenv, &out, &errOut)
	if code != 1 || !strings.Contains(errOut.String(), "no channel") {
		t.Fatalf("unknown channel: exit %d, %q", code, errOut.String())
	}
	if code := run([]string{"rental", "resync"}, getenv, &out, &errOut); code != 2 {
		t.Fatalf("without --channel: exit %d", code)
	}
}

// TestRentalHelp: --help shows how to run the command, with or without
// --channel, rather than refusing for want of one.
func TestRentalHelp(t *testing.T) {
	t.Parallel()
	getenv := func(string) string { return "" }
	for _, args := range [][]string{{"rental", "--help"}, {"rental", "-h"}, {"rental", "resync", "--help"}, {"rental", "resync", "-h"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(args, getenv, &out, &errOut)
			if code != 0 || errOut.Len() != 0 {
				t.Fatalf("exit %d, stderr %q; want exit 0 and the usage on stdout", code, errOut.String())
			}
			for _, want := range []string{"--channel APP_KEY", "-db"} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("help does not mention %s:\n%s", want, out.String())
				}
			}
		})
	}
}

// TestRentalChannelFlagForms: --channel is written every way the flag
// package takes serve's flags (-channel=ID too), and one without a value
// is named rather than passed on as an unknown database flag.
func TestRentalChannelFlagForms(t *testing.T) {
	t.Parallel()
	getenv := func(string) string { return "" }
	for _, form := range [][]string{{"-channel=nope"}, {"--channel=nope"}, {"-channel", "nope"}} {
		dir := t.TempDir()
		if code, _, errOut := runParkd(nil, "migrate", "--data", dir, "--log-level", "warn"); code != 0 { // a database without the channel
			t.Fatalf("migrate: exit %d, %s", code, errOut)
		}
		var out, errOut bytes.Buffer
		args := append([]string{"rental", "resync", "--data", dir}, form...)
		if code := run(args, getenv, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "no channel") {
			t.Errorf("%v: exit %d, %q; want exit 1 saying channel nope does not exist", form, code, errOut.String())
		}
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"rental", "resync", "--data", t.TempDir(), "--channel"}, getenv, &out, &errOut); code != 2 ||
		!strings.Contains(errOut.String(), "--channel") || strings.Contains(errOut.String(), "not defined") {
		t.Errorf("--channel without a value: exit %d, %q; want exit 2 naming --channel", code, errOut.String())
	}
}

// TestRentalResyncWithoutDatabase: resync run where there is no database
// (another folder, a mistyped --data) says so and creates nothing; before,
// it created and migrated an empty database there, then answered that the
// channel did not exist.
func TestRentalResyncWithoutDatabase(t *testing.T) {
	t.Parallel()
	data := filepath.Join(t.TempDir(), "parkd-data")
	code, _, errOut := runParkd(nil, "rental", "resync", "--channel", "12345678", "--data", data, "--log-level", "warn")
	if code != 1 || !strings.Contains(errOut, "no database") || !strings.Contains(errOut, filepath.Join(data, "parkd.db")) {
		t.Fatalf("exit %d, stderr %q; want exit 1 saying there is no database at %s", code, errOut, filepath.Join(data, "parkd.db"))
	}
	if _, err := os.Stat(data); !os.IsNotExist(err) {
		t.Errorf("resync without a database left %s behind (%v)", data, err)
	}
}
