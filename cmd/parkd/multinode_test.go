package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"parkd/internal/loadgen"
	"parkd/internal/store/postgres/pgtest"
)

// These tests run real `parkd serve` processes on one PostgreSQL schema and
// check that what must happen once happens once, whichever node is asked.
// They need PARKD_TEST_POSTGRES (see pgtest) and are skipped without it.

// pgSetup skips under -short, then gives the test a fresh schema (dropped
// when the test ends, after the processes are killed) and the binary.
func pgSetup(t *testing.T) (bin, dbURL, schema string) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs parkd processes on PostgreSQL; skipped with -short")
	}
	dbURL, schema = pgtest.Schema(t)
	return buildParkd(t), dbURL, schema
}

// pgArgs are the flags of a node on schema.
func pgArgs(t *testing.T, dbURL, schema string) []string {
	return []string{"--db", dbURL, "--pg-schema", schema, "--data", t.TempDir()}
}

// TestTwoNodesOnOnePostgres starts two nodes on one fresh schema at the
// same moment (so both migrate it at once) and races them.
func TestTwoNodesOnOnePostgres(t *testing.T) {
	bin, dbURL, schema := pgSetup(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	na := spawnParkd(t, bin, "node A", pgArgs(t, dbURL, schema)...)
	nb := spawnParkd(t, bin, "node B", pgArgs(t, dbURL, schema)...)
	na.waitListening()
	nb.waitListening()
	started := time.Now()
	a, b := newAPI(na.url), newAPI(nb.url)

	t.Run("SameEventOnBothNodes", func(t *testing.T) {
		const lot, plates, rounds = "mn-events", 50, 2
		a.createLot(ctx, t, lot)
		// Every event goes to both nodes, twice each, all requests
		// released at once.
		type reply struct {
			d   decision
			err error
		}
		replies := make([][]reply, plates)
		evs := make([]event, plates)
		at := time.Now().Add(-time.Hour)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range plates {
			evs[i] = newEvent(fmt.Sprintf("ev-%d-in", i), "entry", loadgen.Plate(uint64(1_000_000+i)), at)
			replies[i] = make([]reply, 2*rounds)
			for j := range 2 * rounds {
				node := []*api{a, b}[j%2]
				wg.Go(func() {
					<-start
					r := &replies[i][j]
					_, r.err = node.do(ctx, "POST", "/v1/lots/"+lot+"/events", evs[i], "", 200, &r.d)
				})
			}
		}
		close(start)
		wg.Wait()
		stays := map[string]bool{}
		for i, rs := range replies {
			for j, r := range rs {
				if r.err != nil {
					t.Fatalf("event %s, request %d: %v", evs[i].ID, j, r.err)
				}
				if !reflect.DeepEqual(r.d, rs[0].d) {
					t.Errorf("event %s: node %s answered %v, node A first answered %v", evs[i].ID, "AB"[j%2:j%2+1], r.d, rs[0].d)
				}
			}
			d := rs[0].d
			if d.str("decision") != "open" || d.str("stay_id") == "" || d.str("locator") == "" {
				t.Errorf("event %s: %v, want an open gate with a stay and a locator", evs[i].ID, d)
			}
			stays[d.str("stay_id")] = true
			var list struct{ Stays []stay }
			path := "/v1/lots/" + lot + "/stays?plate=" + url.QueryEscape(evs[i].Plate)
			if _, err := b.do(ctx, "GET", path, nil, "", 200, &list); err != nil {
				t.Fatal(err)
			}
			if len(list.Stays) != 1 || list.Stays[0].ID != d.str("stay_id") {
				t.Errorf("plate %s: stays %+v, want exactly stay %s", evs[i].Plate, list.Stays, d.str("stay_id"))
			}
		}
		if len(stays) != plates {
			t.Errorf("%d distinct stays for %d plates", len(stays), plates)
		}
		for _, n := range []*api{a, b} {
			var occ struct{ Occupied int }
			if _, err := n.do(ctx, "GET", "/v1/lots/"+lot+"/occupancy", nil, "", 200, &occ); err != nil {
				t.Fatal(err)
			}
			if occ.Occupied != plates {
				t.Errorf("occupancy at %s: %d, want %d", n.base, occ.Occupied, plates)
			}
		}
	})

	t.Run("OneQuotePaidOnBothNodes", func(t *testing.T) {
		const lot, cars = "mn-pay", 16
		a.createLot(ctx, t, lot)
		for i := range cars {
			st := holdCar(ctx, t, a, lot, fmt.Sprintf("pay%d", i), loadgen.Plate(uint64(1_100_000+i)))
			q := takeQuote(ctx, t, a, st)
			body := map[string]any{"quote_id": q.ID, "amount": q.AmountDue, "method": "cash"}
			rs := race(func(j int) (payment, http.Header, error) {
				var p payment
				h, err := []*api{a, b}[j].do(ctx, "POST", "/v1/payments", body, fmt.Sprintf("pay%d-%c", i, "ab"[j]), 201, &p)
				return p, h, err
			})
			won := 0
			for j, r := range rs {
				if r.err == nil {
					won++
					continue
				}
				if status, code := problemOf(r.err); status != 409 || code != "quote_paid" {
					t.Errorf("car %d, node %c: %v, want 201 or a 409 quote_paid problem", i, "AB"[j], r.err)
				}
			}
			if won != 1 {
				t.Errorf("car %d: %d payments of one quote succeeded, want 1", i, won)
			}
			checkPaid(ctx, t, b, st, q.AmountDue)
		}

		// The same Idempotency-Key on both nodes: one payment, both told it.
		for i := range cars {
			st := holdCar(ctx, t, a, lot, fmt.Sprintf("samekey%d", i), loadgen.Plate(uint64(1_100_100+i)))
			q := takeQuote(ctx, t, b, st)
			body := map[string]any{"quote_id": q.ID, "amount": q.AmountDue, "method": "cash"}
			rs := race(func(j int) (payment, http.Header, error) {
				var p payment
				h, err := []*api{a, b}[j].do(ctx, "POST", "/v1/payments", body, fmt.Sprintf("same-key-%d", i), 201, &p)
				return p, h, err
			})
			if rs[0].err != nil || rs[1].err != nil {
				t.Errorf("same key, car %d: node A: %v; node B: %v; want both 201", i, rs[0].err, rs[1].err)
				continue
			}
			if rs[0].val != rs[1].val || rs[0].val.ID == "" {
				t.Errorf("same key, car %d: node A paid %+v, node B %+v; want one payment", i, rs[0].val, rs[1].val)
			}
			if n := countReplayed(rs); n != 1 {
				t.Errorf("same key, car %d: %d replies marked Idempotent-Replayed, want 1", i, n)
			}
			checkPaid(ctx, t, a, st, q.AmountDue)
		}
	})

	t.Run("TwoQuotesOfOneStayOnBothNodes", func(t *testing.T) {
		const lot = "mn-pay"
		for i := range 8 {
			st := holdCar(ctx, t, a, lot, fmt.Sprintf("twoq%d", i), loadgen.Plate(uint64(1_100_200+i)))
			qs := []quote{takeQuote(ctx, t, a, st), takeQuote(ctx, t, b, st)}
			rs := race(func(j int) (payment, http.Header, error) {
				var p payment
				body := map[string]any{"quote_id": qs[j].ID, "amount": qs[j].AmountDue, "method": "cash"}
				h, err := []*api{a, b}[j].do(ctx, "POST", "/v1/payments", body, fmt.Sprintf("twoq%d-%c", i, "ab"[j]), 201, &p)
				return p, h, err
			})
			won := 0
			for j, r := range rs {
				if r.err == nil {
					won++
					continue
				}
				if status, code := problemOf(r.err); status != 409 || code != "stay_settled" {
					t.Errorf("stay %d, node %c: %v, want 201 or a 409 stay_settled problem", i, "AB"[j], r.err)
				}
			}
			if won != 1 {
				t.Errorf("stay %d: %d payments of two quotes succeeded, want 1", i, won)
			}
			checkPaid(ctx, t, a, st, qs[0].AmountDue)
		}
	})

	t.Run("HousekeepingRunsOnce", func(t *testing.T) {
		time.Sleep(time.Until(started.Add(3 * time.Second)))
		conn, err := pgx.Connect(ctx, dbURL)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(context.Background())
		q := `SELECT id, state, attempt, coalesce(array_length(attempted_by, 1), 0)
			FROM ` + pgx.Identifier{schema, "river_job"}.Sanitize() + ` WHERE kind = 'housekeeping' ORDER BY id`
		type job struct {
			id             int64
			state          string
			attempt, nodes int
		}
		var jobs []job
		// The leader's first job may still be running; it gets a bounded
		// while to finish.
		for deadline := time.Now().Add(20 * time.Second); ; {
			jobs = jobs[:0]
			rows, err := conn.Query(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var j job
				if err := rows.Scan(&j.id, &j.state, &j.attempt, &j.nodes); err != nil {
					t.Fatal(err)
				}
				jobs = append(jobs, j)
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if (len(jobs) > 0 && jobs[len(jobs)-1].state == "completed") || time.Now().After(deadline) {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		if len(jobs) != 1 {
			t.Errorf("%d housekeeping jobs after both nodes ran %s, want 1: %+v", len(jobs), time.Since(started).Round(time.Second), jobs)
		}
		for _, j := range jobs {
			if j.state != "completed" || j.attempt != 1 || j.nodes != 1 {
				t.Errorf("housekeeping job %d: state %s, attempt %d, attempted by %d nodes; want completed, 1, 1",
					j.id, j.state, j.attempt, j.nodes)
			}
		}
	})

	t.Run("ChangesOnOneNodeSeenOnTheOther", func(t *testing.T) {
		const lot = "mn-lot"
		a.createLot(ctx, t, lot)
		if _, err := a.do(ctx, "PATCH", "/v1/lots/"+lot, map[string]any{"capacity": 777}, "", 200, nil); err != nil {
			t.Fatal(err)
		}
		var l struct{ Capacity int }
		if _, err := b.do(ctx, "GET", "/v1/lots/"+lot, nil, "", 200, &l); err != nil {
			t.Fatal(err)
		}
		if l.Capacity != 777 {
			t.Errorf("capacity on node B after PATCH on node A: %d, want 777", l.Capacity)
		}

		// Node B prices under the old tariff first, so that it holds it
		// parsed; then node A changes the tariff.
		st := holdCar(ctx, t, a, lot, "tariff", loadgen.Plate(1_200_000))
		before := takeQuote(ctx, t, b, st)
		dearer := `{"grace_minutes":15,"every":{"minutes":30,"price":500}}`
		if _, err := a.do(ctx, "PUT", "/v1/lots/"+lot+"/tariff", json.RawMessage(dearer), "", 200, nil); err != nil {
			t.Fatal(err)
		}
		after := takeQuote(ctx, t, b, st)
		if before.AmountDue == 0 || after.AmountDue != before.AmountDue*5/2 {
			t.Errorf("quote on node B: %d before node A's tariff change, %d after; want %d after",
				before.AmountDue, after.AmountDue, before.AmountDue*5/2)
		}
	})

	for _, n := range []*server{na, nb} {
		select {
		case <-n.exited:
			t.Errorf("a node exited during the test: %v", n.err)
		default:
		}
	}
}

// TestNodeSurvivesDatabaseRestartOfConnections ends the database sessions
// of a node, again and again, while cars enter, pay and leave: every
// request gets an answer (success, or 503 "unavailable"), the node recovers
// by itself, and everything acknowledged is kept.
func TestNodeSurvivesDatabaseRestartOfConnections(t *testing.T) {
	bin, dbURL, schema := pgSetup(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	// Only this node's sessions are ended: other tests share the database.
	appName := "parkd_mn_" + randomHex(6)
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	qs := u.Query()
	qs.Set("application_name", appName)
	u.RawQuery = qs.Encode()
	srv := spawnParkd(t, bin, "node", pgArgs(t, u.String(), schema)...)
	srv.waitListening()
	a := newAPI(srv.url)
	a.createLot(ctx, t, "kill")

	admin, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(context.Background())
	terminate := func() int {
		var n int
		err := admin.QueryRow(ctx, `SELECT count(*) FROM (SELECT pg_terminate_backend(pid)
			FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()) AS ended`, appName).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	l := &ledger{entries: map[string]string{}}
	var (
		unavailable atomic.Int64
		lastOK      atomic.Int64 // unix nanoseconds of the latest success
	)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 6 {
		wg.Go(func() {
			for i := range 100_000 {
				select {
				case <-stop:
					return
				default:
				}
				// A request that hangs is a failure: each car is bounded.
				cctx, ccancel := context.WithTimeout(ctx, 10*time.Second)
				err := l.car(cctx, a, "kill", fmt.Sprintf("k%d-%d", w, i), loadgen.Plate(uint64(3_000_000+w*100_000+i)), i%2 == 0, i%4 == 0)
				ccancel()
				switch status, code := problemOf(err); {
				case err == nil:
					lastOK.Store(time.Now().UnixNano())
				case status == http.StatusServiceUnavailable && code == "unavailable":
					unavailable.Add(1)
				default:
					t.Errorf("worker %d, car %d: %v; want success or a 503 unavailable problem", w, i, err)
					return
				}
			}
		})
	}

	time.Sleep(time.Second)
	ended := 0
	for range 8 {
		ended += terminate()
		time.Sleep(250 * time.Millisecond)
	}
	lastKill := time.Now()
	// The node must serve again within a few seconds, by itself.
	for time.Unix(0, lastOK.Load()).Before(lastKill) {
		if time.Since(lastKill) > 5*time.Second {
			close(stop)
			wg.Wait()
			t.Fatalf("no request succeeded within 5 s after the database sessions were ended")
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(time.Second)
	close(stop)
	wg.Wait()
	if ended == 0 {
		t.Fatal("no database session of the node was ended; the test tested nothing")
	}
	t.Logf("ended %d database sessions; %d cars got a 503; acknowledged %d events (%d entries), %d payments",
		ended, unavailable.Load(), len(l.events), len(l.entries), len(l.payments))

	// Recovered: every request succeeds again.
	for i := range 20 {
		if err := l.car(ctx, a, "kill", fmt.Sprintf("after-%d", i), loadgen.Plate(uint64(3_900_000+i)), true, true); err != nil {
			t.Fatalf("car %d after the sessions were ended: %v", i, err)
		}
	}
	if _, err := a.do(ctx, "GET", "/healthz", nil, "", 200, nil); err != nil {
		t.Errorf("healthz after the sessions were ended: %v", err)
	}
	l.verify(ctx, t, a, "kill")
	select {
	case <-srv.exited:
		t.Errorf("parkd exited: %v", srv.err)
	default:
	}
}

// quote is the part of a quote the tests use.
type quote struct {
	ID        string `json:"id"`
	AmountDue int64  `json:"amount_due"`
}

// holdCar parks a car long enough to owe money and holds it at the exit.
func holdCar(ctx context.Context, t *testing.T, a *api, lot, id, plate string) (stayID string) {
	t.Helper()
	var d decision
	if _, err := a.do(ctx, "POST", "/v1/lots/"+lot+"/events", newEvent(id+"-in", "entry", plate, time.Now().Add(-stayAge)), "", 200, &d); err != nil {
		t.Fatal(err)
	}
	if d.str("decision") != "open" || d.str("stay_id") == "" {
		t.Fatalf("entry of %s: %v", plate, d)
	}
	stayID = d.str("stay_id")
	if _, err := a.do(ctx, "POST", "/v1/lots/"+lot+"/events", newEvent(id+"-out", "exit", plate, time.Now()), "", 200, &d); err != nil {
		t.Fatal(err)
	}
	if d.str("decision") != "hold" {
		t.Fatalf("exit of %s before paying: %v", plate, d)
	}
	return stayID
}

func takeQuote(ctx context.Context, t *testing.T, a *api, stayID string) quote {
	t.Helper()
	var q quote
	if _, err := a.do(ctx, "POST", "/v1/stays/"+stayID+"/quotes", nil, "", 201, &q); err != nil {
		t.Fatal(err)
	}
	if q.AmountDue <= 0 {
		t.Fatalf("quote for stay %s: nothing due", stayID)
	}
	return q
}

// checkPaid checks the stay shows amount paid, once.
func checkPaid(ctx context.Context, t *testing.T, a *api, stayID string, amount int64) {
	t.Helper()
	var st stay
	if _, err := a.do(ctx, "GET", "/v1/stays/"+stayID, nil, "", 200, &st); err != nil {
		t.Fatal(err)
	}
	if st.AmountPaid != amount {
		t.Errorf("stay %s: amount paid %d, want %d (one payment)", stayID, st.AmountPaid, amount)
	}
}

// raced is one of two requests sent at the same moment.
type raced struct {
	val payment
	hdr http.Header
	err error
}

// race runs do(0) and do(1) at once, each typically on its own node.
func race(do func(j int) (payment, http.Header, error)) [2]raced {
	var rs [2]raced
	var wg sync.WaitGroup
	start := make(chan struct{})
	for j := range rs {
		wg.Go(func() {
			<-start
			rs[j].val, rs[j].hdr, rs[j].err = do(j)
		})
	}
	close(start)
	wg.Wait()
	return rs
}

func countReplayed(rs [2]raced) int {
	n := 0
	for _, r := range rs {
		if r.hdr.Get("Idempotent-Replayed") == "true" {
			n++
		}
	}
	return n
}

// problemOf returns the status and problem code of an unexpected reply, or
// zero values for any other error.
func problemOf(err error) (status int, code string) {
	var es *errStatus
	if !errors.As(err, &es) {
		return 0, ""
	}
	var p struct{ Code string }
	_ = json.Unmarshal([]byte(es.body), &p)
	return es.status, p.Code
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
