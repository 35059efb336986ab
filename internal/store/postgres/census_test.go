package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"parkd/internal/device"
	"parkd/internal/gate"
	"parkd/internal/park"
	"parkd/internal/partners"
	"parkd/internal/store/postgres"
	"parkd/internal/store/postgres/pgtest"
	"parkd/internal/system"
)

// census counts what the store sends PostgreSQL: round trips (a query on
// its own, or a batch) and statements, and keeps auto_explain's plan of
// each statement executed while it is on.
type census struct {
	mu    sync.Mutex
	on    bool
	trips int
	sql   []string
	plans []plan
}

type plan struct {
	text                   string
	hit, read, dirty, rows int64
	ms                     float64
	nodes                  []string
}

func (c *census) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.on {
		c.trips++
		c.sql = append(c.sql, d.SQL)
	}
	return ctx
}
func (c *census) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
func (c *census) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.on {
		c.trips++
	}
	return ctx
}
func (c *census) TraceBatchQuery(_ context.Context, _ *pgx.Conn, d pgx.TraceBatchQueryData) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.on {
		c.sql = append(c.sql, d.SQL)
	}
}
func (c *census) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

// notice reads one of auto_explain's plans (JSON, sent as a notice).
func (c *census) notice(_ *pgconn.PgConn, n *pgconn.Notice) {
	i := strings.Index(n.Message, "plan:")
	if !strings.HasPrefix(n.Message, "duration:") || i < 0 {
		return
	}
	ms, _ := strconv.ParseFloat(strings.Fields(n.Message)[1], 64)
	var doc struct {
		Text string          `json:"Query Text"`
		Plan json.RawMessage `json:"Plan"`
	}
	if err := json.Unmarshal([]byte(n.Message[i+len("plan:"):]), &doc); err != nil {
		return
	}
	p := plan{text: doc.Text, ms: ms}
	var root node
	if json.Unmarshal(doc.Plan, &root) == nil {
		p.hit, p.read, p.dirty = root.Hit, root.Read, root.Dirty
		root.walk(&p)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.on {
		c.plans = append(c.plans, p)
	}
}

type node struct {
	Type     string  `json:"Node Type"`
	Relation string  `json:"Relation Name"`
	Index    string  `json:"Index Name"`
	Rows     float64 `json:"Actual Rows"`
	Loops    float64 `json:"Actual Loops"`
	Removed  float64 `json:"Rows Removed by Filter"`
	Hit      int64   `json:"Shared Hit Blocks"`
	Read     int64   `json:"Shared Read Blocks"`
	Dirty    int64   `json:"Shared Dirtied Blocks"`
	Plans    []node  `json:"Plans"`
}

// walk names the plan's scans and counts the rows they examined (returned
// and filtered out).
func (n node) walk(p *plan) {
	if strings.Contains(n.Type, "Scan") {
		name := n.Type
		if n.Index != "" {
			name += " " + n.Index
		} else if n.Relation != "" {
			name += " " + n.Relation
		}
		p.nodes = append(p.nodes, name)
		p.rows += int64((n.Rows + n.Removed) * max(n.Loops, 1))
	}
	for _, c := range n.Plans {
		c.walk(p)
	}
}

func (c *census) start() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.on, c.trips, c.sql, c.plans = true, 0, nil, nil
}

func (c *census) stop() (trips int, sql []string, plans []plan) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.on = false
	return c.trips, c.sql, c.plans
}

// TestGateCensus counts the statements and round trips each step of the
// load tool's flow (internal/loadgen) sends: an entry, the held exit, the
// quote, the payment and the paid exit, on a lot with cars inside
// (PARKD_CENSUS_CARS, default 200). With -v it prints each statement's
// plan figures from auto_explain (EXPLAIN ANALYZE, BUFFERS), the census
// of BENCHMARKS.md.
func TestGateCensus(t *testing.T) {
	url, schema := pgtest.Schema(t)
	cars := 200
	if v := os.Getenv("PARKD_CENSUS_CARS"); v != "" {
		cars, _ = strconv.Atoi(v)
	}
	now := time.Date(2026, 12, 7, 4, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	const lot = "140199001"

	// The cars inside are parked by a store without the census's hooks.
	fill, err := postgres.Open(ctx, url, postgres.Options{Schema: schema, MaxConns: 8})
	if err != nil {
		t.Fatal(err)
	}
	sys := system.New(system.Config{Store: fill, Now: clock, Barriers: device.NewMemory()})
	if _, err := sys.Gate.CreateLot(ctx, &park.Lot{Code: lot, Name: "census", TimeZone: "Asia/Shanghai",
		Currency: "CNY", Capacity: 1_000_000, ExitGraceMinutes: 15,
		Tariff: json.RawMessage(`{"grace_minutes":15,"every":{"minutes":30,"price":200}}`)}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < cars; i += 8 {
				if _, err := sys.Gate.HandleEvent(ctx, gate.EventInput{LotCode: lot, ID: fmt.Sprintf("p%d", i), Type: "entry",
					Plate: fmt.Sprintf("京B%05d", i), Lane: "in-1", At: now.Add(-3 * time.Hour)}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	fill.Close()

	c := &census{}
	s, err := postgres.OpenWith(ctx, url, postgres.Options{Schema: schema, MaxConns: 1}, func(cfg *pgxpool.Config) {
		cfg.ConnConfig.Tracer = c
		cfg.ConnConfig.OnNotice = c.notice
		cfg.AfterConnect = func(ctx context.Context, conn *pgx.Conn) error {
			// Plans need a superuser's LOAD; without one the counts stand alone.
			_, _ = conn.Exec(ctx, `LOAD 'auto_explain'; SET auto_explain.log_min_duration = 0;
				SET auto_explain.log_analyze = on; SET auto_explain.log_buffers = on;
				SET auto_explain.log_format = json; SET auto_explain.log_level = notice`)
			return nil
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sys = system.New(system.Config{Store: s, Now: clock, Barriers: device.NewMemory()})

	// want is each step's statements (BEGIN and COMMIT included) and
	// round trips, BENCHMARKS.md's census ("PostgreSQL statements per
	// gate event"): a change that adds one to the flow says so here.
	// The lot's settings and the plate's records are one statement
	// (LotAndPlate) in each step that reads both: the entry, both exits
	// and the quote, each one statement and one round trip fewer than
	// the thirtieth stop's 7 in 3, 7 in 5, 6 in 4 and 8 in 5; the
	// payment's write reads the lot only, its leave-by the plate only.
	// The car's open stay comes in that statement too: the held exit and
	// the paid exit no longer send FindInside after it, 6 − 1 = 5 in
	// 4 − 1 = 3 and 7 − 1 = 6 in 4 − 1 = 3 (the entry's car is not
	// inside, so its FindInside was answered by the records already).
	// A stay read in the step and updated goes with the next round trip
	// (stale_row fails it if another writer came first): the paid exit's
	// close goes with its commit, 3 − 1 = 2 round trips, and the
	// payment's with its insert, 10 − 1 = 9.
	// The payment's look-ups of its request, by Idempotency-Key and by
	// (payer, reference), are one statement (GetPaymentsByKeyOrReference):
	// 13 − 1 = 12 statements in 9 − 1 = 8 round trips, a visit 35 − 1 =
	// 34 in 19 − 1 = 18. Its round trips: BEGIN with that read; GetQuote;
	// GetStay; GetPaymentByQuote; GetLotSettings; InsertPayment and
	// UpdateStayQueued (queued) with COMMIT; then the leave-by's read-only
	// BEGIN with PlateRecords; its COMMIT.
	type step struct {
		name              string
		statements, trips int
		do                func(n int) error
	}
	var stayID, quoteID string
	var due int64
	event := func(n int, id, typ, lane, want string) error {
		d, err := sys.Gate.HandleEvent(ctx, gate.EventInput{LotCode: lot, ID: fmt.Sprintf("c%d-%s", n, id), Type: typ,
			Plate: fmt.Sprintf("京C%05d", n), Lane: lane, At: now})
		if err == nil && d.Decision != want {
			err = fmt.Errorf("%s: want %s, got %+v", id, want, d)
		}
		stayID, due = d.StayID, d.AmountDue
		return err
	}
	steps := []step{
		{"entry", 6, 2, func(n int) error {
			now = now.Add(-130 * time.Minute)
			defer func() { now = now.Add(130 * time.Minute) }()
			return event(n, "in", "entry", "in-1", "open")
		}},
		{"held exit", 5, 3, func(n int) error { return event(n, "out", "exit", "out-1", "hold") }},
		{"quote", 5, 3, func(n int) error {
			q, err := sys.Billing.CreateQuote(ctx, stayID, "")
			if err == nil {
				quoteID = q.ID
			}
			return err
		}},
		{"payment", 12, 8, func(n int) error {
			_, err := sys.Billing.Pay(ctx, park.PaymentRequest{QuoteID: quoteID, Amount: due, Method: "cash",
				Reference: fmt.Sprintf("c%d", n), IdempotencyKey: fmt.Sprintf("c%d", n)})
			return err
		}},
		{"paid exit", 6, 2, func(n int) error { return event(n, "out2", "exit", "out-1", "open") }},
	}
	// The first cars warm the connection's prepared statements and the
	// store's caches; the last one is counted.
	const warm = 3
	type count struct {
		trips int
		sql   []string
		plans []plan
	}
	got := map[string]count{}
	for n := 0; n <= warm; n++ {
		for _, st := range steps {
			c.start()
			err := st.do(n)
			trips, sql, plans := c.stop()
			if err != nil {
				t.Fatalf("car %d, %s: %v", n, st.name, err)
			}
			got[st.name] = count{trips, sql, plans}
		}
	}
	total, trips := 0, 0
	for _, st := range steps {
		g := got[st.name]
		t.Logf("%s: %d statements in %d round trips", st.name, len(g.sql), g.trips)
		for _, q := range g.sql {
			t.Logf("    %s", first(q))
		}
		for _, p := range g.plans {
			t.Logf("    plan %-60.60s %.3f ms hit %d read %d dirtied %d rows examined %d %v", first(p.text), p.ms, p.hit, p.read, p.dirty, p.rows, p.nodes)
		}
		if len(g.sql) != st.statements || g.trips != st.trips {
			t.Errorf("%s: %d statements in %d round trips, want %d in %d", st.name, len(g.sql), g.trips, st.statements, st.trips)
		}
		total += len(g.sql)
		trips += g.trips
	}
	t.Logf("a visit: %d statements in %d round trips", total, trips)
	// 6 + 5 + 5 + 12 + 6 = 34 statements in 2 + 3 + 3 + 8 + 2 = 18 round trips.
	if total != 34 || trips != 18 {
		t.Errorf("a visit: %d statements in %d round trips, want 34 in 18", total, trips)
	}
}

// first is a statement's first line, its sqlc name when it has one.
func first(q string) string {
	q = strings.TrimSpace(q)
	if i := strings.IndexByte(q, '\n'); i >= 0 {
		q = q[:i]
	}
	return q
}

// TestReportsReadNoStayBack: a car's entry and its exit within the grace,
// reported to a subscriber of entries, exits and orders, write the stay
// and then report it; the reports take the stay as the transaction wrote
// it, so neither step reads it back (a GetStay each before), and the
// exit's first report, which reads the subscriptions, leaves the lot's
// read standing for the order's (a GetLotSettings before).
func TestReportsReadNoStayBack(t *testing.T) {
	now := time.Date(2026, 12, 7, 4, 0, 0, 0, time.UTC)
	const lot = "140199002"
	sys, s, c := censusSystem(t, lot, func() time.Time { return now })
	err := s.Update(ctx, func(tx park.Tx) error {
		if err := tx.CreatePartner(ctx, &park.Partner{ID: "p1", Name: "P1", Dialect: "native", Type: park.PartnerNormal,
			Lots: []string{lot}, CreatedAt: now, UpdatedAt: now}); err != nil {
			return err
		}
		for _, kind := range []string{park.ReportEntry, park.ReportExit, park.ReportOrder} {
			// Disabled: the reports are written and kept, none is sent.
			if err := tx.CreateSubscription(ctx, &park.Subscription{ID: "s-" + kind, PartnerID: "p1", Report: kind,
				URL: "https://partner.example/", Format: park.FormatNative, CreatedAt: now, UpdatedAt: now}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	count := func(sql []string, name string) int {
		n := 0
		for _, q := range sql {
			if strings.HasPrefix(first(q), "-- name: "+name+" ") {
				n++
			}
		}
		return n
	}
	for _, step := range []struct {
		id, typ, lane string
		reports       int // entry; exit and order
	}{{"in", "entry", "in-1", 1}, {"out", "exit", "out-1", 2}} {
		c.start()
		d, err := sys.Gate.HandleEvent(ctx, gate.EventInput{LotCode: lot, ID: step.id, Type: step.typ,
			Plate: "京C00001", Lane: step.lane, At: now})
		_, sql, _ := c.stop()
		if err != nil || d.Decision != park.DecisionOpen {
			t.Fatalf("%s: %+v, %v; want open", step.typ, d, err)
		}
		if n := count(sql, "EnqueueReport"); n != step.reports {
			t.Errorf("%s: %d reports written, want %d", step.typ, n, step.reports)
		}
		if n := count(sql, "GetStay"); n != 0 {
			t.Errorf("%s: the stay read back %d times, want 0", step.typ, n)
		}
		if n := count(sql, "GetLotSettings"); n != 0 {
			t.Errorf("%s: the lot read again %d times after LotAndPlate, want 0", step.typ, n)
		}
	}
}

// TestTicketLookupReadsLotOnce: a partner's look-up of a car inside by
// its ticket in a named lot reads the lot with the plate's records, after
// the stay (its plate comes from the ticket), in one statement: before, it
// read the lot alone, then the stay, then the records to price it. A
// ticket not inside and a lot that does not exist still answer as before.
func TestTicketLookupReadsLotOnce(t *testing.T) {
	now := time.Date(2026, 12, 7, 4, 0, 0, 0, time.UTC)
	const lot = "140199003"
	sys, s, c := censusSystem(t, lot, func() time.Time { return now })
	p := &park.Partner{ID: "p1", Name: "P1", Dialect: "native", Type: park.PartnerNormal,
		Lots: []string{lot}, CreatedAt: now, UpdatedAt: now}
	if err := s.Update(ctx, func(tx park.Tx) error { return tx.CreatePartner(ctx, p) }); err != nil {
		t.Fatal(err)
	}
	d, err := sys.Gate.HandleEvent(ctx, gate.EventInput{LotCode: lot, ID: "in", Type: "entry",
		Plate: "京C00001", Lane: "in-1", At: now.Add(-2 * time.Hour)})
	if err != nil || d.Locator == "" {
		t.Fatalf("entry: %+v, %v", d, err)
	}
	c.start()
	st, err := sys.Partners.LookupStay(ctx, p, partners.StayLookup{Locator: d.Locator, Lot: lot})
	_, sql, _ := c.stop()
	// Two hours at 200 a half hour (census tariff, 15 min grace): 800.
	if err != nil || st.Due != 800 {
		t.Fatalf("look-up by ticket: %+v, %v; want 800 due", st, err)
	}
	for _, name := range []string{"GetLotSettings", "PlateRecords"} {
		for _, q := range sql {
			if strings.HasPrefix(first(q), "-- name: "+name+" ") {
				t.Errorf("the look-up sent %s besides LotAndPlate:\n%s", name, strings.Join(sql, "\n"))
			}
		}
	}
	if _, err := sys.Partners.LookupStay(ctx, p, partners.StayLookup{Locator: "NOSUCH1", Lot: lot}); !park.IsCode(err, park.ENotFound) ||
		err.(*park.Error).Field != "locator" {
		t.Errorf("an unknown ticket: %v, want not found naming the locator", err)
	}
}
