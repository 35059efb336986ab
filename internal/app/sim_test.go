package app

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"parkd/internal/sim"
)

// TestSim: the simulator starts its own parkd, drives a lot through the
// camera protocol until the bound it was given, and every read it sent
// was answered (open or hold), with no error; a paid exit paid at least
// one started minute (1.00).
func TestSim(t *testing.T) {
	s, err := Sim(context.Background(), sim.Config{Events: 80, Lanes: 3, Seed: 7}, slog.New(slog.DiscardHandler), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if s.Events < 80 || s.Opened+s.Held != s.Events || s.Errors != 0 {
		t.Fatalf("%+v: want at least 80 reads, each answered, no errors", s)
	}
	if s.Payments > 0 && s.Revenue < 100*s.Payments {
		t.Fatalf("%+v: a payment under one started minute", s)
	}
	if s.Opened == 0 || s.Held == 0 {
		t.Fatalf("%+v: traffic of an hour-priced lot both opens and holds", s)
	}
}

func TestSimBounded(t *testing.T) {
	for _, c := range []sim.Config{{}, {Events: 1, URL: "http://192.0.2.1:8080"}, {Events: 1, Lots: 51}} {
		if _, err := Sim(context.Background(), c, slog.New(slog.DiscardHandler), io.Discard); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}
