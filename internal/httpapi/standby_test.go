package httpapi_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	neturl "net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"parkd/internal/device"
	"parkd/internal/httpapi"
	"parkd/internal/metrics"
	"parkd/internal/park"
	"parkd/internal/store/postgres"
	"parkd/internal/store/postgres/pgtest"
	"parkd/internal/system"
	"parkd/internal/systemtest"
)

// TestStandbyRefusesWrites is docs/deploy.md's failover promise: a node
// whose connections now reach a server that takes no writes (a primary
// demoted to standby, or a database set read-only) answers every write
// 503 unavailable saying the database is read-only, and changes nothing;
// it still answers reads; /readyz and /healthz answer 503 so the load
// balancer takes it out of rotation. The node's connections go through a
// role of their own, which is then set read-only (every transaction of
// its sessions read-only, as on a standby, where writes are refused with
// the same SQLSTATE 25006) and the pool reconnects, as after a failover.
func TestStandbyRefusesWrites(t *testing.T) {
	t.Parallel()
	url, schema := pgtest.Schema(t)
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close(context.Background()) })
	// The schema and its tables belong to the test's own user: the role
	// owns nothing, so it can be dropped once the node is closed.
	primary, err := postgres.Open(ctx, url, postgres.Options{Schema: schema, MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { primary.Close() })
	role := schema + "_node"
	if _, err := admin.Exec(ctx, "CREATE ROLE "+pgx.Identifier{role}.Sanitize()+" LOGIN SUPERUSER"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(context.Background(), "DROP ROLE IF EXISTS "+pgx.Identifier{role}.Sanitize()); err != nil {
			t.Errorf("drop role %s: %v", role, err)
		}
	})
	u, err := neturl.Parse(url)
	if err != nil {
		t.Fatal(err)
	}
	u.User = neturl.User(role)
	st, err := postgres.Open(ctx, u.String(), postgres.Options{Schema: schema, MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	m := metrics.New()
	svc := system.New(system.Config{Dialects: systemtest.Dialects, Barriers: device.NewMemory(), Store: st, Now: func() time.Time { return t0 },
		Metrics: m})
	srv := httptest.NewServer(httpapi.New(httpapi.Config{Service: svc, Log: slog.New(slog.DiscardHandler), Metrics: m, AdminToken: token,
		ReadyTimeout: 10 * time.Second}))
	t.Cleanup(srv.Close)
	e := &env{t: t, url: srv.URL, now: t0, sys: svc}

	// While the server takes writes: a lot and one car inside.
	e.want(e.do("POST", "/v1/lots", lotJSON), 201)
	in := e.want(e.do("POST", "/v1/lots/140123001/events", event("c1", "entry", "京A12345", t0)), 200)
	if in["decision"] != "open" {
		t.Fatalf("entry before the failover: %v", in)
	}

	// The failover: the server the node's connections reach takes no
	// writes any more, and the pool connects again.
	if _, err := admin.Exec(ctx, "ALTER ROLE "+pgx.Identifier{role}.Sanitize()+" SET default_transaction_read_only = on"); err != nil {
		t.Fatal(err)
	}
	st.Pool().Reset()

	t.Run("WritesRefused", func(t *testing.T) {
		e.t = t
		for _, w := range []struct{ method, path, body string }{
			{"POST", "/v1/lots/140123001/events", event("c2", "entry", "京B67890", t0)},
			{"POST", "/v1/lots", strings.Replace(lotJSON, "140123001", "140123002", 1)},
		} {
			p := e.problem(e.do(w.method, w.path, w.body), 503, "unavailable")
			if !strings.Contains(p["detail"].(string), "read-only") {
				t.Errorf("%s %s: detail %q, want it to say the database is read-only", w.method, w.path, p["detail"])
			}
		}
	})
	t.Run("NothingChanged", func(t *testing.T) {
		// Seen on the primary's own connections, which can write: the
		// refused entry made no stay, the refused lot does not exist.
		occ, err := system.New(system.Config{Store: primary, Barriers: device.NewMemory()}).Gate.Occupancy(ctx, "140123001")
		if err != nil {
			t.Fatal(err)
		}
		if occ.Occupied != 1 {
			t.Errorf("%d cars inside, want 1: the refused entry made a stay", occ.Occupied)
		}
		err = primary.View(ctx, func(tx park.Tx) error { _, err := tx.GetLot(ctx, "140123002"); return err })
		if !park.IsCode(err, park.ENotFound) {
			t.Errorf("the refused lot: %v, want not found", err)
		}
	})
	t.Run("ReadsAnswered", func(t *testing.T) {
		e.t = t
		if lot := e.want(e.do("GET", "/v1/lots/140123001", ""), 200); lot["code"] != "140123001" {
			t.Errorf("lot %v", lot)
		}
		if occ := e.want(e.do("GET", "/v1/lots/140123001/occupancy", ""), 200); occ["occupied"] != float64(1) {
			t.Errorf("occupancy %v, want the one car inside", occ)
		}
		if st := e.want(e.do("GET", "/v1/stays/"+in["stay_id"].(string), ""), 200); st["plate"] != "京A12345" {
			t.Errorf("stay %v", st)
		}
	})
	t.Run("NotReady", func(t *testing.T) {
		e.t = t
		for _, path := range []string{"/readyz", "/healthz"} {
			p := e.problem(e.do("GET", path, ""), 503, "unavailable")
			if !strings.Contains(p["detail"].(string), "does not take writes") {
				t.Errorf("%s: %v, want it to say the database does not take writes", path, p)
			}
		}
	})
}
