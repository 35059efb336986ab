package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"parkd/internal/sim"
)

// TestSim: the simulator starts its own parkd, drives a lot through the
// camera protocol until the bound it was given, and every read it sent
// was answered (open or hold), with no error; a paid exit paid at least
// one started minute (1.00).
func TestSim(t *testing.T) {
	s, err := Sim(context.Background(), sim.Config{Events: 80, Lanes: 3, Seed: 7}, SimOptions{}, slog.New(slog.DiscardHandler), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if s.Events != 80 || s.Opened+s.Held != s.Events || s.Errors != 0 {
		t.Fatalf("%+v: want 80 reads, each answered, no errors", s)
	}
	if s.Payments > 0 && s.Revenue < 100*s.Payments {
		t.Fatalf("%+v: a payment under one started minute", s)
	}
	if s.Opened == 0 || s.Held == 0 {
		t.Fatalf("%+v: traffic of an hour-priced lot both opens and holds", s)
	}
}

// TestSimEventsExact: --events N sends N camera reads, however many lanes
// of however many lots were driving when the Nth was sent, and each of
// them is answered (none cut short by the end of the run).
func TestSimEventsExact(t *testing.T) {
	for seed := range uint64(4) {
		s, err := Sim(context.Background(), sim.Config{Events: 7 + int64(seed)*11, Lots: 3, Lanes: 8, Seed: seed}, SimOptions{},
			slog.New(slog.DiscardHandler), io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if want := 7 + int64(seed)*11; s.Events != want || s.Opened+s.Held != want || s.Errors != 0 {
			t.Fatalf("seed %d: %+v: want exactly %d reads, each answered, no errors", seed, s, want)
		}
	}
}

func TestSimBounded(t *testing.T) {
	for _, c := range []sim.Config{{}, {Events: 1, URL: "http://192.0.2.1:8080"}, {Events: 1, Lots: 51}} {
		if _, err := Sim(context.Background(), c, SimOptions{}, slog.New(slog.DiscardHandler), io.Discard); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
	for _, o := range []SimOptions{{Protocols: []string{"dahua"}}, {Protocols: []string{"vzenith-mqtt"}}, {Pay: "cash"},
		{Protocols: []string{"ocpp"}}} {
		if _, err := Sim(context.Background(), sim.Config{Events: 1}, o, slog.New(slog.DiscardHandler), io.Discard); err == nil {
			t.Errorf("%+v accepted: want an unknown protocol, MQTT without a broker, an unknown payer, no camera refused", o)
		}
	}
}

// TestSimProtocols: a few seconds of each device protocol at once: Vzenith
// over HTTP and MQTT, Hikvision pushes (barriers opened by calls back to
// the camera), OCPP chargers, with held cars paying through the Ebopark
// partner API. Every camera protocol's reads were answered, both ways,
// without error; chargers ran sessions; partners paid.
func TestSimProtocols(t *testing.T) {
	const broker = "127.0.0.1:1883"
	if c, err := net.DialTimeout("tcp", broker, time.Second); err != nil {
		t.Skip("no MQTT broker on " + broker + " (Mosquitto): the MQTT cameras cannot run")
	} else {
		c.Close()
	}
	s, err := Sim(context.Background(), sim.Config{Duration: 4 * time.Second, Lanes: 2, Seed: 3},
		SimOptions{Protocols: []string{"vzenith-http", "vzenith-mqtt", "hikvision-isapi", "ocpp"}, MQTT: "mqtt://" + broker, Pay: "ebopark"},
		slog.New(slog.DiscardHandler), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	s.Print(&out)
	if s.Errors != 0 {
		t.Fatalf("errors:\n%s", out.String())
	}
	for _, p := range []string{"vzenith-http", "vzenith-mqtt", "hikvision-isapi"} {
		c := s.ByProtocol[p]
		if c == nil || c.Opened == 0 || c.Held == 0 || c.Opened+c.Held != c.Reads || c.Errors != 0 {
			t.Errorf("%s: %+v: want reads both opened and held, each answered\n%s", p, c, out.String())
		}
	}
	if s.PaidBy != "ebopark" || s.Payments == 0 || s.Revenue < 100*s.Payments {
		t.Errorf("payments %d (%d) through %s: want some through ebopark, each at least one started minute\n%s", s.Payments,
			s.Revenue, s.PaidBy, out.String())
	}
	if ch := s.Drivers["ocpp"]; ch["chargers"] != 3 || ch["sessions"] == 0 || ch["errors"] != 0 {
		t.Errorf("chargers %v: want one per lot, sessions, no errors\n%s", ch, out.String())
	}
	if !strings.Contains(out.String(), "vzenith-mqtt: ") || !strings.Contains(out.String(), "ocpp: ") {
		t.Errorf("summary without per-protocol lines:\n%s", out.String())
	}
}

// TestSimSummaryRevenue: the summary states the revenue in the lots'
// currency, in major units with the minor ones after the point, so
// "14.00" cannot be read as fen or as another currency.
func TestSimSummaryRevenue(t *testing.T) {
	s, err := Sim(context.Background(), sim.Config{Events: 80, Lanes: 3, Seed: 7}, SimOptions{}, slog.New(slog.DiscardHandler), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	s.Print(&b)
	want := fmt.Sprintf("  revenue: %d.%02d CNY in %d payments\n", s.Revenue/100, s.Revenue%100, s.Payments)
	if s.Currency != "CNY" || !strings.Contains(b.String(), want) {
		t.Fatalf("summary:\n%s\nwant the line %q", b.String(), want)
	}
}

// TestSimInterrupted: a run stopped from outside (Ctrl-C) before its
// bound still returns its summary, which says it was interrupted; a run
// that reached its bound does not.
func TestSimInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	// Stopped once the run is under way (its progress bar is drawn), not
	// after a fixed time, which a slow start-up would outlast.
	began := &onWrite{do: cancel}
	s, err := Sim(ctx, sim.Config{Duration: time.Minute, Lanes: 2, Seed: 3, Progress: began}, SimOptions{}, slog.New(slog.DiscardHandler), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	s.Print(&b)
	if !s.Interrupted || s.Elapsed > 30*time.Second || s.Errors != 0 || !strings.Contains(b.String(), "interrupted") {
		t.Fatalf("%+v\n%s: want an interrupted run, stopped early, without errors, saying so", s, b.String())
	}
	s, err = Sim(context.Background(), sim.Config{Events: 5, Lanes: 1, Seed: 3}, SimOptions{}, slog.New(slog.DiscardHandler), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	b.Reset()
	s.Print(&b)
	if s.Interrupted || strings.Contains(b.String(), "interrupted") {
		t.Fatalf("%s: a run that reached --events was not interrupted", b.String())
	}
}

// TestSimInterruptedBeforeRun: Ctrl-C while the simulator is still
// starting its parkd or setting the lots up is said as such, not as the
// database or HTTP error the cancellation caused on the way.
func TestSimInterruptedBeforeRun(t *testing.T) {
	for _, after := range []time.Duration{0, 50 * time.Millisecond, 300 * time.Millisecond} {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(after, cancel)
		s, err := Sim(ctx, sim.Config{Duration: time.Minute, Lots: 2, Seed: 3}, SimOptions{}, slog.New(slog.DiscardHandler), io.Discard)
		cancel()
		if err == nil {
			if !s.Interrupted {
				t.Fatalf("after %s: %+v: a run stopped by the interrupt says so", after, s)
			}
			continue
		}
		if err.Error() != "sim: interrupted before the run began" {
			t.Errorf("after %s: %v: want the interrupt named", after, err)
		}
	}
}

// TestSimManyLots: every lot count --lots allows can be set up: lot 9's
// pass holders once had plates with an I (京PI0000), which no Chinese
// plate has, and the run failed before it began.
func TestSimManyLots(t *testing.T) {
	s, err := Sim(context.Background(), sim.Config{Events: 5, Lots: sim.MaxLots, Lanes: 1, Seed: 1}, SimOptions{},
		slog.New(slog.DiscardHandler), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if s.Events != 5 || s.Errors != 0 {
		t.Fatalf("%+v: want 5 reads, no errors", s)
	}
}

// TestSimCountsWhatWasSent: the summary's visits are cars that reached a
// camera and its anomalies are reads that were sent: a run of 7 reads
// with 24 lanes under way had counted 24 visits, cars still waiting to
// arrive when the reads ran out.
func TestSimCountsWhatWasSent(t *testing.T) {
	s, err := Sim(context.Background(), sim.Config{Events: 7, Lots: 3, Lanes: 8, Seed: 2}, SimOptions{},
		slog.New(slog.DiscardHandler), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var anomalies int64
	for _, n := range s.Anomalies {
		anomalies += n
	}
	if s.Visits < 1 || s.Visits > s.Events || anomalies > s.Events {
		t.Fatalf("%+v: want between 1 and %d visits and at most as many anomalies as reads", s, s.Events)
	}
}

// onWrite calls do at its first write.
type onWrite struct {
	once sync.Once
	do   func()
}

func (w *onWrite) Write(p []byte) (int, error) {
	w.once.Do(w.do)
	return len(p), nil
}

// TestSimKeepsOneChargerPerLot: runs with chargers against the same parkd
// reuse the lot's simulated charger and price standard, as they reuse its
// cameras: each run once registered a charger and a standard of its own,
// left offline in the operator's lists after the run.
func TestSimKeepsOneChargerPerLot(t *testing.T) {
	s := serve(t)
	token := s.adminToken(t)
	for range 2 {
		sum, err := Sim(context.Background(), sim.Config{URL: s.url, Token: token, Duration: 2 * time.Second, Lanes: 1, Seed: 3},
			SimOptions{Protocols: []string{"vzenith-http", "ocpp"}}, slog.New(slog.DiscardHandler), io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if ch := sum.Drivers["ocpp"]; ch["chargers"] != 1 || ch["errors"] != 0 {
			t.Fatalf("chargers %v: want one, no errors", ch)
		}
	}
	api := &sim.API{URL: s.url, Token: token, Client: http.DefaultClient}
	var chargers struct {
		Chargers []struct {
			ID string `json:"id"`
		} `json:"chargers"`
	}
	if err := api.Do(context.Background(), "GET", "/v1/chargers", nil, &chargers); err != nil {
		t.Fatal(err)
	}
	if len(chargers.Chargers) != 1 {
		t.Errorf("chargers after two runs: %+v, want the one lot's one", chargers.Chargers)
	}
	var standards struct {
		Standards []struct {
			ID int64 `json:"id"`
		} `json:"price_standards"`
	}
	if err := api.Do(context.Background(), "GET", "/v1/price-standards?limit=100", nil, &standards); err != nil {
		t.Fatal(err)
	}
	if len(standards.Standards) != 1 {
		t.Errorf("price standards after two runs: %+v, want one", standards.Standards)
	}
}
