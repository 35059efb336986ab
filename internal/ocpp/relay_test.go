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
	"parkd/internal/park"
	"parkd/internal/store/postgres"
	"parkd/internal/store/postgres/pgtest"
	"parkd/internal/system"
)

// node is one parkd node's charging side over a shared database.
type node struct {
	sys *system.System
	srv *ocpp.Server
	url string
}

func startNode(t *testing.T, ctx context.Context, url, schema string) *node {
	t.Helper()
	st, err := postgres.Open(ctx, url, postgres.Options{Schema: schema, MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	n := &node{sys: system.New(system.Config{Store: st})}
	n.srv = ocpp.New(ocpp.Config{Charging: n.sys.Charging, CallTimeout: 5 * time.Second})
	n.sys.Charging.SetRemote(n.srv)
	mux := http.NewServeMux()
	mux.Handle("GET /ocpp/{id}", n.srv)
	hs := httptest.NewServer(mux)
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); n.srv.RunRelay(rctx) }()
	t.Cleanup(func() { cancel(); <-done; n.srv.Close(); hs.Close(); st.Close() })
	n.url = "ws" + strings.TrimPrefix(hs.URL, "http")
	return n
}

// TestRelayBetweenNodes: two central systems on one PostgreSQL database.
// The cabinet is connected to node B; an operator's reset, a session's
// remote start and its remote stop are all asked on node A, and reach the
// cabinet through B, with the cabinet's answers recorded on A's side.
func TestRelayBetweenNodes(t *testing.T) {
	url, schema := pgtest.Schema(t)
	ctx := context.Background()
	a := startNode(t, ctx, url, schema)
	b := startNode(t, ctx, url, schema)
	if _, err := a.sys.Gate.CreateLot(ctx, &park.Lot{Code: "L1", Name: "Two nodes", TimeZone: "Asia/Shanghai", Currency: "CNY",
		Capacity: 10, MissedEntry: park.MissedEntryHold}); err != nil {
		t.Fatal(err)
	}
	st, err := a.sys.Charging.CreateStandard(ctx, charging.StandardInput{Name: "seed", Family: park.FamilyTwoWheeler, Rules: seedRules})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"CAB1", "CAB2"} {
		if _, err := a.sys.Charging.RegisterCharger(ctx, charging.ChargerInput{ID: id, LotCode: "L1", Connectors: 10,
			StandardID: st.ID, Password: password}); err != nil {
			t.Fatal(err)
		}
	}
	p, err := ocppsim.Dial(ctx, b.url, "CAB1", password)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	p.SetAutoStart(true)
	if s, err := p.Boot(ctx); err != nil || s != "Accepted" {
		t.Fatalf("boot %q %v", s, err)
	}
	if a.srv.Connected("CAB1") || !b.srv.Connected("CAB1") {
		t.Fatal("the cabinet should be connected to node B only")
	}

	res, err := a.sys.Charging.SendCommand(ctx, "CAB1", charging.Command{Kind: "reset", Type: "soft"})
	if err != nil || res.Status != "Accepted" || res.Command != "Reset" {
		t.Fatalf("reset asked on A: %+v %v", res, err)
	}
	if got := <-p.Commands(); got.Action != "Reset" || got.Payload["type"] != "Soft" {
		t.Fatalf("the cabinet got %+v", got)
	}
	p.SetAnswer("UnlockConnector", "UnlockFailed")
	if res, err := a.sys.Charging.SendCommand(ctx, "CAB1", charging.Command{Kind: "unlock", Connector: 2}); err != nil ||
		res.Status != "UnlockFailed" {
		t.Fatalf("unlock asked on A: %+v %v (want the cabinet's own answer)", res, err)
	}
	<-p.Commands()

	sess, err := a.sys.Charging.StartSession(ctx, charging.StartInput{ChargerID: "CAB1", Connector: 3, Prepaid: 300})
	if err != nil || sess.Status == park.SessionFailed {
		t.Fatalf("start asked on A: %+v %v", sess, err)
	}
	<-p.Commands()
	for i := 0; i < 500; i++ {
		if sess, _ = a.sys.Charging.Session(ctx, sess.ID); sess.Status == park.SessionCharging {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if sess.Status != park.SessionCharging {
		t.Fatalf("not charging: %+v", sess)
	}
	if _, err := a.sys.Charging.StopSession(ctx, sess.ID, ""); err != nil {
		t.Fatal(err)
	}
	if got := <-p.Commands(); got.Action != "RemoteStopTransaction" {
		t.Fatalf("the cabinet got %s, want RemoteStopTransaction", got.Action)
	}
	for i := 0; i < 500; i++ {
		if sess, _ = a.sys.Charging.Session(ctx, sess.ID); sess.Status == park.SessionEnded {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if sess.Status != park.SessionEnded || sess.EndReason != park.EndManual {
		t.Fatalf("after the stop asked on A: %+v", sess)
	}
	c, err := a.sys.Charging.Charger(ctx, "CAB1")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range c.Commands {
		got = append(got, r.Command+"="+r.Status)
	}
	want := "Reset=Accepted UnlockConnector=UnlockFailed RemoteStartTransaction=Accepted RemoteStopTransaction=Accepted"
	if strings.Join(got, " ") != want {
		t.Fatalf("command log %v, want %s", got, want)
	}

	// CAB2 is connected nowhere: offline at once, from either node.
	if res, err := a.sys.Charging.SendCommand(ctx, "CAB2", charging.Command{Kind: "reset", Type: "soft"}); err != nil || res.Status != "offline" {
		t.Fatalf("reset of a charger connected nowhere: %+v %v", res, err)
	}
	// CAB2 recorded online by a node that then died: no node claims the
	// command, which is withdrawn after charging.RelayClaimWait and never
	// sent later.
	if _, err := b.sys.Charging.Booted(ctx, "CAB2", "v", "m", "1"); err != nil {
		t.Fatal(err)
	}
	if res, err := a.sys.Charging.SendCommand(ctx, "CAB2", charging.Command{Kind: "reset", Type: "soft"}); err != nil || res.Status != "offline" {
		t.Fatalf("reset of a charger whose node died: %+v %v", res, err)
	}
	p2, err := ocppsim.Dial(ctx, b.url, "CAB2", password)
	if err != nil {
		t.Fatal(err)
	}
	defer p2.Close()
	if s, err := p2.Boot(ctx); err != nil || s != "Accepted" {
		t.Fatalf("boot %q %v", s, err)
	}
	// The next command asked on A is the first the cabinet gets: the
	// withdrawn reset is not sent before it.
	if res, err := a.sys.Charging.SendCommand(ctx, "CAB2", charging.Command{Kind: "trigger", Type: "Heartbeat"}); err != nil ||
		res.Status != "Accepted" {
		t.Fatalf("trigger of CAB2 once connected to B: %+v %v", res, err)
	}
	if got := <-p2.Commands(); got.Action != "TriggerMessage" {
		t.Fatalf("CAB2 first got %s, want TriggerMessage (the withdrawn reset must never arrive)", got.Action)
	}
}
