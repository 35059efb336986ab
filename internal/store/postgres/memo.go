package postgres

import (
	"regexp"
	"slices"
	"sync"

	"parkd/internal/park"
	"parkd/internal/store/jsonrow"
	"parkd/internal/store/postgres/db"
)

// memo keeps, for one transaction, what GetLotSettings read beside a lot's
// settings in the same statement: its count of cars inside and the kinds
// of report anyone subscribed to for it. A gate event then asks
// CountInside and Subscribed without a round trip each. The answers are
// as fresh as the statement that read them, which under READ COMMITTED is
// what asking later would give, less what commits in between. A write of
// the transaction to a table they were read from drops them (forgets).
type memo struct {
	lots map[string]lotMemo
	// stays holds each stay's row as this transaction last read or wrote
	// it. Only a written one answers GetStay: until commit no other
	// transaction may change it (an update holds its row lock, an insert
	// is seen by no one), where a row only read may change under
	// READ COMMITTED.
	stays map[string]stayMemo
}

type stayMemo struct {
	row     db.Stay
	written bool
}

type lotMemo struct {
	inside     int64
	subscribed []string
}

func (m *memo) keep(code string, inside int64, subscribed []string) {
	if m.lots == nil {
		m.lots = map[string]lotMemo{}
	}
	m.lots[code] = lotMemo{inside: inside, subscribed: subscribed}
}

func (m *memo) count(code string) (int64, bool) {
	l, ok := m.lots[code]
	return l.inside, ok
}

func (m *memo) isSubscribed(code, kind string) (ok, known bool) {
	l, known := m.lots[code]
	return known && slices.Contains(l.subscribed, kind), known
}

// forgets reports whether a statement may change what the memo holds: it
// writes a table the memo's answers come from (partners, whose deletion
// cascades to the others, is one). A statement that only reads them
// while it writes elsewhere (a report fanned out to the subscriptions)
// does not. Answers are kept per statement text.
func forgets(sql string) bool {
	if v, ok := forgetting.Load(sql); ok {
		return v.(bool)
	}
	f := writesMemoTable.MatchString(sql)
	forgetting.Store(sql, f)
	return f
}

var (
	forgetting      sync.Map // statement text → forgets
	writesMemoTable = regexp.MustCompile(`(?i)\b(insert\s+into|update|delete\s+from|merge\s+into|truncate(\s+table)?)\s+(only\s+)?(lots|lot_counts|partners|partner_lots|subscriptions)\b`)
)

// readStay keeps a stay's row as read, unless the transaction wrote it
// (then the read shows what it wrote).
func (m *memo) readStay(r db.Stay) {
	if m.stays == nil {
		m.stays = map[string]stayMemo{}
	}
	if !m.stays[r.ID].written {
		m.stays[r.ID] = stayMemo{row: r}
	}
}

func (m *memo) wroteStay(r db.Stay) {
	if m.stays == nil {
		m.stays = map[string]stayMemo{}
	}
	m.stays[r.ID] = stayMemo{row: r, written: true}
}

// writtenStay returns stay id's row as this transaction wrote it.
func (m *memo) writtenStay(id string) (db.Stay, bool) {
	e, ok := m.stays[id]
	return e.row, ok && e.written
}

// knowsStay says whether this transaction read or wrote stay id's row at
// version: it exists, so an update at that version finding no row lost a
// race (another writer, or a delete, came first).
func (m *memo) knowsStay(id string, version int64) bool {
	e, ok := m.stays[id]
	return ok && e.row.Version == version
}

// updatedStay follows UpdateStay, which wrote s's changeable columns at
// version was: the row is known only if it was known at was, as the
// update's version check proved it still was (the columns no update
// writes come from it).
func (m *memo) updatedStay(s *park.Stay, was int64) {
	e, ok := m.stays[s.ID]
	if !ok || e.row.Version != was {
		delete(m.stays, s.ID)
		return
	}
	r := e.row
	r.Plate, r.PlateKey, r.VehicleClass, r.ExitAt, r.ExitLane = s.Plate, s.PlateKey, s.VehicleClass, tsp(s.ExitAt), s.ExitLane
	r.State, r.PassID, r.Total, r.Paid, r.Discount = s.State, s.PassID, s.Total, s.Paid, s.Discount
	r.PaidUntil, r.Anomaly, r.UpdatedAt, r.KeptFree = tsp(s.PaidUntil), s.Anomaly, ts(s.UpdatedAt), jsonrow.Periods(s.KeptFree)
	r.PassFrom, r.ReservationID, r.Version = tsp(s.PassFrom), s.ReservationID, s.Version
	m.wroteStay(r)
}
