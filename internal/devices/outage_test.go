package devices_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"parkd/internal/devices"
	"parkd/internal/park"
	"parkd/internal/systemtest"
)

// downStore is a store whose writes fail while it is down.
type downStore struct {
	park.Store
	down atomic.Bool
}

func (s *downStore) Update(ctx context.Context, fn func(park.Tx) error) error {
	if s.down.Load() {
		return park.Errorf(park.EUnavailable, "store down")
	}
	return s.Store.Update(ctx, fn)
}

// logCount is a slog handler that keeps every record, to count lines.
type logCount struct {
	mu   sync.Mutex
	recs []slog.Record
}

func (h *logCount) Enabled(context.Context, slog.Level) bool { return true }
func (h *logCount) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *logCount) WithGroup(string) slog.Handler            { return h }
func (h *logCount) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.recs = append(h.recs, r.Clone())
	return nil
}

// lines are the records at level with message msg, as attribute maps.
func (h *logCount) lines(level slog.Level, msg string) []map[string]any {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []map[string]any
	for _, r := range h.recs {
		if r.Level != level || r.Message != msg {
			continue
		}
		m := map[string]any{}
		r.Attrs(func(a slog.Attr) bool { m[a.Key] = a.Value.Any(); return true })
		out = append(out, m)
	}
	return out
}

// While the store is down, a camera's offline record the device sends
// again and again is logged as an error once per outage, with its cause,
// not at every retry; once the camera's reads are kept again one info
// line says how many failed meanwhile. Another camera's failures are its
// own: logged once for it too. A new outage is logged again.
//
// By hand: cam-in's record 7 fails 3 times (3 failed, 1 error line),
// cam-out's record 9 once (1 error line): 2 error lines. The store back,
// record 7 is kept: 1 info line for cam-in saying 3 failed. cam-out has
// not sent since: no info line for it. A second outage, cam-in's record
// 8 fails: a third error line. That store back, cam-out's record 9 is
// kept: its own info line, saying its 1 failure, not cam-in's 3 or 1.
func TestStoreOutageLoggedOncePerCamera(t *testing.T) {
	down := &downStore{}
	logs := &logCount{}
	sb := systemtest.NewWith(t, systemtest.Options{DeviceProtocols: []string{proto}, Log: slog.New(logs),
		WrapStore: func(s park.Store) park.Store { down.Store = s; return down }})
	b := &bundle{sb, sb.Sys.Devices}
	b.register(t, "cam-in", "in-1")
	b.register(t, "cam-out", "out-1")
	send := func(serial, record, plate string) devices.Answer {
		t.Helper()
		ans, err := b.dev.Read(b.Ctx, devices.Read{Serial: serial, Protocol: proto, RecordID: record, Plate: plate,
			Offline: true, At: b.Clock.Now()})
		if err != nil {
			t.Fatal(err)
		}
		return ans
	}
	const failed, keptAgain = "device read", "device read: kept again"

	down.down.Store(true)
	for range 3 {
		if ans := send("cam-in", "7", "京A12345"); ans.Recorded {
			t.Fatalf("record 7 kept while the store is down: %+v", ans)
		}
	}
	if ans := send("cam-out", "9", "京B99999"); ans.Recorded {
		t.Fatalf("record 9 kept while the store is down: %+v", ans)
	}
	errs := logs.lines(slog.LevelError, failed)
	if len(errs) != 2 || errs[0]["serial"] != "cam-in" || errs[1]["serial"] != "cam-out" {
		t.Fatalf("errors logged during the outage: %v; want one for cam-in, one for cam-out", errs)
	}
	for _, e := range errs {
		if e["err"] == nil {
			t.Fatalf("an error logged without its cause: %v", e)
		}
	}

	down.down.Store(false)
	if ans := send("cam-in", "7", "京A12345"); !ans.Recorded {
		t.Fatalf("record 7 not kept once the store is back: %+v", ans)
	}
	infos := logs.lines(slog.LevelInfo, keptAgain)
	if len(infos) != 1 || infos[0]["serial"] != "cam-in" || infos[0]["failed"] != int64(3) {
		t.Fatalf("info lines once cam-in's reads are kept again: %v; want one for cam-in, 3 failed", infos)
	}
	if ans := send("cam-in", "7", "京A12345"); !ans.Recorded {
		t.Fatalf("record 7 again: %+v", ans)
	}
	if n := len(logs.lines(slog.LevelInfo, keptAgain)); n != 1 {
		t.Fatalf("%d info lines after a read kept with no outage, want still 1", n)
	}

	down.down.Store(true)
	if ans := send("cam-in", "8", "京C55555"); ans.Recorded {
		t.Fatalf("record 8 kept while the store is down: %+v", ans)
	}
	if n := len(logs.lines(slog.LevelError, failed)); n != 3 {
		t.Fatalf("%d errors logged after a second outage, want 3", n)
	}

	down.down.Store(false)
	if ans := send("cam-out", "9", "京B99999"); !ans.Recorded {
		t.Fatalf("record 9 not kept once the store is back: %+v", ans)
	}
	infos = logs.lines(slog.LevelInfo, keptAgain)
	if len(infos) != 2 || infos[1]["serial"] != "cam-out" || infos[1]["failed"] != int64(1) {
		t.Fatalf("info lines once cam-out's read is kept: %v; want a second, for cam-out, 1 failed", infos)
	}
}

// anomalyRefusing is a store that, while refusing, fails every anomaly
// written (a plate-less record's is one) and takes everything else.
type anomalyRefusing struct {
	park.Store
	refusing atomic.Bool
}

func (s *anomalyRefusing) Update(ctx context.Context, fn func(park.Tx) error) error {
	return s.Store.Update(ctx, func(tx park.Tx) error { return fn(anomalyRefusingTx{tx, s}) })
}

type anomalyRefusingTx struct {
	park.Tx
	s *anomalyRefusing
}

func (t anomalyRefusingTx) InsertAnomaly(ctx context.Context, a *park.Anomaly) error {
	if t.s.refusing.Load() {
		return park.Errorf(park.EInternal, "anomalies: check constraint violated")
	}
	return t.Tx.InsertAnomaly(ctx, a)
}

// A plate-less offline record the store will not keep stays with the
// camera, which sends it again every few seconds: it is logged as an
// error once per camera, not at every retry, and once one of the
// camera's plate-less records is kept one info line says how many times
// they failed meanwhile. The camera's live reads, kept all along, end
// nothing: the record is still stuck. Another camera's stuck record is
// logged for it.
//
// By hand: cam-in's record 230 is refused 5 times, two live reads of
// cam-in kept in between (1 error line); cam-out's record 40 twice (1
// error line of its own): 2 error lines. The refusal lifted, record 230
// is kept: 1 info line, for cam-in, 5 failed. cam-out has not sent
// since: no info line for it.
func TestStuckPlatelessRecordLoggedOnce(t *testing.T) {
	st := &anomalyRefusing{}
	logs := &logCount{}
	sb := systemtest.NewWith(t, systemtest.Options{DeviceProtocols: []string{proto}, Log: slog.New(logs),
		WrapStore: func(s park.Store) park.Store { st.Store = s; return st }})
	b := &bundle{sb, sb.Sys.Devices}
	b.register(t, "cam-in", "in-1")
	b.register(t, "cam-out", "out-1")
	passed := b.Clock.Now().Add(-20 * time.Minute)
	plateless := func(serial, record string) devices.Answer {
		t.Helper()
		ans, err := b.dev.Read(b.Ctx, devices.Read{Serial: serial, Protocol: proto, RecordID: record, Offline: true, At: passed})
		if err != nil {
			t.Fatal(err)
		}
		return ans
	}
	const failed, keptAgain = "device read: keeping a plate-less offline record", "device read: plate-less offline record kept again"

	st.refusing.Store(true)
	for i := range 5 {
		if ans := plateless("cam-in", "230"); ans.Recorded {
			t.Fatalf("record 230 kept while the store refuses it: %+v", ans)
		}
		if i == 1 || i == 3 {
			ans, err := b.dev.Read(b.Ctx, devices.Read{Serial: "cam-in", Protocol: proto, RecordID: fmt.Sprint("live-", i),
				Plate: fmt.Sprint("京A1234", i)})
			if err != nil || !ans.Open {
				t.Fatalf("%+v %v: a live read while the record is stuck, want open", ans, err)
			}
		}
	}
	for range 2 {
		if ans := plateless("cam-out", "40"); ans.Recorded {
			t.Fatalf("record 40 kept while the store refuses it: %+v", ans)
		}
	}
	errs := logs.lines(slog.LevelError, failed)
	if len(errs) != 2 || errs[0]["serial"] != "cam-in" || errs[1]["serial"] != "cam-out" {
		t.Fatalf("errors logged for the stuck records: %v; want one for cam-in, one for cam-out", errs)
	}
	for _, e := range errs {
		if e["err"] == nil || e["event"] == nil {
			t.Fatalf("an error logged without its cause or record: %v", e)
		}
	}

	st.refusing.Store(false)
	if ans := plateless("cam-in", "230"); !ans.Recorded {
		t.Fatalf("record 230 not kept once the store takes it: %+v", ans)
	}
	infos := logs.lines(slog.LevelInfo, keptAgain)
	if len(infos) != 1 || infos[0]["serial"] != "cam-in" || infos[0]["failed"] != int64(5) {
		t.Fatalf("info lines once cam-in's record is kept: %v; want one for cam-in, 5 failed", infos)
	}
	if ans := plateless("cam-in", "231"); !ans.Recorded {
		t.Fatalf("record 231: %+v", ans)
	}
	if n := len(logs.lines(slog.LevelInfo, keptAgain)); n != 1 {
		t.Fatalf("%d info lines after a record kept at once, want still 1", n)
	}
}
