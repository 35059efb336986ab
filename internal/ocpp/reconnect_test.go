package ocpp_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"parkd/internal/charging"
	"parkd/internal/ocpp"
	"parkd/internal/ocpp/ocppsim"
)

// peer is a second node on the rig's database: its own charging service
// and central system.
type peer struct {
	cs  *charging.Service
	srv *ocpp.Server
	url string
}

func (r *rig) peer(t *testing.T) *peer {
	t.Helper()
	p := &peer{cs: charging.New(charging.Config{Store: r.Store, Now: r.Clock.Now})}
	p.srv = ocpp.New(ocpp.Config{Charging: p.cs, Now: r.Clock.Now, CallTimeout: 2 * time.Second})
	p.cs.SetRemote(p.srv)
	mux := http.NewServeMux()
	mux.Handle("GET /ocpp/{id}", p.srv)
	hs := httptest.NewServer(mux)
	t.Cleanup(func() { p.srv.Close(); hs.Close() })
	p.url = "ws" + strings.TrimPrefix(hs.URL, "http")
	return p
}

// relay runs a server's relay until the test ends.
func relay(t *testing.T, srv *ocpp.Server) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); srv.RunRelay(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
}

// TestReconnectToAnotherNode: a cabinet connected to node A reconnects to
// node B (a network change) while A still holds its old socket. Commands
// asked on A reach the cabinet through B, not the old socket; when the
// old socket then closes, the cabinet stays online and A still reaches it.
func TestReconnectToAnotherNode(t *testing.T) {
	r := newRig(t)
	b := r.peer(t)
	relay(t, r.srv)
	relay(t, b.srv)
	old := r.dial(t, "CAB1")
	p, err := ocppsim.Dial(r.Ctx, b.url, "CAB1", password)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if st, err := p.Boot(r.Ctx); err != nil || st != "Accepted" {
		t.Fatalf("boot on B: %q %v", st, err)
	}
	if !r.srv.Connected("CAB1") || !b.srv.Connected("CAB1") {
		t.Fatal("both nodes should hold a connection of the cabinet")
	}
	if res, err := r.cs.SendCommand(r.Ctx, "CAB1", charging.Command{Kind: "trigger", Type: "Heartbeat"}); err != nil ||
		res.Status != "Accepted" {
		t.Fatalf("trigger asked on A with the old socket open: %+v %v", res, err)
	}
	select {
	case got := <-p.Commands():
		if got.Action != "TriggerMessage" {
			t.Fatalf("the cabinet's new connection got %s", got.Action)
		}
	case got := <-old.Commands():
		t.Fatalf("%s went out on the old socket", got.Action)
	}

	old.Close()
	waitFor(t, func() bool { return !r.srv.Connected("CAB1") })
	c, err := r.cs.Charger(r.Ctx, "CAB1")
	if err != nil || !c.Online {
		t.Fatalf("after the old socket closed on A: %+v %v; want online (connected to B)", c, err)
	}
	if res, err := r.cs.SendCommand(r.Ctx, "CAB1", charging.Command{Kind: "reset", Type: "soft"}); err != nil || res.Status != "Accepted" {
		t.Fatalf("reset asked on A after its old socket closed: %+v %v", res, err)
	}
	if got := <-p.Commands(); got.Action != "Reset" {
		t.Fatalf("the cabinet got %s, want Reset", got.Action)
	}

	// Its connection to B ends: offline, from either node.
	p.Close()
	waitFor(t, func() bool { c, _ := r.cs.Charger(r.Ctx, "CAB1"); return !c.Online })
}
